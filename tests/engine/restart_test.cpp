// Restart: an engine started on a directory that already holds files of the same name continues
// their sequence numbers and never overwrites or appends to the old files.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "test_support.hpp"
#include "tests/support/payload.hpp"

namespace {

void log_records(lynx::Logger& log, const char* phase, int n) {
  const std::string tag = phase;
  for (int i = 0; i < n; ++i)
    LYNX_INFO(log, "{phase} {i} {padding}", tag, i, lynx::test::payload(100, i));
}

std::map<std::string, std::string> snapshot(const std::string& dir) {
  std::map<std::string, std::string> out;
  for (const std::string& path : lynx::test::lynx_files(dir))
    out[path] = lynx::test::read_bytes(path);
  return out;
}

}  // namespace

TEST_CASE(
    "a second engine on the same directory continues the sequence numbers and leaves old files "
    "alone") {
  lynx::test::TempDir dir("restart");
  lynx::Logger& log = lynx::logger("restart");
  const lynx::Options options{.directory = dir.path(),
                              .name = "r",
                              .rotate_bytes = 64 * 1024,
                              .compression = lynx::Compression::none};
  {
    lynx::Engine engine(options);
    log_records(log, "first", 2000);
  }
  const auto first = snapshot(dir.path());
  REQUIRE(first.size() >= 2);  // rotation made several files
  const std::uint64_t first_count = first.size();

  {
    lynx::Engine engine(options);
    log_records(log, "second", 2000);
  }
  const auto after = snapshot(dir.path());
  // The first engine's files are still there, byte for byte.
  for (const auto& [path, bytes] : first) {
    CAPTURE(path);
    REQUIRE(after.count(path) == 1);
    CHECK(after.at(path) == bytes);
  }
  CHECK(after.size() > first.size());

  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  // One unbroken sequence 0, 1, 2, ... across both engines, in name order.
  for (std::size_t i = 0; i < decoded.files.size(); ++i) {
    CAPTURE(decoded.files[i].path);
    CHECK(decoded.files[i].sequence == i);
    char name[32];
    std::snprintf(name, sizeof name, "r.0.%06zu.lynx", i);
    CHECK(std::filesystem::path(decoded.files[i].path).filename() == name);
  }
  // The first engine's records, then the second's, each complete and in order.
  const auto got = decoded.user_records();
  REQUIRE(got.size() == 4000);
  for (int i = 0; i < 4000; ++i) {
    CAPTURE(i);
    CHECK(got[i]->value("phase") == (i < 2000 ? "first" : "second"));
    CHECK(got[i]->value("i") == std::to_string(i % 2000));
    const bool in_first_file = first.count(got[i]->path) == 1;
    CHECK(in_first_file == (i < 2000));
  }
  CHECK(decoded.files.size() > first_count);
}

TEST_CASE(
    "sequence numbers are per name and per shard; other names in the directory do not matter") {
  lynx::test::TempDir dir("restart");
  lynx::Logger& log = lynx::logger("restart.names");
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "a"});
    log_records(log, "a", 1);
  }
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "a"});
    log_records(log, "a", 1);
  }
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "aa"});
    log_records(log, "aa", 1);
  }
  // Now two shards for "a": shard 0 continues at 2, shard 1 starts at 0.
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "a", .shards = 2});
    log_records(log, "a2", 1);
  }

  std::vector<std::string> names;
  for (const std::string& p : lynx::test::lynx_files(dir.path())) {
    names.push_back(std::filesystem::path(p).filename().string());
  }
  CHECK(names == std::vector<std::string>{"a.0.000000.lynx", "a.0.000001.lynx", "a.0.000002.lynx",
                                          "a.1.000000.lynx", "aa.0.000000.lynx"});
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  CHECK(decoded.user_records().size() == 4);
}
