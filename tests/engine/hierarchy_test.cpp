// Hierarchical levels: lynx::set_level(prefix) for existing and later loggers, the most specific
// prefix winning, LYNX_LEVEL at engine start (with a malformed part reported and ignored), and the
// log calls of each logger filtered accordingly. Its own executable: levels are process-wide.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <cstdlib>
#include <string>
#include <vector>

#include "engine/logger_registry.hpp"
#include "test_support.hpp"

using lynx::Level;

TEST_CASE("covers() follows the dotted hierarchy") {
  using lynx::detail::covers;
  CHECK(covers("orders", "orders"));
  CHECK(covers("orders", "orders.payments"));
  CHECK(covers("orders", "orders.payments.card"));
  CHECK_FALSE(covers("orders", "ordersx"));
  CHECK_FALSE(covers("orders.payments", "orders"));
  CHECK(covers("", "anything"));
}

TEST_CASE("set_level(prefix) sets existing and later loggers below it; the most specific wins") {
  lynx::Logger& orders = lynx::logger("h1.orders");
  lynx::Logger& pay = lynx::logger("h1.orders.payments");
  lynx::Logger& other = lynx::logger("h1.ordersx");
  const Level other_before = other.level();
  lynx::set_level("h1.orders", Level::debug);
  CHECK(orders.level() == Level::debug);
  CHECK(pay.level() == Level::debug);
  CHECK(other.level() == other_before);
  CHECK(lynx::logger("h1.orders.later").level() == Level::debug);

  lynx::set_level("h1.orders.payments", Level::trace);
  lynx::set_level("h1.orders", Level::warn);  // less specific: payments keeps trace
  CHECK(orders.level() == Level::warn);
  CHECK(pay.level() == Level::trace);
  CHECK(lynx::logger("h1.orders.payments.card").level() == Level::trace);
  CHECK(lynx::logger("h1.orders.later").level() == Level::warn);

  // Logger::set_level pins a logger against engine defaults; a later rule replaces it.
  pay.set_level(Level::error);
  lynx::set_level("h1.orders.payments", Level::info);
  CHECK(pay.level() == Level::info);
}

TEST_CASE("the records written follow the hierarchy") {
  lynx::test::TempDir dir("hierarchy");
  lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t"});
  lynx::set_level("h2", Level::error);
  lynx::set_level("h2.a", Level::debug);
  lynx::Logger& root = lynx::logger("h2");
  lynx::Logger& a = lynx::logger("h2.a.x");
  LYNX_INFO(root, "root info");
  LYNX_ERROR(root, "root error");
  LYNX_DEBUG(a, "a debug");
  LYNX_TRACE(a, "a trace");
  engine.flush();
  std::vector<std::string> got;
  const auto decoded = lynx::test::decode_dir(dir.path());
  for (const auto* r : decoded.user_records()) got.push_back(r->format);
  CHECK(got == std::vector<std::string>{"root error", "a debug"});
}

TEST_CASE("LYNX_LEVEL applies at engine start; malformed items are ignored") {
  lynx::Logger& old = lynx::logger("h3.old");
  ::setenv("LYNX_LEVEL", "warn,h3.new=debug,h3.bad=loud,=info,h3.old.deep=trace", 1);
  lynx::test::TempDir dir("hierarchy");
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "t", .level = Level::info});
    CHECK(old.level() == Level::warn);  // the bare level beats Options::level
    CHECK(lynx::logger("h3.new").level() == Level::debug);
    CHECK(lynx::logger("h3.new.child").level() == Level::debug);
    CHECK(lynx::logger("h3.old.deep").level() == Level::trace);
    CHECK(lynx::logger("h3.bad").level() == Level::warn);  // its item was malformed
  }
  ::unsetenv("LYNX_LEVEL");
  CHECK_FALSE(lynx::detail::LoggerRegistry::instance().apply_environment("debug,x=nonsense"));
  CHECK(lynx::detail::LoggerRegistry::instance().apply_environment("h3.fine=error"));
  CHECK(lynx::logger("h3.fine").level() == Level::error);
}
