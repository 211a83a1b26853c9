// Logging after the engine stopped: calls are dropped and counted by
// lynx::dropped_without_engine(), from the thread that used the engine and from a new thread, and
// nothing crashes. A new Engine then works again for the same threads (their rings are replaced).
// Its own executable: it depends on which engine runs.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "test_support.hpp"

namespace {

// A thread that runs the functions it is handed, one at a time, and says when each is done. Used to
// keep one thread alive (with its ring) across engines, with no sleeping.
class Worker {
 public:
  Worker() : thread_([this] { loop(); }) {}
  ~Worker() {
    run(nullptr);
    thread_.join();
  }
  // Runs `fn` on the worker and returns once it finished; nullptr ends the worker.
  void run(std::function<void()> fn) {
    std::unique_lock lock(mutex_);
    const bool stop = !fn;
    job_ = std::move(fn);
    has_job_ = true;
    cv_.notify_all();
    if (!stop) cv_.wait(lock, [&] { return !has_job_; });
  }

 private:
  void loop() {
    for (;;) {
      std::unique_lock lock(mutex_);
      cv_.wait(lock, [&] { return has_job_; });
      if (!job_) return;
      job_();
      has_job_ = false;
      cv_.notify_all();
    }
  }
  std::mutex mutex_;
  std::condition_variable cv_;
  std::function<void()> job_;
  bool has_job_ = false;
  std::thread thread_;
};

}  // namespace

TEST_CASE("after the engine stops, log calls are counted as dropped; a new engine works again") {
  lynx::Logger& log = lynx::logger("after-stop");
  Worker worker;  // lives across both engines
  const std::uint64_t dropped_at_start = lynx::dropped_without_engine();

  lynx::test::TempDir first_dir("after-stop");
  {
    lynx::Engine engine(lynx::Options{.directory = first_dir.path(), .name = "first"});
    LYNX_INFO(log, "first engine, main {i}", 1);
    worker.run([&] { LYNX_INFO(log, "first engine, worker {i}", 2); });
  }  // destroyed: writes everything, stops
  CHECK(lynx::dropped_without_engine() == dropped_at_start);
  {
    const auto decoded = lynx::test::decode_dir(first_dir.path());
    CHECK(decoded.problems == 0);
    const auto got = decoded.user_records();
    REQUIRE(got.size() == 2);
    CHECK(got[0]->format == "first engine, main {i}");
    CHECK(got[1]->format == "first engine, worker {i}");
  }

  // No engine runs: every call is dropped and counted, wherever it comes from.
  const std::string arg = "ignored";
  LYNX_INFO(log, "no engine, main {s}", arg);
  LYNX_INFO(log, "no engine, main again {s}", arg);
  LYNX_ERROR(log, "no engine, main a third time");
  CHECK(lynx::dropped_without_engine() == dropped_at_start + 3);
  worker.run([&] {
    LYNX_INFO(log, "no engine, worker {s}", arg);
    LYNX_INFO(log, "no engine, worker again {s}", arg);
  });
  CHECK(lynx::dropped_without_engine() == dropped_at_start + 5);
  std::thread fresh([&] {
    for (int i = 0; i < 4; ++i) LYNX_WARN(log, "no engine, new thread {i}", i);
  });
  fresh.join();
  CHECK(lynx::dropped_without_engine() == dropped_at_start + 9);
  // A call filtered by level is not a drop.
  LYNX_DEBUG(log, "filtered {s}", arg);
  CHECK(lynx::dropped_without_engine() == dropped_at_start + 9);

  // A second engine: the same threads log again through new rings.
  lynx::test::TempDir second_dir("after-stop");
  {
    lynx::Engine engine(lynx::Options{.directory = second_dir.path(), .name = "second"});
    LYNX_INFO(log, "second engine, main {i}", 3);
    worker.run([&] { LYNX_INFO(log, "second engine, worker {i}", 4); });
    std::thread([&] { LYNX_INFO(log, "second engine, new thread {i}", 5); }).join();
    engine.flush();

    const auto decoded = lynx::test::decode_dir(second_dir.path());
    CHECK(decoded.problems == 0);
    const auto got = decoded.user_records();
    REQUIRE(got.size() == 3);
    CHECK(got[0]->format == "second engine, main {i}");
    CHECK(got[0]->os_tid == lynx::test::current_os_tid());
    CHECK(got[1]->format == "second engine, worker {i}");
    CHECK(got[2]->format == "second engine, new thread {i}");
    CHECK(engine.stats().threads_registered == 3);
    CHECK(engine.stats().records_dropped == 0);
  }
  CHECK(lynx::dropped_without_engine() == dropped_at_start + 9);
  // The first engine's files were left alone.
  CHECK(lynx::test::decode_dir(first_dir.path()).records.size() == 2);

  // And after the second engine, drops are counted again.
  LYNX_INFO(log, "no engine again {i}", 6);
  worker.run([&] { LYNX_INFO(log, "no engine again, worker {i}", 7); });
  CHECK(lynx::dropped_without_engine() == dropped_at_start + 11);
}
