// Records up to the ring's limit (half the ring, at most 8 MiB) are accepted by the producer, so
// the backend must be able to write them: a record larger than one I/O buffer must still reach the
// file intact. Its own executable: when this breaks it can corrupt memory and take others down.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <cstdint>
#include <string>

#include "test_support.hpp"

namespace {

// Bytes that do not compress, so zstd keeps the block raw and its size is the record's size.
std::string noise(std::size_t n, std::uint64_t seed) {
  std::string s(n, '\0');
  std::uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
  for (char& c : s) {
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    c = static_cast<char>('!' + x % 90);
  }
  return s;
}

}  // namespace

TEST_CASE("a 1.5 MiB string in a 4 MiB ring is written and decodes intact") {
  for (const auto compression : {lynx::Compression::none, lynx::Compression::zstd}) {
    CAPTURE(static_cast<int>(compression));
    lynx::test::TempDir dir("large");
    const std::string big = noise(1536 * 1024, 1);
    const std::string after = noise(100, 2);
    {
      lynx::Engine engine(lynx::Options{.directory = dir.path(),
                                        .name = "t",
                                        .compression = compression,
                                        .buffer_bytes = 4u << 20,
                                        .max_string_bytes = 2u << 20});
      lynx::Logger& log = lynx::logger("large");
      LYNX_INFO(log, "small before {s}", after);
      LYNX_INFO(log, "big {s}", big);
      LYNX_INFO(log, "small after {s}", after);
      engine.flush();
      CHECK(engine.stats().records_dropped == 0);
    }
    const auto decoded = lynx::test::decode_dir(dir.path());
    CHECK(decoded.problems == 0);
    for (const std::string& p : decoded.problem_messages) MESSAGE(p);
    const auto got = decoded.user_records();
    REQUIRE(got.size() == 3);
    CHECK(got[1]->value("s").size() == big.size());
    CHECK(got[1]->value("s") == big);
    CHECK(got[2]->value("s") == after);
  }
}
