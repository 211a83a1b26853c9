// End-to-end tests of `lynx verify`: exit codes and the exact report on intact, truncated,
// corrupted, foreign and too-new files, --quiet, and usage errors.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_test_support.hpp"

namespace {

using lynx::format::kBlockHeaderSize;
using lynx::test::Run;
using lynx::test::run_lynx;
using lynx::test::steps_file;
using lynx::test::TempDir;
using lynx::test::TestFile;

// A file with a metadata block and three data blocks of one record each.
TestFile three_steps(bool zstd = false) {
  return steps_file(0, 0, 1, {{10, 1}, {20, 2}, {30, 3}}, zstd);
}

// The counters of an intact three_steps() file of `size` bytes.
std::string counters(std::size_t size) {
  return "4 blocks, 3 records, " + std::to_string(size) +
         " bytes, 0 problems, 0 records lost, 0 unusable tail bytes\n";
}

}  // namespace

TEST_CASE("an intact file: exit 0, a summary line and a total") {
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    TempDir dir;
    TestFile f = three_steps(zstd);
    const std::string path = f.write(dir.file("a.lynx"));
    const std::size_t size = f.bytes().size();
    const Run run = run_lynx({"verify", path});
    CHECK(run.exit_code == 0);
    CHECK(run.err == "");
    CHECK(run.out ==
          path + ": ok: " + counters(size) + "total: 1 file (0 damaged), " + counters(size));

    const Run quiet = run_lynx({"verify", "--quiet", path});
    CHECK(quiet.exit_code == 0);
    CHECK(quiet.out == "");
    CHECK(quiet.err == "");
  }
}

TEST_CASE("a truncated file: exit 1, the cut block and the unusable tail bytes") {
  TempDir dir;
  TestFile f = three_steps();
  std::vector<std::byte>& bytes = f.bytes();
  const std::size_t last = f.block_offsets().at(2);
  bytes.resize(last + kBlockHeaderSize + 2);  // the last block's header and 2 payload bytes
  const std::string path = f.write(dir.file("cut.lynx"));
  const std::size_t size = bytes.size();
  const std::size_t tail = kBlockHeaderSize + 2;

  const Run run = run_lynx({"verify", path});
  CHECK(run.exit_code == 1);
  CHECK(run.err == "");
  const std::string counts = "3 blocks, 2 records, " + std::to_string(size) +
                             " bytes, 1 problem, 1 record lost, " + std::to_string(tail) +
                             " unusable tail bytes\n";
  const std::string problem =
      path + ": offset " + std::to_string(last) + ": " + std::to_string(tail) +
      " bytes unusable, 1 record lost: file is cut off inside a block (" + std::to_string(tail) +
      " bytes at the end could not be used, 1 records lost)\n";
  CHECK(run.out ==
        path + ": damaged: " + counts + problem + "total: 1 file (1 damaged), " + counts);

  const Run quiet = run_lynx({"verify", "-q", path});
  CHECK(quiet.exit_code == 1);
  CHECK(quiet.out == problem);
}

TEST_CASE("a corrupted block: exit 1, its offset and records lost; other files still counted") {
  TempDir dir;
  TestFile good = three_steps(true);
  const std::string good_path = good.write(dir.file("a.lynx"));
  TestFile bad = three_steps(true);
  std::vector<std::byte>& bytes = bad.bytes();
  const std::size_t damaged = bad.block_offsets().at(1);
  const std::size_t damaged_size = bad.block_offsets().at(2) - damaged;
  bytes[damaged + kBlockHeaderSize + 1] ^= std::byte{0x10};
  const std::string bad_path = bad.write(dir.file("b.lynx"));

  const Run run = run_lynx({"verify", dir.path()});
  CHECK(run.exit_code == 1);
  CHECK(run.err == "");
  const std::size_t size = bytes.size();
  const std::string bad_counts = ": 3 blocks, 2 records, " + std::to_string(size) +
                                 " bytes, 1 problem, 1 record lost, 0 unusable tail bytes\n";
  CHECK(run.out ==
        good_path + ": ok: " + counters(good.bytes().size()) +  //
            bad_path + ": damaged" + bad_counts +               //
            bad_path + ": offset " + std::to_string(damaged) + ": " + std::to_string(damaged_size) +
            " bytes unusable, 1 record lost: block checksum mismatch (1 records lost)\n" +
            "total: 2 files (1 damaged), 7 blocks, 5 records, " +
            std::to_string(size + good.bytes().size()) +
            " bytes, 1 problem, 1 record lost, 0 unusable tail bytes\n");
}

TEST_CASE("a damaged last block counts as unusable tail; a damaged header is skipped") {
  TempDir dir;
  TestFile f = three_steps();
  std::vector<std::byte>& bytes = f.bytes();
  const std::size_t last = f.block_offsets().at(2);
  bytes.back() ^= std::byte{1};                         // the last block's payload
  bytes[f.block_offsets().at(0) + 13] ^= std::byte{1};  // the first data block's stored_size
  const std::string path = f.write(dir.file("a.lynx"));
  const Run run = run_lynx({"verify", "--quiet", path});
  CHECK(run.exit_code == 1);
  const std::size_t first = f.block_offsets().at(0);
  CHECK(run.out ==
        path + ": offset " + std::to_string(first) + ": " +
            std::to_string(f.block_offsets().at(1) - first) +
            " bytes unusable, 0 records lost: damaged block header; skipped to the "
            "next block\n" +
            path + ": offset " + std::to_string(last) + ": " + std::to_string(bytes.size() - last) +
            " bytes unusable, 1 record lost: block checksum mismatch (1 records lost)\n");
  const Run full = run_lynx({"verify", path});
  CHECK(full.out.find(": damaged: 2 blocks, 1 record, " + std::to_string(bytes.size()) +
                      " bytes, 2 problems, 1 record lost, " + std::to_string(bytes.size() - last) +
                      " unusable tail bytes\n") != std::string::npos);
}

TEST_CASE("files that are not lynx files or too new are unreadable: exit 1") {
  TempDir dir;
  const std::string text = dir.file("text.lynx");
  std::ofstream(text) << "hello, I am not a log file\n";
  TestFile newer = three_steps();
  newer.relabel(3);  // a major version after this reader's
  const std::string future = newer.write(dir.file("future.lynx"));
  const Run run = run_lynx({"verify", text, future});
  CHECK(run.exit_code == 1);
  CHECK(run.err == "");
  const std::string future_size = std::to_string(newer.bytes().size());
  CHECK(run.out ==
        text +
            ": unreadable: 0 blocks, 0 records, 27 bytes, 1 problem, 0 records lost, 0 unusable "
            "tail bytes\n" +
            text +
            ": offset 0: 27 bytes unusable, 0 records lost: not a lynx log file (bad magic)\n" +
            future + ": unreadable: 0 blocks, 0 records, " + future_size +
            " bytes, 1 problem, 0 records lost, 0 unusable tail bytes\n" + future +
            ": offset 0: " + future_size +
            " bytes unusable, 0 records lost: written by a newer lynx (format 3.0); this reader "
            "understands format 2.x and older: upgrade lynx to read it\n" +
            "total: 2 files (2 damaged), 0 blocks, 0 records, " +
            std::to_string(27 + newer.bytes().size()) +
            " bytes, 2 problems, 0 records lost, 0 unusable tail bytes\n");
}

TEST_CASE("usage and I/O errors exit 2") {
  TempDir dir;
  const std::string good = three_steps().write(dir.file("a.lynx"));
  const std::string missing = dir.file("missing.lynx");
  const Run run = run_lynx({"verify", "--quiet", missing, good});
  CHECK(run.exit_code == 2);
  CHECK(run.err == "lynx: " + missing + ": No such file or directory\n");
  CHECK(run.out == "");  // the good file is still verified, quietly

  // Damage does not hide an I/O error: 2 wins.
  TestFile bad = three_steps();
  bad.bytes()[bad.block_offsets().at(0) + kBlockHeaderSize] ^= std::byte{1};
  const std::string bad_path = bad.write(dir.file("b.lynx"));
  CHECK(run_lynx({"verify", missing, bad_path}).exit_code == 2);

  CHECK(run_lynx({"verify"}).exit_code == 2);
  CHECK(run_lynx({"verify", "--bogus", good}).exit_code == 2);
  const Run help = run_lynx({"verify", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Usage: lynx verify") != std::string::npos);

  if (::geteuid() != 0) {  // root reads anything
    ::chmod(good.c_str(), 0);
    const Run denied = run_lynx({"verify", good});
    CHECK(denied.exit_code == 2);
    CHECK(denied.err == "lynx: open " + good + ": Permission denied\n");
  }
}
