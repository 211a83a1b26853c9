// Where `lynx` gets its records: PATH arguments expanded to files, each file opened through one
// helper, and the records of all of them streamed in one merged time order.
//
// Merge rule (what must hold): records come out in time order, and each thread's records (a thread
// is (file pid, os_tid), across rotated files and shards) in the order it logged them, even when
// clocks make timestamps go slightly backwards across threads. The files of one shard number form
// one stream, in sequence order; each record gets an effective timestamp max(its ts, previous
// effective ts of its thread); the output is the stable sort of all records by effective
// timestamp, streams in shard order (what a stable sort of the files laid out in (shard, sequence)
// order gives).
//
// Streaming: each stream keeps a reorder window of at most its share of kWindowRecords records or
// kWindowBytes of held records (tools/record_store.hpp), whichever is reached first, ordered by
// (effective ts, arrival); a k-way merge takes the smallest head across the streams. The result
// equals the full sort whenever a record arrives fewer than a window's worth of records after
// records it must precede (the backend writes records of different threads of one shard only
// slightly out of order); memory is bounded by the windows and one block per stream, whatever the
// input. A thread logging to two shards is ordered by what the merge has already seen of it.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "format/reader.hpp"
#include "tools/filter.hpp"
#include "tools/record_store.hpp"

namespace lynx::tools {

inline constexpr int kExitOk = 0;
inline constexpr int kExitDataError = 1;  // damaged or foreign data; output still produced
inline constexpr int kExitUsage = 2;      // usage or I/O error

// The path that names standard input.
inline constexpr std::string_view kStdinPath = "-";

// Reports problems on `err` as they are found ("lynx: <message>") and keeps the exit code.
// Thread-safe (tools/merge_pipeline.hpp reports from two threads): each message is one write.
class Diagnostics {
 public:
  explicit Diagnostics(std::FILE* err) : err_(err) {}
  void io_error(std::string_view message);    // usage or I/O error
  void data_error(std::string_view message);  // damaged or unreadable data
  void note(std::string_view message);        // worth saying, but not an error
  // Standard output was closed by its reader (EPIPE): the command stops quietly; not an error.
  void broken_pipe() { broken_pipe_ = true; }
  bool output_closed() const { return broken_pipe_.load(std::memory_order_relaxed); }
  int exit_code() const;

 private:
  std::FILE* err_;
  std::atomic<bool> io_error_{false};
  std::atomic<bool> data_error_{false};
  std::atomic<bool> broken_pipe_{false};
};

// Writes `size` bytes to `out`. On failure returns false, after reporting it to `diag`: a
// reader that went away (EPIPE) quietly (Diagnostics::broken_pipe), anything else as an I/O
// error. SIGPIPE must be ignored (lynx's main does) for EPIPE to arrive here.
bool write_output(std::FILE* out, const char* data, std::size_t size, Diagnostics& diag);

// PATH arguments to the files to read: a file as given; "-" for standard input; a directory's
// regular files named *.lynx (those of its subdirectories too when `recursive`), sorted by path.
// A missing path or a directory without such files is reported and skipped. A file named twice
// (also through a directory) is read once.
std::vector<std::string> expand_paths(const std::vector<std::string>& args, Diagnostics& diag,
                                      bool recursive = false);

// The `--dictionary FILE` option: reads a zstd dictionary (e.g. from `lynx train`) and checks that
// zstd accepts it. On failure reports a usage error to `diag` and returns false.
bool load_dictionary_option(const std::string& path, std::vector<std::byte>* dictionary,
                            Diagnostics& diag);

// Opens `path` ("-": standard input), reads its header and gives it `dictionary` when not empty:
// what every command does before reading a file. On failure returns null and reports it to `diag`:
// a file that is not a lynx file, has a damaged header or is too new as a data error (or, when
// `header_error` is given, stores that Status there instead, unreported), anything else (cannot
// open or read, a dictionary zstd refuses) as an I/O error.
std::unique_ptr<format::BlockReader> open_log(const std::string& path,
                                              const std::vector<std::byte>& dictionary,
                                              Diagnostics& diag, Status* header_error = nullptr);

// Reports a problem found in `path` as a data error ("<path>: offset <n>: <message>").
void report_problem(const std::string& path, const format::Problem& p, Diagnostics& diag);

struct ThreadKey {
  std::uint32_t pid = 0;
  std::uint64_t os_tid = 0;
  bool operator==(const ThreadKey&) const = default;
};
struct ThreadKeyHash {
  std::size_t operator()(const ThreadKey& k) const {
    return std::hash<std::uint64_t>()(k.os_tid * 0x9E3779B97F4A7C15ull ^ k.pid);
  }
};

// A record of the merge. Valid until the next call of LogMerge::next().
struct MergedRecord {
  std::int64_t ts_ns = 0;     // as logged
  std::int64_t order_ns = 0;  // effective timestamp (see the merge rule)
  const format::CallSiteInfo* site = nullptr;
  const format::ThreadInfo* thread = nullptr;
  std::uint32_t pid = 0;     // of the file it came from
  std::string_view program;  // the file header's program name (lynx cat --format otlp-json)
  std::uint64_t os_tid = 0;
  std::span<const format::Value> values;          // string values point into the merge's storage
  std::span<const record::ContextEntry> context;  // format 2.1 extras, likewise
  std::uint64_t suppressed = 0;
  bool backtrace = false;

  // The record-model view (its site's view is the site's cached_view(): call from one thread).
  record::RecordView view() const {
    return record::RecordView{
        ts_ns,    &site->cached_view(), {pid, os_tid, thread->name}, values, context, suppressed,
        backtrace};
  }
};

// A held record (tools/record_store.hpp) as a MergedRecord: `*loaded` takes its values and
// context, `*out` everything but the pid and program, which the caller knows.
inline void load_held(const RecordStore::Held& h, RecordStore::Loaded* loaded, MergedRecord* out) {
  RecordStore::load(h, loaded);
  out->ts_ns = h.ts_ns;
  out->order_ns = h.order_ns;
  out->site = h.site;
  out->thread = h.thread;
  out->os_tid = h.thread->os_tid;
  out->values = loaded->values;
  out->context = loaded->context;
  out->suppressed = h.suppressed;
  out->backtrace = h.backtrace;
}

// The reorder windows' limits, for all streams together (see the file comment): each stream gets
// an equal share, and at least the minimums, so that memory does not grow with the number of
// shards of a directory (2 shards: 65,536 records or 24 MiB each).
inline constexpr std::size_t kWindowRecords = 131072;
inline constexpr std::size_t kWindowBytes = 48u << 20;
inline constexpr std::size_t kMinWindowRecords = 1024;
inline constexpr std::size_t kMinWindowBytes = 1u << 20;

class LogMerge {
 public:
  // Opens `files` (see open_log) and puts them in streams. Files that cannot be opened or are not
  // lynx files are reported to `diag` here, damage inside files while next() reads them; every
  // readable record comes out.
  //
  // With a `filter` (which must outlive the merge), only the records it keeps come out: they are
  // judged as they are decoded, before they enter a window (tools/filter.hpp), and the readers
  // skip the blocks outside its time range.
  LogMerge(const std::vector<std::string>& files, Diagnostics& diag,
           const std::vector<std::byte>& dictionary = {}, const RecordFilter* filter = nullptr);
  ~LogMerge();
  LogMerge(const LogMerge&) = delete;
  LogMerge& operator=(const LogMerge&) = delete;

  // The next record in merge order; null at the end.
  const MergedRecord* next();
  // The same record as it is held in its window (tools/record_store.hpp), valid until the next
  // call, and its file's pid and program; null at the end. Use either this or next().
  const RecordStore::Held* next_held(std::uint32_t* pid, std::string_view* program);

  // From now on, the readers of files the merge is done with are moved to `*closed` instead of
  // being destroyed: the sites and threads of records already handed out stay valid as long as
  // the caller keeps them (tools/merge_pipeline.hpp). Null: destroyed, as by default.
  void keep_closed(std::vector<std::unique_ptr<format::BlockReader>>* closed) { closed_ = closed; }

 private:
  class Stream;

  Diagnostics& diag_;
  std::vector<std::byte> dictionary_;
  const RecordFilter* filter_ = nullptr;
  std::vector<std::unique_ptr<Stream>> streams_;  // in shard order
  // Effective timestamp of each thread's latest record.
  std::unordered_map<ThreadKey, std::int64_t, ThreadKeyHash> thread_last_ns_;
  std::size_t window_records_ = kWindowRecords;  // per stream: its share of the limits
  std::size_t window_bytes_ = kWindowBytes;
  Stream* taken_ = nullptr;     // whose head the last next() returned; released at the next call
  RecordStore::Loaded loaded_;  // its values and context
  MergedRecord out_;
  std::vector<std::unique_ptr<format::BlockReader>>* closed_ = nullptr;
};

}  // namespace lynx::tools
