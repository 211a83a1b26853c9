// Logger::enable_backtrace: records below the logger's level are kept per thread (the last
// `capacity`), and written in order, marked as backtrace, before a record at the flush level, or
// on flush_backtrace(); without a trigger they are never written.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/context.hpp>
#include <lynx/lynx.hpp>

#include <future>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

// "<i>" or "<i>*" (a backtrace record) for each user record of `logger`, in file order.
std::vector<std::string> written(const lynx::test::Decoded& d, const std::string& logger) {
  std::vector<std::string> out;
  for (const auto* r : d.user_records()) {
    if (r->logger == logger) out.push_back(r->value("i") + (r->backtrace ? "*" : ""));
  }
  return out;
}

using V = std::vector<std::string>;

}  // namespace

TEST_CASE("an error writes the last `capacity` records below the level first, in order") {
  lynx::test::TempDir dir("backtrace");
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
    lynx::Logger& log = lynx::logger("bt");
    log.enable_backtrace(3, lynx::Level::error);
    CHECK(log.backtrace_capacity() == 3);
    for (int i = 1; i <= 5; ++i) LYNX_DEBUG(log, "step {i}", i);  // kept: 3, 4, 5 remain
    LYNX_INFO(log, "normal {i}", 10);                             // at the level: written
    LYNX_ERROR(log, "failed {i}", 11);                            // flushes 3, 4, 5 first
    LYNX_TRACE(log, "after {i}", 12);                             // kept, never flushed
    LYNX_ERROR(log, "again {i}", 13);                             // flushes 12
    LYNX_DEBUG(log, "left {i}", 14);                              // kept, then discarded
  }
  const auto d = lynx::test::decode_dir(dir.path());
  CHECK(d.problems == 0);
  CHECK(written(d, "bt") == V{"10", "3*", "4*", "5*", "11", "12*", "13"});
}

TEST_CASE("flush_backtrace writes every thread's kept records; each thread keeps its own") {
  lynx::test::TempDir dir("backtrace");
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
    lynx::Logger& log = lynx::logger("bt2");
    log.enable_backtrace(10, lynx::Level::critical);
    // The other thread stays alive until the flush: an exited thread's kept records go with it.
    std::promise<void> logged, flushed;
    std::thread other([&] {
      lynx::Context ctx("worker", 1);
      LYNX_DEBUG(log, "{i}", 1);
      LYNX_ERROR(log, "{i}", 2);  // below critical: not a trigger, at the level: written
      logged.set_value();
      flushed.get_future().wait();
    });
    logged.get_future().wait();
    LYNX_DEBUG(log, "{i}", 3);
    LYNX_DEBUG(log, "{i}", 4);
    log.flush_backtrace();
    log.flush_backtrace();  // nothing left
    engine.flush();
    flushed.set_value();
    other.join();
    log.enable_backtrace(0);
    LYNX_DEBUG(log, "{i}", 5);  // below the level, no backtrace: dropped at the call
    LYNX_CRITICAL(log, "{i}", 6);
  }
  const auto d = lynx::test::decode_dir(dir.path());
  CHECK(d.problems == 0);
  const V w = written(d, "bt2");
  // Threads' records merge by time, the flush writes the calling thread's kept records first.
  CHECK(w == V{"2", "3*", "4*", "1*", "6"});
  for (const auto* r : d.user_records()) {
    if (r->value("i") == "1") {
      CHECK(r->context == std::vector<std::pair<std::string, std::string>>{{"worker", "1"}});
    }
  }
}
