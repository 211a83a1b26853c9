// `lynx verify [--quiet] [--dictionary FILE] PATH...`: checks every file header, block header and
// checksum of the given files and decodes every record, then reports what it found.
//
// Output (stdout), one line per file, its problems after it, then a total:
//   <path>: ok: 4 blocks, 120 records, 5432 bytes, 0 problems, 0 records lost, 0 unusable tail
//   bytes <path>: damaged: 3 blocks, 80 records, 5000 bytes, 1 problem, 40 records lost, 230
//   unusable tail bytes <path>: offset 4770: 230 bytes unusable, 40 records lost: file is cut off
//   inside a block (...) total: 2 files (1 damaged), 7 blocks, 200 records, 10432 bytes, 1 problem,
//   40 records lost, 230 unusable tail bytes
// A file whose header cannot be decoded (not a lynx file, damaged header, newer major version) is
// "unreadable": one problem at offset 0 covering the whole file. Unusable tail bytes are those of
// a damaged or cut-off region that reaches the end of the file: what a crash during a write leaves.
// --quiet prints only the problem lines.
//
// Exit code: kExitOk when every file is intact, kExitDataError when damage was found, kExitUsage
// for a usage or I/O error (a path that does not exist, an unreadable file, a bad dictionary).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "format/reader.hpp"

namespace CLI {
class App;
}

namespace lynx::tools {

struct VerifyOptions {
  bool quiet = false;
  std::string dictionary;  // empty: none
  std::vector<std::string> paths;
};

// What verifying one file found.
struct FileVerdict {
  std::string path;
  bool readable = false;  // the file header decoded
  std::uint64_t blocks = 0;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  std::uint64_t records_lost = 0;
  std::uint64_t tail_bytes = 0;
  std::vector<format::Problem> problems;
  Status read_error;  // reading stopped early: an I/O error, not a verdict

  bool intact() const { return readable && problems.empty(); }
};

// Verifies one file already opened by `reader` (decodes every block and record).
FileVerdict verify_reader(format::FileReader& reader);
FileVerdict verify_reader(format::BlockReader& reader);

// Registers the `verify` subcommand on `app`; parsing fills `options`. Returns the subcommand.
CLI::App* add_verify_command(CLI::App& app, VerifyOptions& options);

// Runs `verify` (see the file comment). Problems and summaries go to `out`, usage and I/O errors
// to `err`.
int run_verify(const VerifyOptions& options, std::FILE* out, std::FILE* err);

}  // namespace lynx::tools
