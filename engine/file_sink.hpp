// The sink that writes log files: one ShardWriter per shard (<name>.<shard>.<sequence>.lynx),
// rotation and retention, the zstd compressor and dictionary, the I/O buffers and the io::Writer
// (through engine/writer_seam.hpp), and all recovery from failed writes: a failed buffer goes
// back to the shard that wrote it (io::Buffer::owner), is retried at the same file and offset
// with a growing back-off, holds the backend back (starved()) before it would need every buffer,
// and is given up, counted and reported only at stop after a deadline. See engine/sink.hpp for
// the contract; backend thread only.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "compress/zstd_codec.hpp"
#include "engine/clock_calibration.hpp"
#include "engine/engine_shared.hpp"
#include "engine/lag_queue.hpp"
#include "engine/shard_writer.hpp"
#include "engine/sink.hpp"
#include "engine/write_retry.hpp"
#include "io/buffer_pool.hpp"
#include "io/writer.hpp"
#include "lynx/options.hpp"

namespace lynx::detail {

class FileSink final : public Sink {
 public:
  // Creates the writer and the log directory and opens every shard's first file. Throws
  // std::invalid_argument for options the files cannot honour (a zstd dictionary that does not
  // load, a rotate_bytes too small for a file's start), std::system_error or std::runtime_error
  // with a clear message when the directory, a file or the writer cannot be set up.
  FileSink(const Options& options, const ClockCalibration& clock, StatCounters& stats);
  ~FileSink() override;
  FileSink(const FileSink&) = delete;
  FileSink& operator=(const FileSink&) = delete;

  bool write(const SinkRecord& record) override;
  void tick(std::int64_t steady_now_ns, std::int64_t file_now_ns) override;
  void flush() override;
  // While writes fail: fewer free buffers than one seal per shard plus the current ones.
  bool starved() const override {
    return failed_writes_ != 0 && !giving_up_ && pool_->free_count() < shards_.size() + 2;
  }
  void retry_now() override { retry_failed_writes(true); }
  void begin_close() override;
  void close() override;

 private:
  void on_write_done(io::Buffer* buffer, const Status& status);
  // Resubmits every failed write when the back-off says so (or `now`), and waits for the results.
  void retry_failed_writes(bool now);
  void give_up_failed_writes();
  // The records of a completed (or given up) write leave their shard's lag queue.
  void account_lag(io::Buffer* buffer, bool completed);

  StatCounters& stats_;
  const ClockCalibration& clock_;
  const std::int64_t flush_every_ns_;
  std::vector<LagQueue> lag_;  // by shard (Stats::backend_lag)
  // Destroyed in reverse: the shards give their buffers back to the pool, the writer waits for
  // writes still in flight, then the pool (registered with io_uring) goes.
  std::unique_ptr<io::BufferPool> pool_;
  std::unique_ptr<io::Writer> writer_;
  std::unique_ptr<compress::ZstdCompressor> compressor_;
  std::vector<std::byte> dictionary_;
  io::Writer::Completion on_done_;
  std::vector<std::unique_ptr<ShardWriter>> shards_;

  // Failed writes (see ShardWriter::hold_failed): how many buffers wait for a retry, and when.
  std::size_t failed_writes_ = 0;
  WriteRetry retry_;
  bool closing_ = false;               // begin_close() was called
  bool giving_up_ = false;             // failed writes are counted as lost, not kept
  std::uint64_t lost_records_ = 0;     // records in writes given up
  bool reported_write_error_ = false;  // once per run of failures; reset when writes succeed
};

}  // namespace lynx::detail
