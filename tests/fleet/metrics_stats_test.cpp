// What Engine::stats() grew for operators (issue 15): records per level, drops per level, bytes
// raw / encoded / written, rotations, files deleted by retention, the ring high-water mark and the
// backend lag histogram, each checked against what the test did.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <numeric>
#include <string>

#include "tests/support/temp_dir.hpp"

namespace {

std::uint64_t sum(const std::array<std::uint64_t, 6>& a) {
  return std::accumulate(a.begin(), a.end(), std::uint64_t{0});
}

}  // namespace

TEST_CASE("records per level, bytes, rotations, retention, high-water mark and lag") {
  lynx::test::TempDir dir("stats");
  lynx::Options o{.directory = dir.path(),
                  .name = "s",
                  .rotate_bytes = 16u << 10,
                  .keep_files = 2,
                  .level = lynx::Level::debug};
  lynx::Stats s;
  {
    lynx::Engine engine(o);
    lynx::Logger& log = lynx::logger("stats");
    std::uint64_t x = 88172645463325252ull;  // xorshift: payloads that do not pack or repeat
    std::string payload(40, ' ');
    for (int i = 0; i < 3000; ++i) {
      for (char& c : payload) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        c = static_cast<char>('a' + x % 26);
      }
      LYNX_INFO(log, "order {id} for {user} with a payload {p}", i, std::string("ann"), payload);
      if (i % 3 == 0) LYNX_WARN(log, "slow {ms}", i);
      if (i % 10 == 0) LYNX_DEBUG(log, "debug {i}", i);
    }
    LYNX_ERROR(log, "one error");
    engine.flush();
    s = engine.stats();
  }
  using L = lynx::Level;
  CHECK(s.records_by_level[int(L::info)] == 3000);
  CHECK(s.records_by_level[int(L::warn)] == 1000);
  CHECK(s.records_by_level[int(L::debug)] == 300);
  CHECK(s.records_by_level[int(L::error)] == 1);
  CHECK(s.records_by_level[int(L::trace)] == 0);
  CHECK(s.records_written == 4301);
  CHECK(s.bytes_encoded > 0);
  CHECK(s.bytes_encoded < s.bytes_raw);  // zstd: 26 letters take less than a byte each
  CHECK(s.bytes_raw > 3000 * 40);
  CHECK(s.bytes_encoded < s.bytes_written);
  CHECK(s.rotations > 0);
  CHECK(s.files_opened == s.rotations + 1);
  CHECK(s.files_deleted == s.files_opened - 2);  // keep_files = 2
  CHECK(s.ring_high_water_bytes > 0);
  CHECK(s.ring_high_water_bytes <= o.buffer_bytes);
  // Every record of a completed write observed once.
  CHECK(s.backend_lag.count == s.records_written);
  CHECK(std::accumulate(s.backend_lag.counts.begin(), s.backend_lag.counts.end(),
                        std::uint64_t{0}) == s.backend_lag.count);
  CHECK(s.backend_lag.sum_ns > 0);
}

TEST_CASE("drops per level name the level of ring drops") {
  lynx::test::TempDir dir("stats");
  lynx::Options o{.directory = dir.path(), .name = "d"};
  o.buffer_bytes = o.initial_buffer_bytes = 4096;
  o.on_full = lynx::OnFull::drop;
  lynx::Stats s;
  {
    lynx::Engine engine(o);
    lynx::Logger& log = lynx::logger("drops");
    const std::string big(1000, 'y');
    for (int i = 0; i < 20000 && engine.stats().records_dropped == 0; ++i)
      LYNX_WARN(log, "burst {i} {big}", i, big);
    engine.flush();
    s = engine.stats();
  }
  REQUIRE(s.records_dropped > 0);
  CHECK(s.records_dropped_by_level[int(lynx::Level::warn)] > 0);
  CHECK(sum(s.records_dropped_by_level) == s.records_dropped);  // one pair: every drop named
  CHECK(s.ring_high_water_bytes > 2048);
}

TEST_CASE("the histogram's buckets") {
  using H = lynx::LagHistogram;
  CHECK(H::bucket_of(0) == 0);
  CHECK(H::bucket_of(1000) == 0);
  CHECK(H::bucket_of(1001) == 1);
  CHECK(H::bucket_of(2000) == 1);
  CHECK(H::bucket_of(2001) == 2);
  CHECK(H::bucket_of(H::upper_bound_ns(10)) == 10);
  CHECK(H::bucket_of(H::upper_bound_ns(10) + 1) == 11);
  CHECK(H::bucket_of(~std::uint64_t{0}) == H::kBuckets - 1);
}
