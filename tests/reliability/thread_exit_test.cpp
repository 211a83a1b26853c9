// Thread exit: records logged from thread_local destructors, whether the object was made before
// or after the thread's first log call, are written, and each thread registers once (its ring goes
// back when it exits, never leaks); a record logged after the thread's exit hook (from a pthread
// key destructor that runs later) is counted, and gets no ring.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <pthread.h>
#include <lynx/lynx.hpp>

#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

constexpr int kThreads = 100;

struct LogsWhenDestroyed {
  int n = 0;
  ~LogsWhenDestroyed() { LYNX_INFO(lynx::logger("exit"), "thread_local destructor {n}", n); }
};
thread_local LogsWhenDestroyed t_logs;

pthread_key_t g_late_key;
void late_key_destructor(void*) { LYNX_INFO(lynx::logger("exit"), "key destructor {n}", 1); }

}  // namespace

TEST_CASE("thread_local destructors made before the first log call log, and nothing leaks") {
  lynx::test::TempDir dir("thread-exit");
  lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
  lynx::Logger& log = lynx::logger("exit");
  for (int round = 0; round < 2; ++round) {
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        t_logs.n = t;  // made before the thread's first log call
        LYNX_INFO(log, "hello {t}", t);
      });
    }
    for (auto& t : threads) t.join();
  }
  engine.flush();
  const auto d = lynx::test::decode_dir(dir.path());
  int hello = 0, destructor = 0;
  for (const auto* r : d.user_records()) {
    hello += r->format == "hello {t}";
    destructor += r->format == "thread_local destructor {n}";
  }
  CHECK(hello == 2 * kThreads);
  CHECK(destructor == 2 * kThreads);
  // One registration per thread: the destructor's record went to the thread's own ring.
  CHECK(engine.stats().threads_registered == 2 * kThreads);
}

TEST_CASE("a thread whose first log call is in a thread_local destructor registers and lets go") {
  lynx::test::TempDir dir("thread-exit");
  lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
  const auto before = engine.stats().threads_registered;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) threads.emplace_back([t] { t_logs.n = 1000 + t; });
  for (auto& t : threads) t.join();
  engine.flush();
  const auto d = lynx::test::decode_dir(dir.path());
  CHECK(d.user_records().size() == kThreads);
  CHECK(engine.stats().threads_registered - before == kThreads);
}

TEST_CASE("logging after the thread's exit hook is counted, not given a ring") {
  lynx::test::TempDir dir("thread-exit");
  lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
  lynx::Logger& log = lynx::logger("exit");
  LYNX_INFO(log, "the exit hook's key exists {n}", 0);  // lynx's key is made before ours
  REQUIRE(pthread_key_create(&g_late_key, late_key_destructor) == 0);
  const auto dropped_before = lynx::dropped_without_engine();
  const auto registered_before = engine.stats().threads_registered;
  std::vector<std::thread> threads;
  for (int t = 0; t < 10; ++t) {
    threads.emplace_back([&] {
      LYNX_INFO(log, "before exit {n}", 1);
      pthread_setspecific(g_late_key, &g_late_key);  // its destructor runs after lynx's
    });
  }
  for (auto& t : threads) t.join();
  engine.flush();
  CHECK(lynx::dropped_without_engine() - dropped_before == 10);
  CHECK(engine.stats().threads_registered - registered_before == 10);
  int before_exit = 0;
  const auto d = lynx::test::decode_dir(dir.path());
  for (const auto* r : d.user_records()) before_exit += r->format == "before exit {n}";
  CHECK(before_exit == 10);
}
