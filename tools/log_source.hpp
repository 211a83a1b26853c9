// Where `lynx` gets its records: PATH arguments expanded to files, and every record of those files
// loaded into one LogSet, merged in time order.
//
// Merge rule (what must hold): records come out in time order, and each thread's records (a thread
// is (file pid, os_tid), across rotated files and shards) in the order it logged them, even when
// clocks make timestamps go slightly backwards across threads. Records are laid out file by file
// in file order, files in (shard, sequence) order; each gets an effective timestamp
// max(its ts, previous effective ts of its thread); then a stable sort by effective timestamp.
//
// Memory: a record is a 32-byte LoadedRecord plus its argument values in one shared arena; call
// site and thread info are copied once into shared tables, so a file's reader (and its bytes) is
// released as soon as the file is loaded.
#pragma once

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "format/reader.hpp"

namespace lynx::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitDataError = 1;  // damaged or foreign data; output still produced
inline constexpr int kExitUsage = 2;      // usage or I/O error

// Reports problems on `err` as they are found ("lynx: <message>") and keeps the exit code.
class Diagnostics {
 public:
  explicit Diagnostics(std::FILE* err) : err_(err) {}
  void io_error(std::string_view message);    // usage or I/O error
  void data_error(std::string_view message);  // damaged or unreadable data
  int exit_code() const;

 private:
  std::FILE* err_;
  bool io_error_ = false;
  bool data_error_ = false;
};

// PATH arguments to the files to read: a file as given; a directory's regular files named *.lynx
// (not recursive), sorted by name. A missing path or a directory without such files is reported
// and skipped. A file named twice (also through a directory) is read once.
std::vector<std::string> expand_paths(const std::vector<std::string>& args, Diagnostics& diag);

// The `--dictionary FILE` option: reads a zstd dictionary (e.g. from `lynx train`) and checks that
// zstd accepts it. On failure reports a usage error to `diag` and returns false.
bool load_dictionary_option(const std::string& path, std::vector<std::byte>* dictionary,
                            Diagnostics& diag);

struct LoadedRecord {
  std::int64_t ts_ns = 0;        // as logged
  std::int64_t order_ns = 0;     // effective timestamp (see the merge rule)
  std::uint64_t args_offset = 0; // argument values in the arena
  std::uint32_t site = 0;        // index into the site table
  std::uint32_t thread = 0;      // index into the thread table
};

struct ThreadEntry {
  std::uint32_t pid = 0;
  std::uint64_t os_tid = 0;
  std::string name;  // as first seen
};

class LogSet {
 public:
  // Reads `files` (see the file comment). Files that cannot be opened or are not lynx files, and
  // damage inside files, are reported to `diag`; every readable record is kept. `dictionary`, when
  // not empty, is given to every reader for zstd blocks whose file does not carry its dictionary.
  static LogSet load(const std::vector<std::string>& files, Diagnostics& diag,
                     const std::vector<std::byte>& dictionary = {});

  const std::vector<LoadedRecord>& records() const { return records_; }
  const format::CallSiteInfo& site(const LoadedRecord& r) const { return sites_[r.site]; }
  const ThreadEntry& thread(const LoadedRecord& r) const { return threads_[r.thread]; }
  // The argument values of `r`, in its call site's order. String values point into this LogSet.
  void values(const LoadedRecord& r, std::vector<format::Value>* out) const;

 private:
  class FileLoader;

  std::vector<LoadedRecord> records_;
  std::vector<std::byte> arena_;
  std::vector<format::CallSiteInfo> sites_;
  std::unordered_map<std::string, std::uint32_t> site_index_;  // by content, across files
  std::vector<ThreadEntry> threads_;
  std::vector<std::int64_t> thread_last_ns_;  // effective ts of each thread's latest record
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::uint32_t> thread_index_;  // (pid, os_tid)
};

}  // namespace lynx::tools
