// The text, JSON and console sinks: each one's output equals `lynx cat` (text, --format json) of
// the binary files of the same run, hostile values cannot forge lines in any of them, each sink
// keeps its own minimum level, Options::binary = false writes no shard, and the text sink rotates
// and keeps files like the shards.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "engine/file_clock.hpp"
#include "sink_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

// Every argument type, several threads, hostile strings.
void log_mix(lynx::Logger& log, int thread, int n) {
  const std::string hostile = "a\nforged INFO line\r\x1b[31mred\x1b[0m \xff\xfe bad utf8 \x7f";
  for (int i = 0; i < n; ++i) {
    LYNX_INFO(log, "order {id} by {user} for {amount:.2f}", i,
              std::string("user-") + std::to_string(thread), 12.5 * i);
    LYNX_WARN(log, "flags {ok} {c} {f} {u8} {p}", i % 2 == 0, 'x', 1.25f,
              static_cast<unsigned char>(i), static_cast<const void*>(nullptr));
    LYNX_ERROR(log, "hostile {v} and {{braces}}", hostile);
    LYNX_DEBUG(log, "debug {n}", i);
  }
}

void run_threads(lynx::Logger& log, int threads, int n) {
  std::vector<std::thread> ts;
  for (int t = 0; t < threads; ++t) ts.emplace_back([&log, t, n] { log_mix(log, t, n); });
  for (auto& t : ts) t.join();
}

}  // namespace

TEST_CASE("text, JSON and console lines equal lynx cat of the binary files of the same run") {
  // (Each thread's lines in the same order; see same_records() for the order across threads.)
  lynx::test::TempDir dir("sinks");
  const std::string console_path = dir / "console.txt";
  const int console_fd = ::open(console_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(console_fd >= 0);
  {
    lynx::Options o{.directory = dir / "bin", .name = "t", .level = lynx::Level::debug};
    o.compression = lynx::Compression::none;
    o.sinks.push_back(lynx::text_sink({.path = dir / "text/app.log"}));
    o.sinks.push_back(lynx::json_sink({.path = dir / "app.jsonl"}));
    o.sinks.push_back(lynx::console_sink({.colour = lynx::Colour::never, .fd = console_fd}));
    lynx::Engine engine(o);
    run_threads(lynx::logger("sinks.same"), 3, 200);
    engine.flush();
    // After flush() every sink holds the records so far: compare before stopping, too.
    CHECK(lynx::test::same_records(lynx::test::slurp(dir / "app.jsonl"),
                                   lynx::test::lynx_cat(dir / "bin", true)));
  }
  ::close(console_fd);
  const std::string text = lynx::test::lynx_cat(dir / "bin", false);
  const std::string json = lynx::test::lynx_cat(dir / "bin", true);
  CHECK(lynx::test::lines_of(text).size() == 3 * 200 * 4);
  CHECK(lynx::test::same_records(lynx::test::slurp(dir / "text/app.log"), text));
  CHECK(lynx::test::same_records(lynx::test::slurp(dir / "app.jsonl"), json));
  CHECK(lynx::test::same_records(lynx::test::slurp(console_path), text));
}

TEST_CASE("hostile values cannot forge lines or drive the terminal in text and console output") {
  lynx::test::TempDir dir("sinks");
  const std::string console_path = dir / "console.txt";
  const int console_fd = ::open(console_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(console_fd >= 0);
  {
    lynx::Options o{.directory = dir.path(), .name = "t", .binary = false};
    o.sinks.push_back(lynx::text_sink({.path = dir / "app.log"}));
    o.sinks.push_back(lynx::console_sink({.colour = lynx::Colour::always, .fd = console_fd}));
    lynx::Engine engine(o);
    lynx::Logger& log = lynx::logger("evil\nlogger\x1b[2J");
    LYNX_ERROR(log, "value {v}",
               std::string("x\n2026-01-01T00:00:00Z CRITICAL forged\x1b]0;title\x07\xc3"));
    LYNX_ERROR(log, "second");
  }
  ::close(console_fd);
  CHECK(lynx::test::files_starting(dir.path(), "t.").empty());  // binary = false: no shard
  for (const std::string& path : {dir / "app.log", console_path}) {
    CAPTURE(path);
    const std::string out = lynx::test::slurp(path);
    const auto lines = lynx::test::lines_of(out);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0].find("x\\n2026-01-01T00:00:00Z CRITICAL forged\\x1b]0;title\\x07\\xc3") !=
          std::string::npos);
    CHECK(lines[0].find("evil\\nlogger\\x1b[2J") != std::string::npos);
    // The only ESC bytes are the console's own colour codes around the level.
    std::string stripped = out;
    for (const char* code : {"\x1b[31m", "\x1b[0m"}) {
      for (std::size_t at; (at = stripped.find(code)) != std::string::npos;)
        stripped.erase(at, std::string(code).size());
    }
    CHECK(stripped.find('\x1b') == std::string::npos);
    CHECK(stripped.find('\r') == std::string::npos);
    CHECK(stripped.find('\x07') == std::string::npos);
  }
}

TEST_CASE("each sink has its own minimum level") {
  lynx::test::TempDir dir("sinks");
  {
    lynx::Options o{.directory = dir / "bin", .name = "t", .level = lynx::Level::debug};
    o.sinks.push_back(lynx::text_sink({.path = dir / "warn.log", .level = lynx::Level::warn}));
    o.sinks.push_back(lynx::json_sink({.path = dir / "all.jsonl"}));
    lynx::Engine engine(o);
    log_mix(lynx::logger("sinks.levels"), 0, 10);
  }
  const auto warn = lynx::test::lines_of(lynx::test::slurp(dir / "warn.log"));
  CHECK(warn.size() == 20);
  for (const auto& l : warn)
    CHECK((l.find(" WARN ") != std::string::npos || l.find(" ERROR ") != std::string::npos));
  CHECK(lynx::test::lines_of(lynx::test::slurp(dir / "all.jsonl")).size() == 40);
}

TEST_CASE("the text sink rotates by size into path.NNNNNN and keeps what keep_files says") {
  lynx::test::TempDir dir("sinks");
  {
    lynx::Options o{.directory = dir / "bin", .name = "t"};
    o.sinks.push_back(lynx::text_sink({.path = dir / "all/app.log", .rotate_bytes = 4096}));
    o.sinks.push_back(
        lynx::text_sink({.path = dir / "kept/app.log", .rotate_bytes = 4096, .keep_files = 3}));
    lynx::Engine engine(o);
    lynx::Logger& log = lynx::logger("sinks.rotation");
    for (int i = 0; i < 300; ++i) LYNX_INFO(log, "record {i} with some padding to fill files", i);
  }
  const auto rotated = lynx::test::files_starting(dir / "all", "app.log.");
  REQUIRE(rotated.size() >= 5);
  std::string joined;
  for (const auto& f : rotated) {
    const std::string part = lynx::test::slurp(dir / ("all/" + f));
    CHECK(part.size() <= 4096);
    CHECK(part.back() == '\n');  // whole lines only
    joined += part;
  }
  joined += lynx::test::slurp(dir / "all/app.log");
  CHECK(joined == lynx::test::lynx_cat(dir / "bin", false));

  // keep_files = 3: the current file and the newest two rotated ones.
  const auto kept = lynx::test::files_starting(dir / "kept", "app.log.");
  CHECK(kept.size() == 2);
  CHECK(kept == std::vector<std::string>(rotated.end() - 2, rotated.end()));
}

namespace {
std::atomic<std::int64_t> g_now{0};
std::int64_t test_clock() { return g_now.load(); }
}  // namespace

TEST_CASE("the text sink rotates at every multiple of rotate_every, at the next record") {
  lynx::test::TempDir dir("sinks");
  constexpr std::int64_t kMinute = 60'000'000'000;
  g_now = 29'000'000 * kMinute + 1'000'000'000;  // one second into a minute
  lynx::detail::set_file_clock_for_testing(test_clock);
  {
    lynx::Options o{.directory = dir.path(), .name = "t", .binary = false};
    o.sinks.push_back(
        lynx::text_sink({.path = dir / "app.log", .rotate_every = std::chrono::minutes(1)}));
    lynx::Engine engine(o);
    lynx::Logger& log = lynx::logger("sinks.time");
    LYNX_INFO(log, "first minute");
    engine.flush();
    g_now += kMinute - 2'000'000'000;  // still the first minute
    engine.flush();
    LYNX_INFO(log, "still first");
    engine.flush();
    g_now += 2'000'000'000;  // the next minute
    engine.flush();          // a backend pass sees the boundary
    LYNX_INFO(log, "second minute");
    engine.flush();
  }
  lynx::detail::set_file_clock_for_testing(nullptr);
  CHECK(lynx::test::files_starting(dir.path(), "app.log.") ==
        std::vector<std::string>{"app.log.000001"});
  const auto old_lines = lynx::test::lines_of(lynx::test::slurp(dir / "app.log.000001"));
  REQUIRE(old_lines.size() == 2);
  CHECK(old_lines[1].find("still first") != std::string::npos);
  const auto lines = lynx::test::lines_of(lynx::test::slurp(dir / "app.log"));
  REQUIRE(lines.size() == 1);
  CHECK(lines[0].find("second minute") != std::string::npos);
}

TEST_CASE("a text sink appends to the file an earlier run left") {
  lynx::test::TempDir dir("sinks");
  for (int run = 0; run < 2; ++run) {
    lynx::Options o{.directory = dir.path(), .name = "t", .binary = false};
    o.sinks.push_back(lynx::text_sink({.path = dir / "app.log"}));
    lynx::Engine engine(o);
    LYNX_INFO(lynx::logger("sinks.append"), "run {run}", run);
  }
  const auto lines = lynx::test::lines_of(lynx::test::slurp(dir / "app.log"));
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].find("run 0") != std::string::npos);
  CHECK(lines[1].find("run 1") != std::string::npos);
}

TEST_CASE("the console shows local time with its offset when asked") {
  ::setenv("TZ", "XYZ-2", 1);  // POSIX: two hours east of UTC
  ::tzset();
  lynx::test::TempDir dir("sinks");
  const std::string console_path = dir / "console.txt";
  const int console_fd = ::open(console_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(console_fd >= 0);
  {
    lynx::Options o{.directory = dir / "bin", .name = "t"};
    o.sinks.push_back(lynx::console_sink(
        {.colour = lynx::Colour::never, .time = lynx::TimeZone::local, .fd = console_fd}));
    lynx::Engine engine(o);
    LYNX_INFO(lynx::logger("sinks.local"), "local {n}", 1);
  }
  ::close(console_fd);
  const auto utc =
      lynx::test::without_notices(lynx::test::lines_of(lynx::test::lynx_cat(dir / "bin", false)));
  const auto local =
      lynx::test::without_notices(lynx::test::lines_of(lynx::test::slurp(console_path)));
  REQUIRE(utc.size() == 1);
  REQUIRE(local.size() == 1);
  // 2026-11-27T21:17:26.123456789Z -> 2026-11-27T23:17:26.123456789+02:00 (same rest of line).
  CHECK(local[0].substr(29, 6) == "+02:00");
  CHECK(local[0].substr(35) == utc[0].substr(30));
  const int utc_hour = std::stoi(utc[0].substr(11, 2));
  CHECK(std::stoi(local[0].substr(11, 2)) == (utc_hour + 2) % 24);
  CHECK(local[0].substr(14, 15) == utc[0].substr(14, 15));  // minutes .. nanoseconds
}

TEST_CASE("sink options the sinks cannot honour make the Engine throw, naming them") {
  lynx::test::TempDir dir("sinks");
  lynx::Options no_path{.directory = dir.path(), .name = "t"};
  no_path.sinks.push_back(lynx::json_sink({}));
  CHECK_THROWS_WITH_AS(lynx::Engine{no_path},
                       "lynx: a text or JSON sink needs a path (FileSinkOptions::path)",
                       std::invalid_argument);
  lynx::Options tiny{.directory = dir.path(), .name = "t"};
  tiny.sinks.push_back(lynx::console_sink({.buffer_bytes = 100}));
  CHECK_THROWS_WITH_AS(lynx::Engine{tiny},
                       "lynx::ConsoleSinkOptions::buffer_bytes must be at least 4096, got 100",
                       std::invalid_argument);
  lynx::Options not_a_file{.directory = dir.path(), .name = "t"};
  not_a_file.sinks.push_back(lynx::text_sink({.path = dir.path()}));  // a directory
  CHECK_THROWS_AS(lynx::Engine{not_a_file}, std::exception);
}

TEST_CASE("a text sink's layout is a template of lynx cat --template; a bad one is refused") {
  lynx::test::TempDir dir("sinks");
  {
    lynx::Options o{.directory = dir / "bin", .name = "t"};
    o.sinks.push_back(
        lynx::text_sink({.path = dir / "app.log", .layout = "{level} {logger}: {msg} {fields}"}));
    lynx::Engine engine(o);
    LYNX_INFO(lynx::logger("sinks.layout"), "paid {n} by {who}", 3, "bo\nb");
  }
  CHECK(lynx::test::slurp(dir / "app.log") ==
        "INFO sinks.layout: paid 3 by bo\\nb n=3 who=\"bo\\nb\"\n");
  lynx::Options bad{.directory = dir / "bin", .name = "t"};
  bad.sinks.push_back(lynx::text_sink({.path = dir / "bad.log", .layout = "{level} {nope}"}));
  CHECK_THROWS_AS(lynx::Engine{bad}, std::invalid_argument);
  lynx::Options json{.directory = dir / "bin", .name = "t"};
  json.sinks.push_back(lynx::json_sink({.path = dir / "x.jsonl", .layout = "{msg}"}));
  CHECK_THROWS_WITH_AS(lynx::Engine{json},
                       "lynx: a JSON sink has no layout (FileSinkOptions::layout)",
                       std::invalid_argument);
}
