#include "engine/file_sink.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "compress/zstd_dictionary.hpp"
#include "engine/steady_clock.hpp"
#include "engine/writer_seam.hpp"
#include "lynx/detail/clock.hpp"

namespace lynx::detail {

namespace {

constexpr std::size_t kIoBufferBytes = 1u << 20;
constexpr std::size_t kIoBuffers = 16;
constexpr unsigned kMaxInFlight = 8;
// std::system_error appends the errno text to its what(); the Status message already ends with it
// (Status::from_errno), so it is cut from the message to appear once.
[[noreturn]] void fail(const Status& s, const char* what) {
  std::string message = std::string("lynx: ") + what + ": " + s.message();
  if (s.sys_errno() != 0) {
    const std::string suffix = ": " + std::generic_category().message(s.sys_errno());
    if (message.size() > suffix.size() &&
        message.compare(message.size() - suffix.size(), suffix.size(), suffix) == 0) {
      message.resize(message.size() - suffix.size());
    }
    throw std::system_error(s.sys_errno(), std::generic_category(), message);
  }
  throw std::runtime_error(message);
}

}  // namespace

FileSink::FileSink(const Options& o, const ClockCalibration& clock, StatCounters& stats)
    : stats_(stats),
      clock_(clock),
      flush_every_ns_(std::chrono::nanoseconds(o.flush_every).count()),
      lag_(o.shards) {
  pool_ = std::make_unique<io::BufferPool>(kIoBufferBytes, kIoBuffers);
  io::WriterConfig wc;
  wc.kind = o.io == Io::uring   ? io::Kind::uring
            : o.io == Io::psync ? io::Kind::psync
                                : io::Kind::automatic;
  wc.max_in_flight = kMaxInFlight;
  wc.pool = pool_.get();
  Status s;
  std::string note;
  writer_ = make_engine_writer(wc, &s, &note);
  if (writer_ == nullptr) fail(s, "cannot set up file writing");
  // Say it once when io_uring is not used; partial buffer registration is not worth a line.
  if (!note.empty() && std::strcmp(writer_->name(), "pwritev") == 0) {
    std::fprintf(stderr, "%s\n", note.c_str());
  }
  if (o.compression == Compression::zstd) {
    compressor_ = std::make_unique<compress::ZstdCompressor>(o.compression_level);
    if (!o.zstd_dictionary.empty()) {
      s = compress::load_dictionary(o.zstd_dictionary, &dictionary_);
      if (s.ok()) s = compressor_->set_dictionary(dictionary_);
      if (!s.ok()) throw std::invalid_argument("lynx::Options::zstd_dictionary: " + s.message());
    }
  }
  // A file takes kMinFileRecordBytes of records before it rotates; a rotate_bytes that cannot hold
  // them after the header and dictionary would make every file overshoot it (or, before, rotate on
  // every record).
  const std::size_t start_bytes =
      file_start_bytes(program_invocation_short_name, dictionary_.empty() ? nullptr : &dictionary_);
  if (o.rotate_bytes != 0 && o.rotate_bytes < start_bytes + kMinFileRecordBytes) {
    throw std::invalid_argument(
        "lynx::Options::rotate_bytes (" + std::to_string(o.rotate_bytes) + ") must be at least " +
        std::to_string(start_bytes + kMinFileRecordBytes) + ": every file starts with its header" +
        (dictionary_.empty()
             ? std::string()
             : " and the " + std::to_string(dictionary_.size()) + "-byte zstd dictionary") +
        " (" + std::to_string(start_bytes) + " bytes) and takes at least " +
        std::to_string(kMinFileRecordBytes) + " bytes of records");
  }
  on_done_ = [this](io::Buffer* b, const Status& st) { on_write_done(b, st); };

  s = io::create_directories(o.directory);
  if (!s.ok()) fail(s, "cannot create the log directory");
  for (std::uint32_t i = 0; i < o.shards; ++i) {
    ShardConfig c;
    c.directory = o.directory;
    c.name = o.name;
    c.shard = i;
    c.first_sequence = next_sequence(o.directory, o.name, i);
    c.rotate_bytes = o.rotate_bytes;
    c.file_mode = o.file_mode;
    c.program = program_invocation_short_name;
    c.rotate_every_ns = std::chrono::nanoseconds(o.rotate_every).count();
    c.retention.keep_files = o.keep_files;
    c.retention.keep_bytes = o.keep_bytes;
    c.retention.keep_for_ns = std::chrono::nanoseconds(o.keep_for).count();
    c.retention.ship_guard = o.ship_guard;
    c.sync = o.sync;
    if (!dictionary_.empty()) {
      c.dictionary = &dictionary_;
      c.dictionary_id = compress::dictionary_id(dictionary_);
    }
    auto w = std::make_unique<ShardWriter>(std::move(c), *writer_, *pool_, compressor_.get(), clock,
                                           stats_, on_done_);
    s = w->open();
    if (!s.ok()) fail(s, "cannot open a log file");
    shards_.push_back(std::move(w));
  }
}

FileSink::~FileSink() = default;

bool FileSink::write(const SinkRecord& record) {
  lag_[record.shard].push(record.ts_ns);
  shards_[record.shard]->add_record(record);
  return !starved();
}

void FileSink::tick(std::int64_t steady_now_ns, std::int64_t file_now_ns) {
  for (auto& shard : shards_) {
    shard->tick(file_now_ns);
    shard->flush_if_older(steady_now_ns, flush_every_ns_);
  }
  writer_->reap(false, on_done_);
  retry_failed_writes(false);
  // Stopping: past the deadline, failed writes are lost rather than holding the final drain.
  if (closing_ && failed_writes_ != 0 && retry_.stop_deadline_passed()) give_up_failed_writes();
}

void FileSink::flush() {
  for (auto& shard : shards_) shard->flush();
  writer_->drain(on_done_);
}

// The completion of every write, routed by buffer->owner: the shard that submitted it.
void FileSink::on_write_done(io::Buffer* buffer, const Status& status) {
  if (status.ok()) {
    stats_.add(stats_.bytes_written, buffer->size);
    stats_.add(stats_.records_written, buffer->records);
    account_lag(buffer, true);
    pool_->release(buffer);
    return;
  }
  stats_.add(stats_.write_errors, 1);
  if (!reported_write_error_) {
    reported_write_error_ = true;
    std::fprintf(stderr,
                 "lynx: write failed: %s; %s (further errors are counted in Stats::write_errors)\n",
                 status.message().c_str(),
                 giving_up_ ? "stopping, its records are lost"
                            : "keeping the records in memory and retrying");
  }
  auto* shard = static_cast<ShardWriter*>(buffer->owner);
  if (!giving_up_ && shard != nullptr) {
    shard->hold_failed(buffer);
    // The first failure after a success starts the back-off; a retry that fails again keeps it
    // growing (retry_failed_writes()).
    ++failed_writes_;
    retry_.failed();
    return;
  }
  stats_.add(stats_.records_dropped, buffer->records);
  lost_records_ += buffer->records;
  account_lag(buffer, false);
  pool_->release(buffer);
}

void FileSink::account_lag(io::Buffer* buffer, bool completed) {
  const auto* shard = static_cast<const ShardWriter*>(buffer->owner);
  if (shard == nullptr || buffer->records == 0) return;
  if (!completed) {
    lag_[shard->shard()].pop(buffer->records, [](std::int64_t) {});
    return;
  }
  std::array<std::uint64_t, LagHistogram::kBuckets> buckets{};
  std::uint64_t n = 0, sum = 0;
  count_lags(lag_[shard->shard()], buffer->records, clock_.to_ns(now_ticks()), &buckets, &n, &sum);
  if (n != 0) stats_.observe_lag(buckets, n, sum);
}

void FileSink::retry_failed_writes(bool now) {
  if (failed_writes_ == 0) return;
  if (!retry_.due(now)) return;
  for (auto& shard : shards_) shard->retry();
  failed_writes_ = 0;  // the ones failing again are counted back by on_write_done
  writer_->drain(on_done_);
  for (auto& shard : shards_) shard->close_retired();
  retry_.retried(failed_writes_ == 0);
  if (failed_writes_ == 0) {
    if (reported_write_error_) {
      std::fprintf(stderr, "lynx: writes succeed again; the records held in memory are written\n");
      reported_write_error_ = false;
    }
    return;
  }
}

void FileSink::give_up_failed_writes() {
  giving_up_ = true;
  for (auto& shard : shards_) {
    const std::uint64_t lost = shard->abandon();
    stats_.add(stats_.records_dropped, lost);
    lost_records_ += lost;
  }
  failed_writes_ = 0;
}

void FileSink::begin_close() {
  closing_ = true;
  retry_.begin_stop();
}

void FileSink::close() {
  if (!closing_) begin_close();
  for (auto& shard : shards_) shard->close();
  writer_->drain(on_done_);
  // The last chance for failed writes, within the same deadline as the final drain.
  while (failed_writes_ != 0 && !retry_.stop_deadline_passed()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    retry_failed_writes(false);
  }
  if (failed_writes_ != 0) give_up_failed_writes();
  if (lost_records_ != 0) {
    std::fprintf(stderr, "lynx: %llu records could not be written and are lost\n",
                 static_cast<unsigned long long>(lost_records_));
  }
}

}  // namespace lynx::detail
