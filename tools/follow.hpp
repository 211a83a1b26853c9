// `lynx tail -f`: follows the files of live directories (and files named directly) as a running
// program writes them. Every poll (kPollInterval) it looks for new *.lynx files (a rotation, a
// new shard), reads what each file gained since the last poll (BlockReader in growing mode: a
// block still being written is waited for, not reported as damage), and hands the records over
// in time order (per poll: the records it found, sorted by effective timestamp as LogMerge does,
// so that each thread keeps its order).
//
// A file is closed once its shard (same pid and shard number) has a newer file (the writer
// rotated) and it has not grown for kQuietPolls polls: then, and only then, a cut-off tail in it
// is damage. Memory: one block per open file and at most kMaxBatch records per hand-over,
// whatever the write rate (a poll that finds more hands them over in several sorted batches).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "tools/filter.hpp"
#include "tools/log_source.hpp"

namespace lynx::tools {

inline constexpr std::chrono::milliseconds kPollInterval{100};
inline constexpr std::size_t kMaxBatch = 65536;
inline constexpr std::size_t kMaxBatchBytes = 16u << 20;  // of held records
inline constexpr int kQuietPolls = 10;

class LogFollower {
 public:
  // Follows `paths` (directories: their *.lynx files, present and future; files: themselves).
  // Existing files are read from their start. `filter` may be null; it and `diag` must outlive
  // the follower.
  LogFollower(std::vector<std::string> paths, Diagnostics& diag, const RecordFilter* filter,
              bool recursive);
  ~LogFollower();
  LogFollower(const LogFollower&) = delete;
  LogFollower& operator=(const LogFollower&) = delete;

  // One poll: looks for new files, reads every file's new records, and calls `emit` for each
  // record found, in time order. Returns how many it emitted.
  std::size_t poll(const std::function<void(const MergedRecord&)>& emit);

 private:
  struct File;
  struct Entry;
  void discover();
  void read(File& f, const std::function<void(const MergedRecord&)>& emit, std::size_t* emitted);
  void flush(const std::function<void(const MergedRecord&)>& emit, std::size_t* emitted);

  std::vector<std::string> paths_;
  Diagnostics& diag_;
  const RecordFilter* filter_;
  bool recursive_;
  std::set<std::string> known_;  // every path ever opened (or found empty and retried)
  std::vector<std::unique_ptr<File>> files_;
  std::vector<Entry> batch_;
  RecordStore held_;  // the batch's records
  RecordStore::Loaded loaded_;
  render::Renderer renderer_;  // the filter's working space
  fmt::memory_buffer scratch_;
  std::uint64_t arrivals_ = 0;
  std::unordered_map<ThreadKey, std::int64_t, ThreadKeyHash> thread_last_ns_;
};

}  // namespace lynx::tools
