// Helpers for the engine integration tests: a decoder that turns every *.lynx file of a directory
// into plain structs through format::FileReader (the same reader the tools use), with values
// rendered to strings so tests compare them without knowing the encoding. Knows nothing of
// doctest: the tests assert, this only collects. TempDir comes from tests/support.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lynx/detail/arg_types.hpp"
#include "lynx/level.hpp"
#include "tests/support/temp_dir.hpp"

namespace lynx::test {

// One decoded record. `values[i]` is the i-th argument rendered by its type:
//   signed/unsigned integers: decimal; bool: "true"/"false"; char: the one byte;
//   float/double: shortest round-trip form of std::to_chars ("nan", "inf", "-0", "1e-45");
//   string: the bytes as stored; pointer: "0x" + lowercase hex ("0x0" for null).
struct DecodedRecord {
  std::string path;  // file it was read from
  std::int64_t ts_ns = 0;
  Level level = Level::info;
  std::string logger;
  std::uint32_t thread_id = 0;  // file-local thread number
  std::uint64_t os_tid = 0;
  std::string thread_name;
  std::string file;
  std::uint32_t line = 0;
  std::string function;
  std::string format;       // the template as written
  std::string fmt_pattern;  // the template with names removed, for {fmt}
  std::vector<std::string> names;
  std::vector<detail::ArgType> types;
  std::vector<std::string> values;
  // Format 2.1 extras: the context as "name=value" pairs in order, the suppressed count, the
  // backtrace mark.
  std::vector<std::pair<std::string, std::string>> context;
  std::uint64_t suppressed = 0;
  bool backtrace = false;

  // values[i] of the field called `name`; an empty string when there is none.
  std::string value(std::string_view name) const;
};

struct DecodedFile {
  std::string path;
  std::uint64_t size = 0;  // bytes on disk
  bool opened = false;     // FileReader::open() succeeded
  std::string open_error;
  std::uint32_t shard = 0;     // from the file header
  std::uint64_t sequence = 0;  // from the file header
  std::uint32_t pid = 0;
  std::string program;
  std::uint64_t records = 0;
  std::uint64_t problems = 0;
};

struct Decoded {
  std::vector<DecodedRecord> records;         // files in name order, records in file order
  std::vector<DecodedFile> files;             // in name order
  std::vector<std::string> problem_messages;  // "<path>: <message>" for each problem
  std::uint64_t problems = 0;  // damage reported by the reader, plus files that failed to open
  std::uint64_t bytes = 0;     // sum of file sizes

  // Records that are not engine notices (logger "lynx"). The pointers point into `records`: not
  // callable on a temporary, whose records would be gone before the pointers are used.
  std::vector<const DecodedRecord*> user_records() const&;
  std::vector<const DecodedRecord*> user_records() const&& = delete;
  // Sum of the counts carried by drop notices ("{count} record(s) dropped..." of logger "lynx").
  std::uint64_t dropped_in_notices() const;
  std::uint64_t notice_count() const;
};

// Paths of the *.lynx files directly in `dir`, sorted by name (= shard, then write order).
std::vector<std::string> lynx_files(const std::string& dir);
// Decodes one file with its own FileReader (so it must be self-contained) and appends to `out`.
void decode_file(const std::string& path, Decoded& out);
Decoded decode_file(const std::string& path);
// Decodes every *.lynx file of `dir`, each with its own FileReader.
Decoded decode_dir(const std::string& dir);

std::string render_double(double v);
std::string render_float(float v);
std::string render_pointer(std::uintptr_t v);

// Bytes of a file, to prove a file was not rewritten.
std::string read_bytes(const std::string& path);

// The calling thread's kernel thread id (what the engine records as os_tid).
std::uint64_t current_os_tid();

}  // namespace lynx::test
