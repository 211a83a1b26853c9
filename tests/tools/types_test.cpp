// Every argument type beyond the scalars (lynx/types.hpp) round-trips: a real Engine writes it,
// `lynx cat --format json` and the text output show it as documented (docs/api.md), from what
// the file describes alone. Also the producer's string cut (Options::max_string_bytes).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <optional>
#include <span>
#include <string>
#include <system_error>
#include <tuple>
#include <vector>

#include "tests/support/temp_dir.hpp"
#include "tests/tools/cli_test_support.hpp"

namespace {

struct Point {
  int x;
  int y;
};
struct Order {
  std::uint64_t id;
  double price;
  std::string user;
  std::vector<Point> path;
  std::optional<std::string> note;
};
enum class Color : std::uint8_t { red = 1, green = 2 };
enum class Plain { a = 3 };

}  // namespace

template <>
struct lynx::Fields<Point> {
  static constexpr auto fields =
      lynx::fields(lynx::field("x", &Point::x), lynx::field("y", &Point::y));
};
template <>
struct lynx::Fields<Order> {
  static constexpr auto fields =
      lynx::fields(lynx::field("id", &Order::id), lynx::field("price", &Order::price),
                   lynx::field("user", &Order::user), lynx::field("path", &Order::path),
                   lynx::field("note", &Order::note));
};
template <>
struct lynx::EnumNames<Color> {
  static constexpr std::pair<Color, std::string_view> names[] = {{Color::red, "red"},
                                                                 {Color::green, "green"}};
};

namespace {

using lynx::test::run_lynx;

int kept_files = 0;

struct Output {
  std::string json, text;
};

// Logs with `f` in a fresh engine, then decodes the directory with the CLI.
template <class F>
Output log_and_cat(F&& f, lynx::Options options = {}) {
  lynx::test::TempDir dir("types");
  options.directory = dir.path();
  options.name = "t";
  if (std::getenv("LYNX_KEEP_TYPES_FILES") != nullptr)
    options.compression = lynx::Compression::none;
  {
    lynx::Engine engine(options);
    f(lynx::logger("types"));
  }
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    files.push_back(e.path().string());
  REQUIRE(files.size() == 1);
  // LYNX_KEEP_TYPES_FILES=DIR keeps a copy of each file (how tests/fuzz/corpus got its seeds).
  if (const char* keep = std::getenv("LYNX_KEEP_TYPES_FILES")) {
    std::filesystem::copy_file(
        files[0], std::string(keep) + "/types-" + std::to_string(kept_files++) + ".lynx");
  }
  const auto json = run_lynx({"cat", "--format", "json", files[0]});
  const auto text = run_lynx({"cat", files[0]});
  CHECK(json.exit_code == 0);
  CHECK(text.exit_code == 0);
  CHECK(json.err == "");
  return {json.out, text.out};
}

void check_field(const Output& o, const std::string& json_field, const std::string& text_msg) {
  CHECK_MESSAGE(o.json.find(json_field) != std::string::npos, o.json);
  CHECK_MESSAGE(o.text.find(text_msg) != std::string::npos, o.text);
}

}  // namespace

TEST_CASE("std::optional: the value, or null when empty") {
  const auto o = log_and_cat([](lynx::Logger& log) {
    LYNX_INFO(log, "a={a} b={b}", std::optional<int>(5), std::optional<double>());
  });
  check_field(o, R"("fields":{"a":5,"b":null})", "a=5 b=null");
}

TEST_CASE("vector, array and span: arrays") {
  const auto o = log_and_cat([](lynx::Logger& log) {
    const std::vector<int> v{1, -2, 3};
    const std::array<std::string, 2> a{"x", "y\"z"};
    const double d[] = {0.5, 1.5};
    LYNX_INFO(log, "v={v} a={a} s={s} e={e}", v, a, std::span<const double>(d),
              std::vector<std::vector<std::uint8_t>>{{1}, {}, {2, 3}});
  });
  check_field(o, R"("fields":{"v":[1,-2,3],"a":["x","y\"z"],"s":[0.5,1.5],"e":[[1],[],[2,3]]})",
              R"(v=[1, -2, 3] a=["x", "y\"z"] s=[0.5, 1.5] e=[[1], [], [2, 3]])");
}

TEST_CASE("pair and tuple: arrays") {
  const auto o = log_and_cat([](lynx::Logger& log) {
    LYNX_INFO(log, "p={p} t={t}", std::pair<int, std::string>(1, "one"),
              std::make_tuple(true, 'c', 2.5f));
  });
  check_field(o, R"("fields":{"p":[1,"one"],"t":[true,"c",2.5]})",
              R"(p=(1, "one") t=(true, "c", 2.5))");
}

TEST_CASE("chrono durations keep their unit; system_clock time points are RFC 3339") {
  using namespace std::chrono;
  const auto o = log_and_cat([](lynx::Logger& log) {
    const system_clock::time_point tp{nanoseconds(lynx::test::kBase)};
    LYNX_INFO(log, "{a} {b} {c} {d} {e} at {t}", milliseconds(250), seconds(-3), minutes(2),
              duration<double>(1.5), duration<int, std::ratio<1, 3>>(4), tp);
  });
  check_field(
      o,
      R"("fields":{"a":"250ms","b":"-3s","c":"2min","d":"1.5s","e":"4[1/3]s","t":"2026-11-27T21:17:26.123456789Z"})",
      "250ms -3s 2min 1.5s 4[1/3]s at 2026-11-27T21:17:26.123456789Z");
}

TEST_CASE("std::error_code: value, category and the message of generic and system codes") {
  const auto o = log_and_cat([](lynx::Logger& log) {
    LYNX_INFO(log, "failed: {e}", std::make_error_code(std::errc::no_such_file_or_directory));
    LYNX_INFO(log, "other: {e}", std::make_error_code(std::future_errc::no_state));
  });
  check_field(o, R"("e":{"value":2,"category":"generic","message":"No such file or directory"})",
              "failed: generic:2 (No such file or directory)");
  check_field(o, R"("e":{"value":3,"category":"future","message":null})", "other: future:3");
}

TEST_CASE("path, std::byte, char8_t strings and enums") {
  const auto o = log_and_cat([](lynx::Logger& log) {
    const std::u8string u8 = u8"h\u00e9llo";
    LYNX_INFO(log, "{p} {b} {u} {l} {c} {d} {n}", std::filesystem::path("/var/log/a b"),
              std::byte{0xAB}, u8, u8"lit", Color::green, static_cast<Color>(7), Plain::a);
  });
  check_field(
      o, R"("fields":{"p":"/var/log/a b","b":171,"u":"héllo","l":"lit","c":"green","d":7,"n":3})",
      "/var/log/a b 171 héllo lit green 7 3");
}

TEST_CASE("a type with lynx::Fields is a nested object, decoded without the program's code") {
  const auto o = log_and_cat([](lynx::Logger& log) {
    const Order order{7, 2.5, "ann", {{1, 2}, {3, 4}}, std::nullopt};
    LYNX_INFO(log, "placed {order}", order);
    LYNX_INFO(log, "orders {list}", std::vector<Order>{order, {8, 1.25, "bob", {}, "rush"}});
  });
  check_field(
      o,
      R"("fields":{"order":{"id":7,"price":2.5,"user":"ann","path":[{"x":1,"y":2},{"x":3,"y":4}],"note":null}})",
      R"(placed {id: 7, price: 2.5, user: "ann", path: [{x: 1, y: 2}, {x: 3, y: 4}], note: null})");
  check_field(o, R"({"id":8,"price":1.25,"user":"bob","path":[],"note":"rush"}])",
              "orders [{id: 7");
}

TEST_CASE("structured values work with specs that fit text and in packed repeats") {
  const auto o = log_and_cat([](lynx::Logger& log) {
    for (int i = 0; i < 3; ++i) LYNX_INFO(log, "[{v:>12}]", std::vector<int>{1, 2});
  });
  CHECK(lynx::test::lines(o.text).size() == 3);
  check_field(o, R"("fields":{"v":[1,2]})", "[      [1, 2]]");
}

TEST_CASE("a string above max_string_bytes is cut on the producer side and its record written") {
  const std::string big(600000, 'x');
  const auto o = log_and_cat(
      [&](lynx::Logger& log) {
        LYNX_ERROR(log, "big {s} end", big);
        LYNX_ERROR(log, "in a vector {v}", std::vector<std::string>{"ok", big});
        // A cut never splits a UTF-8 character: 'é' is 2 bytes at the limit.
        LYNX_ERROR(log, "utf8 {s}", std::string(99999, 'a') + "\u00e9" + std::string(10, 'b'));
      },
      lynx::Options{.buffer_bytes = 1u << 20, .max_string_bytes = 100000});
  const std::string kept(100000, 'x');
  check_field(o, "\"s\":\"" + kept + "\u2026[cut 600000 bytes]\"",
              "big " + kept + "\u2026[cut 600000 bytes] end");
  check_field(o, "\"v\":[\"ok\",\"" + kept + "\u2026[cut 600000 bytes]\"]",
              "in a vector [\"ok\", \"" + kept);
  check_field(o, "\"s\":\"" + std::string(99999, 'a') + "\u2026[cut 100011 bytes]\"", "utf8 aaa");
}

TEST_CASE("by default a string is cut at a quarter of buffer_bytes") {
  const auto o =
      log_and_cat([&](lynx::Logger& log) { LYNX_ERROR(log, "big {s}", std::string(600000, 'y')); },
                  lynx::Options{.buffer_bytes = 1u << 20});
  check_field(o, std::string(262144, 'y') + "\u2026[cut 600000 bytes]\"", "[cut 600000 bytes]");
  CHECK(o.json.find("dropped") == std::string::npos);
}
