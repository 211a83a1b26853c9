// Sampled statements (LYNX_*_EVERY_N, _FIRST_N, _EVERY) and Logger::set_rate_limit: which records
// are written, that suppressed records' arguments are not evaluated, that the next written record
// of a statement carries the exact count it suppressed, and Stats::records_suppressed per level.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

int g_evaluated = 0;
int count_evaluation(int i) {
  ++g_evaluated;
  return i;
}

// (value of field "i", suppressed) of the user records of `logger`, in order.
std::vector<std::pair<std::string, std::uint64_t>> written(const lynx::test::Decoded& d,
                                                           const std::string& logger) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const auto* r : d.user_records()) {
    if (r->logger == logger) out.emplace_back(r->value("i"), r->suppressed);
  }
  return out;
}

using W = std::vector<std::pair<std::string, std::uint64_t>>;

}  // namespace

TEST_CASE("EVERY_N writes every n-th record; each says how many were suppressed before it") {
  lynx::test::TempDir dir("sampling");
  lynx::Stats stats;
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
    lynx::Logger& log = lynx::logger("every_n");
    g_evaluated = 0;
    for (int i = 0; i < 10; ++i) LYNX_WARN_EVERY_N(log, 4, "{i}", count_evaluation(i));
    CHECK(g_evaluated == 3);  // 0, 4, 8: the suppressed ones' arguments were not evaluated
    engine.flush();
    stats = engine.stats();
  }
  const auto d = lynx::test::decode_dir(dir.path());
  CHECK(d.problems == 0);
  CHECK(written(d, "every_n") == W{{"0", 0}, {"4", 3}, {"8", 3}});
  CHECK(stats.records_suppressed[static_cast<int>(lynx::Level::warn)] == 7);
  CHECK(stats.records_suppressed[static_cast<int>(lynx::Level::info)] == 0);
}

TEST_CASE("FIRST_N writes the first n records only; the rest are counted") {
  lynx::test::TempDir dir("sampling");
  lynx::Stats stats;
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
    lynx::Logger& log = lynx::logger("first_n");
    g_evaluated = 0;
    for (int i = 0; i < 50; ++i)
      LYNX_DEBUG_FIRST_N(lynx::logger("first_n"), 3, "{i}", count_evaluation(i));
    (void)log;
    CHECK(g_evaluated == 0);  // the logger is at info: debug is not even sampled
    log.set_level(lynx::Level::debug);
    for (int i = 0; i < 50; ++i) LYNX_DEBUG_FIRST_N(log, 3, "{i}", count_evaluation(i));
    CHECK(g_evaluated == 3);
    engine.flush();
    stats = engine.stats();
  }
  const auto d = lynx::test::decode_dir(dir.path());
  CHECK(written(d, "first_n") == W{{"0", 0}, {"1", 0}, {"2", 0}});
  CHECK(stats.records_suppressed[static_cast<int>(lynx::Level::debug)] == 47);
}

TEST_CASE("EVERY writes at most one record per interval, from several threads") {
  lynx::test::TempDir dir("sampling");
  lynx::Stats stats;
  constexpr int kThreads = 4, kCalls = 5000;
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
    lynx::Logger& log = lynx::logger("every");
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = 0; i < kCalls; ++i) LYNX_ERROR_EVERY(log, std::chrono::hours(1), "{i}", i);
      });
    }
    for (auto& t : threads) t.join();
    engine.flush();
    stats = engine.stats();
  }
  const auto d = lynx::test::decode_dir(dir.path());
  CHECK(written(d, "every").size() == 1);  // the first; the hour never passes
  CHECK(stats.records_suppressed[static_cast<int>(lynx::Level::error)] == kThreads * kCalls - 1);
}

TEST_CASE("a rate limit lets a burst through, then suppresses and counts exactly") {
  lynx::test::TempDir dir("sampling");
  lynx::Stats stats;
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
    lynx::Logger& log = lynx::logger("rate");
    log.set_rate_limit(1e-6, 5);  // a burst of 5, then one record per ~11.6 days
    for (int i = 0; i < 20; ++i) LYNX_INFO(log, "{i}", i);
    log.set_rate_limit(0);  // off again: the next record reports the 15 suppressed
    LYNX_INFO(log, "{i}", 100);
    LYNX_INFO(log, "{i}", 101);
    engine.flush();
    stats = engine.stats();
  }
  const auto d = lynx::test::decode_dir(dir.path());
  CHECK(written(d, "rate") ==
        W{{"0", 0}, {"1", 0}, {"2", 0}, {"3", 0}, {"4", 0}, {"100", 15}, {"101", 0}});
  CHECK(stats.records_suppressed[static_cast<int>(lynx::Level::info)] == 15);
}
