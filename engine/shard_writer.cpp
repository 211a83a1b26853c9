#include "engine/shard_writer.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "engine/file_clock.hpp"
#include "engine/retention.hpp"
#include "engine/steady_clock.hpp"
#include "format/file_header.hpp"
#include "format/format.hpp"

namespace lynx::detail {

namespace {
constexpr std::size_t kBlockBytes = 64 * 1024;  // raw bytes per data block
constexpr int kMaxNameAttempts = 1000;          // names skipped before opening fails
}  // namespace

std::string shard_file_name(const std::string& name, std::uint32_t shard, std::uint64_t sequence) {
  char tail[64];
  std::snprintf(tail, sizeof tail, ".%" PRIu32 ".%06" PRIu64 "%s", shard, sequence,
                format::kFileExtension);
  return name + tail;
}

std::size_t file_start_bytes(const std::string& program, const std::vector<std::byte>* dictionary) {
  format::FileHeader h;
  h.program = program;
  std::size_t bytes = format::encode_file_header(h).size();
  if (dictionary != nullptr) bytes += format::kBlockHeaderSize + dictionary->size();
  return bytes;
}

std::uint64_t next_sequence(const std::string& directory, const std::string& name,
                            std::uint32_t shard) {
  const std::vector<ShardFile> files = list_shard_files(directory, name, shard);
  return files.empty() ? 0 : files.back().sequence + 1;
}

ShardWriter::ShardWriter(ShardConfig config, io::Writer& writer, io::BufferPool& pool,
                         compress::ZstdCompressor* compressor, const ClockCalibration& clock,
                         StatCounters& stats, const io::Writer::Completion& on_done)
    : config_(std::move(config)),
      writer_(writer),
      pool_(pool),
      clock_(clock),
      stats_(stats),
      on_done_(on_done),
      builder_(compressor, kBlockBytes),
      sequence_(config_.first_sequence) {
  builder_.set_dictionary_id(config_.dictionary_id);
}

ShardWriter::~ShardWriter() {
  if (buffer_ != nullptr) pool_.release(buffer_);
  for (io::Buffer* b : stalled_) pool_.release(b);
  for (const RetiredFile& f : retired_) ::close(f.fd);
  if (fd_ >= 0) ::close(fd_);
}

Status ShardWriter::open() { return open_file(); }

// Creates the file of the current sequence number. A name that exists (a file or a symlink someone
// put there: O_EXCL | O_NOFOLLOW never follows it) is skipped for the next free number, said once;
// a directory that was removed is created again, said once. Neither is fatal.
Status ShardWriter::create_next_file(int* fd) {
  Status s;
  for (int attempt = 0; attempt < kMaxNameAttempts; ++attempt) {
    path_ = config_.directory + "/" + shard_file_name(config_.name, config_.shard, sequence_);
    s = io::create_file(path_, config_.file_mode, fd);
    if (s.ok()) return s;
    if (s.sys_errno() == EEXIST) {
      if (!warned_exists_) {
        warned_exists_ = true;
        std::fprintf(stderr,
                     "lynx: %s exists and was not written by this engine (not followed); "
                     "skipped to the next sequence number\n",
                     path_.c_str());
      }
      ++sequence_;
      continue;
    }
    if (s.sys_errno() == ENOENT && io::create_directories(config_.directory).ok()) {
      if (!warned_recreated_) {
        warned_recreated_ = true;
        std::fprintf(stderr, "lynx: the log directory %s was removed; created it again\n",
                     config_.directory.c_str());
      }
      continue;
    }
    return s;
  }
  return s;
}

Status ShardWriter::open_file() {
  room_ = -1;  // a new file (or none): add_record() looks at the sizes again
  int fd = -1;
  Status s = create_next_file(&fd);
  if (!s.ok()) {
    failed_ = true;
    if (buffer_ != nullptr) {  // belonged to no file
      stats_.add(stats_.records_dropped, buffer_->records);
      buffer_->size = 0;
      buffer_->records = 0;
    }
    return s;
  }
  failed_ = false;
  fd_ = fd;
  file_offset_ = 0;
  site_defined_.assign(site_defined_.size(), 0);
  thread_defined_.assign(thread_defined_.size(), 0);
  stats_.add(stats_.files_opened, 1);

  const std::int64_t now = file_clock_ns();
  now_ns_ = now;
  if (config_.rotate_every_ns > 0) {
    rotate_at_ = (now / config_.rotate_every_ns + 1) * config_.rotate_every_ns;  // next boundary
  }
  std::vector<std::string> errors;
  stats_.add(stats_.files_deleted,
             apply_retention(config_.directory, config_.name, config_.shard, config_.retention,
                             path_, config_.rotate_bytes, now, &errors)
                 .size());
  for (const std::string& e : errors)
    report(Status::error(Status::Code::io_error, "retention: " + e));

  format::FileHeader h;
  h.created_unix_ns = now;
  h.pid = static_cast<std::uint32_t>(::getpid());
  h.shard = config_.shard;
  h.sequence = sequence_;
  h.clock_anchor_ticks = clock_.anchor_ticks();
  h.clock_anchor_unix_ns = clock_.anchor_ns();
  h.clock_ns_per_tick = clock_.ns_per_tick();
  h.program = config_.program;
  const std::vector<std::byte> bytes = format::encode_file_header(h);
  builder_.start_file(h);
  ensure_buffer(bytes.size());
  std::memcpy(buffer_->data + buffer_->size, bytes.data(), bytes.size());
  buffer_->size += bytes.size();
  if (config_.dictionary != nullptr) {
    ensure_buffer(format::kBlockHeaderSize + config_.dictionary->size());
    buffer_->size += format::BlockBuilder::write_dictionary_block(
        *config_.dictionary, config_.dictionary_id, buffer_->data + buffer_->size);
  }
  start_bytes_ = buffer_->size;
  return {};
}

void ShardWriter::define_site(const SiteEntry& site) {
  if (site.id >= site_defined_.size()) site_defined_.resize(site.id + 1, 0);
  const CallSite& cs = *site.site;
  builder_.add_call_site(site.id, cs.level, site.logger, cs.file, cs.line, cs.function, cs.format,
                         cs.arg_types, cs.arg_count, cs.type_desc);
  site_defined_[site.id] = 1;
}

void ShardWriter::define_thread(const ThreadEntry& thread) {
  if (thread.index >= thread_defined_.size()) thread_defined_.resize(thread.index + 1, 0);
  builder_.add_thread(thread.index, thread.os_tid, thread.name);
  thread_defined_[thread.index] = 1;
}

// The slow half of add_record(), before a record of `args_size` bytes: whatever is due now. False
// when the record cannot be written (no file could be opened); room_ then stays negative.
bool ShardWriter::check_room(std::size_t args_size) {
  room_ = -1;
  if (failed_) {
    // The file could not be opened (e.g. the directory vanished): try a new one for this record.
    ++sequence_;
    if (!open_file().ok()) return false;
  }
  if (rotate_at_ != 0 && now_ns_ >= rotate_at_) {
    rotate();
    if (failed_) return false;
  }
  // Size rotation, between blocks: before this record would take the file past rotate_bytes
  // (kRotateSlack covers the metadata block and block framing still to come), but only once the
  // file holds kMinFileRecordBytes beyond its start (header and dictionary block), so that every
  // file takes records however large its start is.
  const std::uint64_t used = file_offset_ + (buffer_ ? buffer_->size : 0) + builder_.pending_raw();
  if (config_.rotate_bytes != 0 && used + args_size + kRotateSlack > config_.rotate_bytes &&
      used >= start_bytes_ + kMinFileRecordBytes) {
    rotate();
    if (failed_) return false;
  }
  // A block is sealed before the record that would take it past kBlockBytes (a record larger than
  // that gets a block of its own).
  if (builder_.pending_raw() + args_size > kBlockBytes) seal();
  if (!pending_) {
    pending_ = true;
    pending_since_ = steady_clock_ns();
  }
  // Count down again from what is exact now, this record included: to the block's end, or to where
  // size rotation must be looked at (the earliest point where both conditions above can hold).
  const auto pending = static_cast<std::int64_t>(builder_.pending_raw());
  std::int64_t room = static_cast<std::int64_t>(kBlockBytes) - pending;
  if (config_.rotate_bytes != 0) {
    const auto base = static_cast<std::int64_t>(file_offset_ + (buffer_ ? buffer_->size : 0));
    const std::int64_t to_rotation =
        std::max(static_cast<std::int64_t>(config_.rotate_bytes) -
                     static_cast<std::int64_t>(kRotateSlack) - base,
                 static_cast<std::int64_t>(start_bytes_ + kMinFileRecordBytes) - base) -
        pending;
    room = std::min(room, to_rotation);
  }
  room_ = room - static_cast<std::int64_t>(args_size + kRecordBound);
  if (room_ < 0) room_ = 0;  // this record goes in anyway; the next one looks again
  return true;
}

void ShardWriter::ensure_buffer(std::size_t need) {
  if (buffer_ != nullptr && buffer_->capacity - buffer_->size >= need) return;
  if (buffer_ != nullptr && buffer_->size > 0) submit();
  while (buffer_ == nullptr) {
    buffer_ = pool_.acquire();
    if (buffer_ != nullptr) break;
    if (writer_.pending() > 0) {
      writer_.reap(true, on_done_);  // every buffer is in flight: wait for one
    } else {
      // Every pooled buffer holds a failed write waiting for its retry. FileSink::starved() stops
      // the backend draining rings before that happens; what is already encoded needs a home.
      buffer_ = pool_.acquire_oversized(std::max(need, pool_.buffer_bytes()));
    }
  }
  buffer_->size = 0;
  buffer_->records = 0;
}

void ShardWriter::seal() {
  if (builder_.empty()) return;
  if (builder_.seal_bound() > pool_.buffer_bytes()) {
    seal_oversized();
    return;
  }
  ensure_buffer(builder_.seal_bound());
  format::SealStats s;
  const std::size_t sealed = builder_.seal(buffer_->data + buffer_->size, &s);
  buffer_->size += sealed;
  buffer_->records += s.records;
  stats_.add(stats_.bytes_encoded, sealed);
  stats_.add(stats_.bytes_raw, s.raw_bytes);
  stats_.add(stats_.blocks_written, s.records != 0 ? 1 : 0);
}

// A block bigger than a pooled buffer (a record of up to kMaxRecord bytes) gets a buffer of its own
// from the pool, written like any other; BufferPool::release() frees it after its completion.
void ShardWriter::seal_oversized() {
  submit();
  if (buffer_ != nullptr) {  // empty, or (the file could not be opened) belonging to no file
    stats_.add(stats_.records_dropped, buffer_->records);
    pool_.release(buffer_);
  }
  buffer_ = pool_.acquire_oversized(builder_.seal_bound());
  format::SealStats st;
  buffer_->size = builder_.seal(buffer_->data, &st);
  stats_.add(stats_.bytes_encoded, buffer_->size);
  buffer_->records = st.records;
  stats_.add(stats_.bytes_raw, st.raw_bytes);
  stats_.add(stats_.blocks_written, st.records != 0 ? 1 : 0);
  submit();
}

void ShardWriter::submit() {
  if (buffer_ == nullptr || buffer_->size == 0 || fd_ < 0) return;
  io::Buffer* b = buffer_;
  buffer_ = nullptr;
  const std::uint64_t offset = file_offset_;
  file_offset_ += b->size;
  b->fd = fd_;
  b->offset = offset;
  b->owner = this;  // FileSink hands the completion of a failed write back here
  writer_.submit(fd_, offset, b, config_.sync == Sync::every_batch);
}

void ShardWriter::report(const Status& status) {
  stats_.add(stats_.write_errors, 1);
  if (reported_) return;
  reported_ = true;
  std::fprintf(stderr, "lynx: %s (further errors are counted in Stats::write_errors)\n",
               status.message().c_str());
}

void ShardWriter::flush() {
  seal();
  submit();
  pending_ = false;
  room_ = -1;  // the next record notes when it arrived (pending_since_), and sizes are new
}

void ShardWriter::check_still_linked() {
  struct stat st {};
  if (fd_ < 0 || ::fstat(fd_, &st) != 0 || st.st_nlink != 0) return;
  // Removed (with its directory, or alone): what is written there is lost with it. A new file
  // (and directory) takes the next records.
  if (!warned_recreated_) {
    warned_recreated_ = true;
    std::fprintf(stderr, "lynx: %s was removed; going on in a new file\n", path_.c_str());
  }
  rotate();
}

void ShardWriter::flush_if_older(std::int64_t steady_now_ns, std::int64_t max_age_ns) {
  if (pending_ && steady_now_ns - pending_since_ >= max_age_ns) flush();
}

void ShardWriter::close() {
  flush();
  writer_.drain(on_done_);
  if (fd_ < 0) return;
  if (has_failed_write(fd_)) {
    retired_.push_back({fd_, path_});  // closed once its failed writes have been retried
  } else {
    finish_file(fd_, path_);
  }
  fd_ = -1;
}

void ShardWriter::finish_file(int fd, const std::string& path) {
  if (config_.sync != Sync::none) {
    const Status synced = io::sync_file(fd, path);
    if (!synced.ok()) report(synced);
  }
  const Status s = io::close_file(fd, path);
  if (!s.ok()) std::fprintf(stderr, "lynx: %s\n", s.message().c_str());
}

bool ShardWriter::has_failed_write(int fd) const {
  return std::any_of(stalled_.begin(), stalled_.end(),
                     [fd](const io::Buffer* b) { return b->fd == fd; });
}

void ShardWriter::hold_failed(io::Buffer* buffer) { stalled_.push_back(buffer); }

void ShardWriter::retry() {
  std::vector<io::Buffer*> again;
  again.swap(stalled_);
  // Same file, same offset, same bytes: a torn first attempt is overwritten whole.
  for (io::Buffer* b : again)
    writer_.submit(b->fd, b->offset, b, config_.sync == Sync::every_batch);
}

void ShardWriter::close_retired() {
  for (std::size_t i = 0; i < retired_.size();) {
    if (has_failed_write(retired_[i].fd)) {
      ++i;
      continue;
    }
    finish_file(retired_[i].fd, retired_[i].path);
    retired_.erase(retired_.begin() + static_cast<std::ptrdiff_t>(i));
  }
}

std::uint64_t ShardWriter::abandon() {
  std::uint64_t records = 0;
  for (io::Buffer* b : stalled_) {
    records += b->records;
    pool_.release(b);
  }
  stalled_.clear();
  close_retired();
  return records;
}

void ShardWriter::rotate() {
  stats_.add(stats_.rotations, 1);
  close();
  ++sequence_;
  Status s = open_file();
  if (!s.ok()) std::fprintf(stderr, "lynx: cannot rotate log file: %s\n", s.message().c_str());
}

}  // namespace lynx::detail
