// `lynx stats` and `lynx sites`: counts per level, logger, thread and call site, drop notices,
// JSON, against what the test wrote.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli_test_support.hpp"

namespace {

using lynx::Level;
using lynx::test::lines;
using lynx::test::Run;
using lynx::test::run_lynx;
using lynx::test::TempDir;
using lynx::test::TestFile;
using lynx::test::types_of;

std::string write_file(const TempDir& dir) {
  TestFile f(9, 0, 0, true);
  f.site(1, "order {id}", types_of<int>(), Level::info, "orders", "shop.cpp", 10);
  f.site(2, "failed {why}", types_of<std::string_view>(), Level::error, "db", "db.cpp", 20);
  f.site(3, "{count} records dropped", types_of<std::uint64_t>(), Level::warn, "lynx", "lynx", 0);
  f.thread(1, 5, "main");
  for (int i = 0; i < 300; ++i) f.record(1, 1, 1000 + i, i);
  for (int i = 0; i < 20; ++i) f.record(2, 1, 2000 + i, std::string_view("a long reason text"));
  f.record(3, 1, 3000, std::uint64_t{42});
  return f.write(dir.file("s.lynx"));
}

}  // namespace

TEST_CASE("stats: totals, tables, drop notices, JSON") {
  TempDir dir;
  const std::string path = write_file(dir);
  const Run run = run_lynx({"stats", path});
  CHECK(run.exit_code == 0);
  CHECK(run.err == "");
  CHECK(run.out.find("records:           321\n") != std::string::npos);
  CHECK(run.out.find("drop notices:      1 (42 records dropped)\n") != std::string::npos);
  CHECK(run.out.find("300  93.46%") != std::string::npos);
  CHECK(run.out.find("records per 0.000 s:") == std::string::npos);  // no chart off a terminal
  CHECK(run_lynx({"stats", "--chart", path}).out.find("records per ") != std::string::npos);

  const Run by = run_lynx({"stats", "--by", "logger", path});
  const auto rows = lines(by.out);
  REQUIRE(rows.size() == 5);  // blank, title, 3 loggers
  CHECK(rows[2].ends_with(" orders"));
  CHECK(rows[3].ends_with(" db"));

  const Run json = run_lynx({"stats", "--format", "json", path});
  CHECK(json.exit_code == 0);
  CHECK(json.out.starts_with("{\"files\":1,\"records\":321,"));
  CHECK(json.out.find("\"records_dropped\":42") != std::string::npos);
  CHECK(json.out.find(R"({"name":"error db.cpp:20 db \"failed {why}\"","records":20,)") !=
        std::string::npos);
}

TEST_CASE("sites: one line per call site, by count") {
  TempDir dir;
  const Run run = run_lynx({"sites", write_file(dir)});
  CHECK(run.exit_code == 0);
  CHECK(run.out ==
        "       300 info     shop.cpp:10 main orders order {id}\n"
        "        20 error    db.cpp:20 main db failed {why}\n"
        "         1 warn     lynx:0 main lynx {count} records dropped\n");
}
