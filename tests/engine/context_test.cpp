// lynx::Context: records carry the fields of the contexts live on their thread when they were
// logged (scopes, nesting and shadowing, capture/restore across threads), in every block (each
// block restates what its records need), and across an engine restart.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/context.hpp>
#include <lynx/lynx.hpp>

#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "test_support.hpp"

namespace {

using Ctx = std::vector<std::pair<std::string, std::string>>;

// The context of the user record whose field "n" is `n`.
Ctx context_of(const lynx::test::Decoded& d, int n) {
  for (const auto* r : d.user_records()) {
    if (r->value("n") == std::to_string(n)) return r->context;
  }
  FAIL("record ", n, " not found");
  return {};
}

}  // namespace

TEST_CASE("a context's fields are on the records logged in its scope, and only there") {
  lynx::test::TempDir dir("context");
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
    lynx::Logger& log = lynx::logger("ctx");
    LYNX_INFO(log, "before {n}", 1);
    {
      const std::string tenant = "acme";
      lynx::Context ctx("request_id", 42, "tenant", tenant, "ok", true);
      LYNX_INFO(log, "inside {n}", 2);
      LYNX_WARN(lynx::logger("ctx.other"), "other logger {n}", 3);
    }
    LYNX_INFO(log, "after {n}", 4);
  }
  const auto d = lynx::test::decode_dir(dir.path());
  CHECK(d.problems == 0);
  const Ctx inside{{"request_id", "42"}, {"tenant", "acme"}, {"ok", "true"}};
  CHECK(context_of(d, 1).empty());
  CHECK(context_of(d, 2) == inside);
  CHECK(context_of(d, 3) == inside);  // a context is the thread's, whatever the logger
  CHECK(context_of(d, 4).empty());
}

TEST_CASE("nested contexts add and shadow; leaving one removes exactly what it added") {
  lynx::test::TempDir dir("context");
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
    lynx::Logger& log = lynx::logger("ctx");
    lynx::Context outer("user", "ann", "step", 1);
    LYNX_INFO(log, "{n}", 1);
    {
      lynx::Context inner("step", 2.5, "order", 7u);
      LYNX_INFO(log, "{n}", 2);
      {
        lynx::Context innermost("user", "bob");
        LYNX_INFO(log, "{n}", 3);
      }
      LYNX_INFO(log, "{n}", 4);
    }
    LYNX_INFO(log, "{n}", 5);
  }
  const auto d = lynx::test::decode_dir(dir.path());
  CHECK(d.problems == 0);
  CHECK(context_of(d, 1) == Ctx{{"user", "ann"}, {"step", "1"}});
  CHECK(context_of(d, 2) == Ctx{{"user", "ann"}, {"step", "2.5"}, {"order", "7"}});
  CHECK(context_of(d, 3) == Ctx{{"user", "bob"}, {"step", "2.5"}, {"order", "7"}});
  CHECK(context_of(d, 4) == Ctx{{"user", "ann"}, {"step", "2.5"}, {"order", "7"}});
  CHECK(context_of(d, 5) == Ctx{{"user", "ann"}, {"step", "1"}});
}

TEST_CASE("capture and Restore carry a context to another thread") {
  lynx::test::TempDir dir("context");
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
    lynx::Logger& log = lynx::logger("ctx");
    lynx::Context::Snapshot snap;
    {
      lynx::Context a("request_id", 99);
      lynx::Context b("tenant", "acme");
      snap = lynx::Context::capture();
    }
    CHECK_FALSE(snap.empty());
    LYNX_INFO(log, "{n}", 1);  // the scopes are gone here
    std::thread worker([&] {
      lynx::Context own("worker", 3);
      LYNX_INFO(log, "{n}", 2);
      {
        lynx::Context::Restore restore(snap);
        LYNX_INFO(log, "{n}", 3);
      }
      LYNX_INFO(log, "{n}", 4);
    });
    worker.join();
    lynx::Context::Restore empty{lynx::Context::Snapshot{}};
    LYNX_INFO(log, "{n}", 5);
  }
  const auto d = lynx::test::decode_dir(dir.path());
  CHECK(d.problems == 0);
  CHECK(context_of(d, 1).empty());
  CHECK(context_of(d, 2) == Ctx{{"worker", "3"}});
  CHECK(context_of(d, 3) == Ctx{{"worker", "3"}, {"request_id", "99"}, {"tenant", "acme"}});
  CHECK(context_of(d, 4) == Ctx{{"worker", "3"}});
  CHECK(context_of(d, 5).empty());
}

TEST_CASE("every block restates the context its records need") {
  lynx::test::TempDir dir("context");
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
    lynx::Logger& log = lynx::logger("ctx");
    lynx::Context ctx("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
    for (int i = 0; i < 4; ++i) {
      LYNX_INFO(log, "{n}", i);
      engine.flush();  // seals the block: the next record is in a new one
    }
  }
  const auto d = lynx::test::decode_dir(dir.path());
  CHECK(d.problems == 0);
  for (int i = 0; i < 4; ++i)
    CHECK(context_of(d, i) == Ctx{{"trace_id", "4bf92f3577b34da6a3ce929d0e0e4736"}});
}

TEST_CASE("a context outlives an engine restart") {
  lynx::test::TempDir first("context");
  lynx::test::TempDir second("context");
  lynx::Logger& log = lynx::logger("ctx");
  lynx::Context ctx("session", 5);
  {
    lynx::Engine engine(lynx::Options{.directory = first.path(), .name = "t"});
    LYNX_INFO(log, "{n}", 1);
  }
  {
    lynx::Engine engine(lynx::Options{.directory = second.path(), .name = "t"});
    LYNX_INFO(log, "{n}", 2);
  }
  CHECK(context_of(lynx::test::decode_dir(first.path()), 1) == Ctx{{"session", "5"}});
  CHECK(context_of(lynx::test::decode_dir(second.path()), 2) == Ctx{{"session", "5"}});
}
