// Shards and rotation: threads are spread over <name>.<shard>.* files; a small rotate_bytes gives
// several files per shard, each decodable on its own, with no record lost or duplicated between
// them.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <cstdint>
#include <filesystem>
#include <latch>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"
#include "tests/support/sizing.hpp"

namespace {

constexpr unsigned kThreads = 4;

// The threads all live until each has logged everything: a thread takes the shard with the fewest
// live threads when it registers, so one that exited early would leave its place to the next.
void log_from_threads(lynx::Logger& log, std::uint64_t per_thread) {
  std::latch all_done(kThreads);
  std::vector<std::thread> workers;
  for (unsigned t = 0; t < kThreads; ++t) {
    workers.emplace_back([&log, &all_done, t, per_thread] {
      // Varied text so that zstd cannot squeeze a whole file into one small block.
      std::string payload;
      for (std::uint64_t seq = 0; seq < per_thread; ++seq) {
        payload =
            "payload-" + std::to_string(seq * 2654435761u % 1000003) + "-" + std::to_string(t);
        LYNX_INFO(log, "thread {thread} seq {seq} {payload}", t, seq, payload);
      }
      all_done.arrive_and_wait();
    });
  }
  for (std::thread& w : workers) w.join();
}

struct ThreadView {
  std::set<std::uint32_t> shards;
  std::uint64_t count = 0;
  std::int64_t last_seq = -1;
  std::uint64_t out_of_order = 0;
  std::vector<bool> seen;
  std::uint64_t duplicates = 0;
};

// Exactly-once and per-thread order over all files in name order; which shards each thread used.
std::vector<ThreadView> check_threads(const lynx::test::Decoded& decoded,
                                      std::uint64_t per_thread) {
  std::vector<ThreadView> views(kThreads);
  for (ThreadView& v : views) v.seen.assign(per_thread, false);
  std::map<std::string, std::uint32_t> shard_of_path;
  for (const auto& f : decoded.files) shard_of_path[f.path] = f.shard;
  for (const auto* r : decoded.user_records()) {
    const auto t = static_cast<unsigned>(std::stoul(r->value("thread")));
    const auto seq = std::stoull(r->value("seq"));
    REQUIRE(t < kThreads);
    REQUIRE(seq < per_thread);
    ThreadView& v = views[t];
    v.shards.insert(shard_of_path[r->path]);
    ++v.count;
    if (v.seen[seq]) ++v.duplicates;
    v.seen[seq] = true;
    if (static_cast<std::int64_t>(seq) <= v.last_seq) ++v.out_of_order;
    v.last_seq = static_cast<std::int64_t>(seq);
  }
  for (unsigned t = 0; t < kThreads; ++t) {
    CAPTURE(t);
    CHECK(views[t].count == per_thread);
    CHECK(views[t].duplicates == 0);
    CHECK(views[t].out_of_order == 0);
    CHECK(views[t].shards.size() == 1);  // a thread writes to one shard only
  }
  return views;
}

}  // namespace

TEST_CASE(
    "shards = 2 with 4 threads: two files, app.0 and app.1, each decodable, two threads each") {
  lynx::test::TempDir dir("shards");
  const std::uint64_t kPerThread = lynx::test::sized<std::uint64_t>(5000, 2000);  // 2000: sanitized
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "app", .shards = 2});
    log_from_threads(lynx::logger("shards"), kPerThread);
    engine.flush();
    CHECK(engine.stats().files_opened == 2);
  }
  const auto files = lynx::test::lynx_files(dir.path());
  REQUIRE(files.size() == 2);
  CHECK(std::filesystem::path(files[0]).filename() == "app.0.000000.lynx");
  CHECK(std::filesystem::path(files[1]).filename() == "app.1.000000.lynx");

  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  REQUIRE(decoded.files.size() == 2);
  CHECK(decoded.files[0].shard == 0);
  CHECK(decoded.files[1].shard == 1);
  CHECK(decoded.files[0].records > 0);
  CHECK(decoded.files[1].records > 0);
  const auto views = check_threads(decoded, kPerThread);
  std::map<std::uint32_t, int> threads_per_shard;
  for (const ThreadView& v : views) {
    if (!v.shards.empty()) ++threads_per_shard[*v.shards.begin()];
  }
  CHECK(threads_per_shard[0] == 2);
  CHECK(threads_per_shard[1] == 2);
}

TEST_CASE(
    "rotate_bytes = 64 KiB: several self-contained files per shard, nothing lost or duplicated") {
  for (const auto compression : {lynx::Compression::none, lynx::Compression::zstd}) {
    const bool zstd = compression == lynx::Compression::zstd;
    CAPTURE(zstd);
    lynx::test::TempDir dir("rotation");
    constexpr std::uint64_t kRotate = 64 * 1024;
    const std::uint64_t per_thread = zstd ? 40'000 : 10'000;
    std::uint64_t files_opened = 0;
    {
      lynx::Engine engine(lynx::Options{.directory = dir.path(),
                                        .name = "app",
                                        .shards = 2,
                                        .rotate_bytes = kRotate,
                                        .compression = compression});
      log_from_threads(lynx::logger("rotation"), per_thread);
      engine.flush();
      files_opened = engine.stats().files_opened;
    }
    const auto decoded = lynx::test::decode_dir(dir.path());
    CHECK(decoded.problems == 0);
    for (const std::string& p : decoded.problem_messages) MESSAGE(p);
    CHECK(files_opened == decoded.files.size());

    // Per shard: sequences 0, 1, 2, ... in name order, each file on its own decodable and within
    // size.
    std::map<std::uint32_t, std::vector<const lynx::test::DecodedFile*>> by_shard;
    for (const auto& f : decoded.files) by_shard[f.shard].push_back(&f);
    REQUIRE(by_shard.size() == 2);
    for (const auto& [shard, files] : by_shard) {
      CAPTURE(shard);
      CHECK(files.size() >= 3);
      for (std::size_t i = 0; i < files.size(); ++i) {
        const lynx::test::DecodedFile& f = *files[i];
        CAPTURE(f.path);
        CHECK(f.opened);
        CHECK(f.sequence == i);
        char expected_name[64];
        std::snprintf(expected_name, sizeof expected_name, "app.%u.%06zu.lynx", shard, i);
        CHECK(std::filesystem::path(f.path).filename() == expected_name);
        CHECK(f.problems == 0);
        CHECK(f.size <= kRotate);  // "start a new file when the current one would pass this size"
        if (i + 1 < files.size()) CHECK(f.records > 0);  // only the newest may still be empty
      }
    }
    check_threads(decoded, per_thread);
  }
}
