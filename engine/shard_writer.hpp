// One shard's file sequence: <directory>/<name>.<shard>.<sequence>.lynx. Encodes records into
// blocks (format::BlockBuilder), seals them into pooled I/O buffers, hands full buffers to the
// Writer and rotates files by size and time. Every file is self-contained: call sites and threads
// are defined again in each new file before the first record that uses them. A write's completion
// comes back to the shard that submitted it through io::Buffer::owner (FileSink routes it).
// Backend thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"
#include "compress/zstd_codec.hpp"
#include "engine/clock_calibration.hpp"
#include "engine/engine_shared.hpp"
#include "engine/retention.hpp"
#include "engine/sink.hpp"
#include "format/block_builder.hpp"
#include "io/writer.hpp"

namespace lynx::detail {

struct ShardConfig {
  std::string directory;
  std::string name;
  std::uint32_t shard = 0;
  std::uint64_t first_sequence = 0;
  std::uint64_t rotate_bytes = 0;
  unsigned file_mode = 0640;
  std::string program;
  const std::vector<std::byte>* dictionary = nullptr;  // written after the header of every file
  std::uint32_t dictionary_id = 0;
  std::int64_t rotate_every_ns = 0;  // 0: no time-based rotation
  RetentionPolicy retention;
  Sync sync = Sync::none;
};

// File name of one shard file; sequences are zero-padded so that names sort in write order.
std::string shard_file_name(const std::string& name, std::uint32_t shard, std::uint64_t sequence);
// Bytes every file of a shard starts with: the file header and, with a dictionary, its block.
std::size_t file_start_bytes(const std::string& program, const std::vector<std::byte>* dictionary);
// Size rotation: a file takes at least this many bytes of records before it rotates, so
// Options::rotate_bytes must hold file_start_bytes() plus this (the engine refuses less).
inline constexpr std::uint64_t kMinFileRecordBytes = 4096;
// Room kept below rotate_bytes for what a block adds to the records (metadata, framing).
inline constexpr std::uint64_t kRotateSlack = 4096;
// What the encoding of one record may add to its argument bytes (site, thread, timestamp),
// counted against the block by add_record() before the exact figure is known. Only sets how soon
// the exact figure is looked at, not what is written.
inline constexpr std::uint64_t kRecordBound = 16;
// The next unused sequence number of a shard in `directory` (0 when it has no files).
std::uint64_t next_sequence(const std::string& directory, const std::string& name,
                            std::uint32_t shard);

class ShardWriter {
 public:
  std::uint32_t shard() const { return config_.shard; }
  ShardWriter(ShardConfig config, io::Writer& writer, io::BufferPool& pool,
              compress::ZstdCompressor* compressor, const ClockCalibration& clock,
              StatCounters& stats, const io::Writer::Completion& on_done);
  ~ShardWriter();
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  // Opens the first file. Errors are reported to the caller (the Engine constructor throws them).
  Status open();

  // Encodes one record into the current file (rotating first when due). Inline, below.
  void add_record(const SinkRecord& record);
  void add_extras(std::uint32_t thread, const RecordExtras& extras);

  // Called once per backend pass with the file clock: time-based rotation happens at the first
  // record after a boundary.
  void tick(std::int64_t now_ns) {
    now_ns_ = now_ns;
    if (rotate_at_ != 0 && now_ns_ >= rotate_at_) room_ = -1;
    if (now_ns_ >= next_link_check_) {
      next_link_check_ = now_ns_ + kLinkCheckNs;
      check_still_linked();
    }
  }
  // How often the current file is checked for removal (a removed log directory).
  static constexpr std::int64_t kLinkCheckNs = 250'000'000;

  // Seals what is pending and hands it to the writer (does not wait for completion; with
  // Sync::every_batch the write carries its own fdatasync).
  void flush();
  // flush() when the oldest record not yet handed to the writer arrived (steady clock) at least
  // `max_age_ns` before `steady_now_ns`: Options::flush_every.
  void flush_if_older(std::int64_t steady_now_ns, std::int64_t max_age_ns);
  // Flushes and closes the current file once its writes have completed (drains the writer).
  void close();
  const std::string& current_path() const { return path_; }

  // Failed writes (ENOSPC, EIO, ...). A buffer whose write failed stays with the shard that wrote
  // it and is written again at the same file and offset by retry(), so a disk that fills up and
  // later gets room loses nothing; its file stays open until then, even across rotation.
  //
  // Takes back a buffer this shard submitted (buffer->owner == this) whose write failed.
  void hold_failed(io::Buffer* buffer);
  std::size_t failed_writes() const { return stalled_.size(); }
  // Submits every failed write again. The caller drains the writer, then calls close_retired().
  void retry();
  // Closes (and syncs, per policy) rotated-away files that no longer wait for a retry.
  void close_retired();
  // Gives up on every failed write: frees the buffers, closes their files and returns how many
  // records they carried.
  std::uint64_t abandon();

 private:
  struct RetiredFile {
    int fd;
    std::string path;
  };

  bool check_room(std::size_t args_size);
  void define_site(const SiteEntry& site);
  void define_thread(const ThreadEntry& thread);
  void seal();
  void seal_oversized();
  void submit();
  void ensure_buffer(std::size_t need);
  void rotate();
  Status open_file();
  Status create_next_file(int* fd);
  void check_still_linked();
  void report(const Status& status);
  void finish_file(int fd, const std::string& path);
  bool has_failed_write(int fd) const;

  ShardConfig config_;
  io::Writer& writer_;
  io::BufferPool& pool_;
  const ClockCalibration& clock_;
  StatCounters& stats_;
  const io::Writer::Completion& on_done_;
  format::BlockBuilder builder_;

  std::uint64_t sequence_;
  std::string path_;
  int fd_ = -1;
  std::uint64_t file_offset_ = 0;  // bytes handed to the writer for the current file
  std::uint64_t start_bytes_ = 0;  // of the current file: its header and dictionary block
  io::Buffer* buffer_ = nullptr;
  // add_record()'s countdown: raw bytes the pending block may still take (less kRecordBound per
  // record) before check_room() must run; forced negative (-1) when something is due whatever the
  // sizes: a failed file, a time rotation, the first record after a flush.
  std::int64_t room_ = -1;
  bool pending_ = false;                      // records not yet handed to the writer
  std::int64_t pending_since_ = 0;            // steady clock when the oldest of them arrived
  std::vector<std::uint8_t> site_defined_;    // by SiteEntry::id, for the current file
  std::vector<std::uint8_t> thread_defined_;  // by ThreadEntry::index, for the current file
  bool failed_ = false;                       // the current file could not be opened
  bool reported_ = false;                     // an error was printed (once per shard)
  std::int64_t now_ns_ = 0;                   // file clock at the last tick()
  std::int64_t rotate_at_ = 0;                // next time-based rotation, 0: none
  std::int64_t next_link_check_ = 0;          // file clock of the next check_still_linked()
  bool warned_exists_ = false;                // a name was skipped (said once per shard)
  bool warned_recreated_ = false;             // the directory or file was removed (said once)
  std::vector<io::Buffer*> stalled_;          // failed writes waiting for retry()
  std::vector<RetiredFile> retired_;          // closed by rotation, kept open for stalled_ writes
};

// HOT on the backend: once per record. Everything that happens only now and then (sealing a full
// block, size and time rotation, reopening after a failed open, noting when the first pending
// record arrived) hides behind one countdown: room_ is what the current block may still take, less
// a bound of what each record adds; it goes negative before any of those is due, and
// check_room() then does it and counts down again from exact figures.
inline void ShardWriter::add_record(const SinkRecord& record) {
  room_ -= static_cast<std::int64_t>(record.args_size + kRecordBound);
  if (room_ < 0 && !check_room(record.args_size)) [[unlikely]] {
    stats_.add(stats_.records_dropped, 1);
    return;
  }
  const SiteEntry& site = record.site;
  const ThreadEntry& thread = record.thread;
  if (site.id >= site_defined_.size() || !site_defined_[site.id]) [[unlikely]]
    define_site(site);
  if (thread.index >= thread_defined_.size() || !thread_defined_[thread.index]) [[unlikely]]
    define_thread(thread);
  if (record.extras != nullptr) [[unlikely]]
    add_extras(thread.index, *record.extras);
  builder_.add_record(site.id, thread.index, record.ts_ns, site.site->arg_types,
                      site.site->arg_count, record.args, record.args_size);
}

// Format 2.1 record extras (context, suppressed count, backtrace mark), counted against the block.
inline void ShardWriter::add_extras(std::uint32_t thread, const RecordExtras& extras) {
  const RecordContext* ctx = extras.context;
  room_ -= static_cast<std::int64_t>(
      builder_.add_extras(thread, ctx != nullptr ? ctx->id : 0,
                          ctx != nullptr ? std::span<const record::RingField>(ctx->fields)
                                         : std::span<const record::RingField>(),
                          extras.suppressed, extras.backtrace));
}

}  // namespace lynx::detail
