// Option validation at Engine construction: nonsense is rejected with std::invalid_argument naming
// the option, before any file is created; errors from the file system say their errno text once.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <zstd.h>
#include <lynx/lynx.hpp>

#include <cstddef>
#include <fstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "compress/zstd_dictionary.hpp"
#include "test_support.hpp"

namespace {

// How often `needle` occurs in `text`.
std::size_t count_of(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1))
    ++n;
  return n;
}

// The message of the std::invalid_argument the options raise; empty when the Engine starts.
std::string rejection(const lynx::Options& options) {
  try {
    lynx::Engine engine(options);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return {};
}

// Trains a zstd dictionary of about `capacity` bytes on varied log-like text and writes it to
// `path`; returns its size.
std::size_t write_dictionary(const std::string& path, std::size_t capacity) {
  std::vector<std::byte> samples;
  std::vector<std::size_t> sizes;
  for (int i = 0; i < 4000; ++i) {
    const std::string s = "user " + std::to_string(i * 7919 % 100003) + " logged in from host-" +
                          std::to_string(i % 97) + " after " + std::to_string(i * 31 % 1009) +
                          " ms, session " + std::to_string(i * 104729 % 1000003) +
                          (i % 3 == 0   ? " (retry)"
                           : i % 3 == 1 ? " ok"
                                        : " slow path taken");
    for (char c : s) samples.push_back(static_cast<std::byte>(c));
    sizes.push_back(s.size());
  }
  std::vector<std::byte> dictionary;
  const lynx::Status s = lynx::compress::train_dictionary(samples, sizes, capacity, &dictionary);
  REQUIRE_MESSAGE(s.ok(), s.message());
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(dictionary.data()),
            static_cast<std::streamsize>(dictionary.size()));
  REQUIRE(out.good());
  return dictionary.size();
}

}  // namespace

TEST_CASE("file_mode with bits above 0777 (setuid, setgid, sticky) is rejected, 0777 is accepted") {
  lynx::test::TempDir dir("options");
  for (unsigned mode : {04777u, 02640u, 01600u, 010000u}) {
    CAPTURE(mode);
    const std::string what = rejection({.directory = dir.path(), .name = "m", .file_mode = mode});
    CHECK(what.find("lynx::Options::file_mode") != std::string::npos);
  }
  CHECK(lynx::test::lynx_files(dir.path()).empty());  // rejected before any file was created

  ::umask(022);
  { lynx::Engine engine({.directory = dir.path(), .name = "ok", .file_mode = 0777}); }
  const auto files = lynx::test::lynx_files(dir.path());
  REQUIRE(files.size() == 1);
  struct stat st {};
  REQUIRE(::stat(files[0].c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0755);  // the umask still applies, no special bits
}

TEST_CASE("compression_level outside zstd's range is rejected when compressing with zstd") {
  lynx::test::TempDir dir("options");
  for (int level : {ZSTD_maxCLevel() + 1, 100, ZSTD_minCLevel() - 1}) {
    CAPTURE(level);
    const std::string what =
        rejection({.directory = dir.path(), .name = "z", .compression_level = level});
    CHECK(what.find("lynx::Options::compression_level") != std::string::npos);
    // The message gives the range.
    CHECK(what.find(std::to_string(ZSTD_minCLevel())) != std::string::npos);
    CHECK(what.find(std::to_string(ZSTD_maxCLevel())) != std::string::npos);
  }
  CHECK(lynx::test::lynx_files(dir.path()).empty());
  // The bounds themselves, 0 (zstd's default level) and negative levels are fine.
  for (int level : {ZSTD_minCLevel(), -5, 0, 1, ZSTD_maxCLevel()}) {
    CAPTURE(level);
    CHECK(rejection({.directory = dir.path(), .name = "z", .compression_level = level}).empty());
  }
  // Without compression the level means nothing and is not checked.
  CHECK(rejection({.directory = dir.path(),
                   .name = "n",
                   .compression = lynx::Compression::none,
                   .compression_level = 100})
            .empty());
}

TEST_CASE(
    "ring sizes: above 1 GiB is rejected; others are rounded to powers of two, initial <= max") {
  lynx::test::TempDir dir("options");
  const std::size_t too_big = (std::size_t{1} << 30) + 1;
  CHECK(rejection({.directory = dir.path(), .name = "r", .buffer_bytes = too_big})
            .find("lynx::Options::buffer_bytes") != std::string::npos);
  CHECK(rejection({.directory = dir.path(), .name = "r", .initial_buffer_bytes = too_big})
            .find("lynx::Options::initial_buffer_bytes") != std::string::npos);
  CHECK(lynx::test::lynx_files(dir.path()).empty());
  struct Case {
    std::size_t buffer, initial, want_buffer, want_initial;
  };
  for (const Case c : {Case{1u << 20, 64u << 10, 1u << 20, 64u << 10},   // the defaults
                       Case{1u << 20, 0, 1u << 20, 4096},                // at least 4 KiB
                       Case{100'000, 5000, 131072, 8192},                // powers of two
                       Case{64u << 10, 1u << 20, 64u << 10, 64u << 10},  // at most buffer_bytes
                       Case{0, 0, 4096, 4096}}) {
    CAPTURE(c.buffer);
    CAPTURE(c.initial);
    lynx::Engine engine({.directory = dir.path(),
                         .name = "r",
                         .buffer_bytes = c.buffer,
                         .initial_buffer_bytes = c.initial});
    CHECK(engine.options().buffer_bytes == c.want_buffer);
    CHECK(engine.options().initial_buffer_bytes == c.want_initial);
  }
}

TEST_CASE(
    "a dictionary that leaves rotate_bytes no room for records is rejected, naming rotate_bytes") {
  lynx::test::TempDir dir("options");
  const std::string dict = dir / "dict.zstd";
  const std::size_t dict_bytes = write_dictionary(dict, 16 * 1024);
  REQUIRE(dict_bytes > 8 * 1024);
  lynx::test::TempDir logs("options");
  const std::string what = rejection(
      {.directory = logs.path(), .name = "d", .rotate_bytes = 8 * 1024, .zstd_dictionary = dict});
  CHECK(what.find("lynx::Options::rotate_bytes") != std::string::npos);
  CHECK(what.find("dictionary") != std::string::npos);
  CHECK(lynx::test::lynx_files(logs.path()).empty());
}

TEST_CASE(
    "rotate_bytes just above header + dictionary: every file takes records, none is only a "
    "header") {
  lynx::test::TempDir dir("options");
  const std::string dict = dir / "dict.zstd";
  const std::size_t dict_bytes = write_dictionary(dict, 16 * 1024);
  lynx::test::TempDir logs("options");
  constexpr int kRecords = 20'000;
  {
    lynx::Engine engine({.directory = logs.path(),
                         .name = "d",
                         .rotate_bytes = dict_bytes + 16 * 1024,
                         .zstd_dictionary = dict});
    lynx::Logger& log = lynx::logger("options.dict");
    for (int i = 0; i < kRecords; ++i)
      LYNX_INFO(log, "user {i} logged in from {host}", i, "host-7");
  }
  const auto decoded = lynx::test::decode_dir(logs.path());
  CHECK(decoded.problems == 0);
  CHECK(decoded.user_records().size() == kRecords);
  // Each file holds many records: 20,000 records of ~30 raw bytes are far fewer than 1,000 files.
  CHECK(decoded.files.size() < 1000);
  for (const auto& f : decoded.files) {
    CAPTURE(f.path);
    CHECK(f.records > 0);
  }
}

TEST_CASE("an error from the file system says its errno text once") {
  lynx::test::TempDir dir("options");
  // The engine's first file name is too long: creating it fails with ENAMETOOLONG. (A name that
  // is taken is skipped, not an error: docs/reliability.md.)
  const std::string name(300, 'x');
  const std::string errno_text = std::generic_category().message(ENAMETOOLONG);
  std::string what;
  try {
    lynx::Engine engine({.directory = dir.path(), .name = name});
  } catch (const std::system_error& e) {
    what = e.what();
    CHECK(e.code().value() == ENAMETOOLONG);
  }
  CAPTURE(what);
  CHECK(what.find(name + ".0.000000.lynx") != std::string::npos);
  CHECK(count_of(what, errno_text) == 1);

  // The log directory is a regular file: ENOTDIR, also said once.
  const std::string file = dir / "plain";
  std::ofstream(file) << "x";
  what.clear();
  try {
    lynx::Engine engine({.directory = file + "/logs", .name = "x"});
  } catch (const std::system_error& e) {
    what = e.what();
  }
  CAPTURE(what);
  CHECK(count_of(what, std::generic_category().message(ENOTDIR)) == 1);
}
