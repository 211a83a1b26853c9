// `lynx cat` on two cores: a LogMerge (reading, decompressing, decoding, filtering, merging) runs
// on a thread of its own and hands its records over in batches to the thread that renders and
// prints them. The output is the merge's, record for record; only the time it takes changes.
//
// What must hold:
// - Records come out in exactly the order, and with exactly the content, LogMerge gives them.
// - A record's site and thread (in its file's reader) stay valid while the consumer has it: the
//   readers of files the merge is done with travel with the batch that holds their last records,
//   and are destroyed once it is consumed (LogMerge::keep_closed).
// - Memory is bounded: at most kBatches batches of kBatchRecords records (or kBatchBytes of
//   held records) are in flight.
// - Stopping early (--head, a closed pipe) stops the merge thread at its next record; the
//   destructor joins it. Diagnostics may be reported from both threads (it is thread-safe).
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tools/log_source.hpp"
#include "tools/record_store.hpp"

namespace lynx::tools {

class PipelinedMerge {
 public:
  static constexpr std::size_t kBatchRecords = 4096;
  static constexpr std::size_t kBatchBytes = 4u << 20;  // a batch ends at either limit
  static constexpr std::size_t kBatches = 4;

  // As LogMerge's constructor; the merge starts on its own thread at once.
  PipelinedMerge(const std::vector<std::string>& files, Diagnostics& diag,
                 const std::vector<std::byte>& dictionary = {},
                 const RecordFilter* filter = nullptr);
  ~PipelinedMerge();  // stop() and join
  PipelinedMerge(const PipelinedMerge&) = delete;
  PipelinedMerge& operator=(const PipelinedMerge&) = delete;

  // The next record in merge order, valid until the next call; null at the end.
  const MergedRecord* next();
  // No more records are wanted: the merge thread stops, and is joined. Then every diagnostic of
  // the merge has been reported.
  void stop();

 private:
  struct Item {
    const RecordStore::Held* held = nullptr;
    std::uint32_t pid = 0;
    std::string_view program;
  };
  struct Batch {
    RecordStore store;
    std::vector<Item> items;
    std::vector<std::unique_ptr<format::BlockReader>> closed;  // freed once consumed
    bool last = false;                                         // the merge has ended after these
  };

  void run();  // the merge thread
  std::unique_ptr<Batch> take_free();
  void recycle(std::unique_ptr<Batch> b);

  std::unique_ptr<LogMerge> merge_;
  std::vector<std::unique_ptr<format::BlockReader>> closed_;  // the merge thread's, per batch

  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::unique_ptr<Batch>> full_;   // merge thread -> consumer, in order
  std::vector<std::unique_ptr<Batch>> free_;  // consumer -> merge thread
  bool stopping_ = false;

  std::unique_ptr<Batch> current_;  // the consumer's
  std::size_t next_item_ = 0;
  bool ended_ = false;
  RecordStore::Loaded loaded_;
  MergedRecord out_;
  std::thread thread_;
};

// Whether this process may run on more than one CPU (sched_getaffinity): `lynx cat --threads`'
// default.
bool several_cpus();

}  // namespace lynx::tools
