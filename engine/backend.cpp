#include "engine/backend.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "compress/zstd_dictionary.hpp"
#include "engine/file_clock.hpp"
#include "engine/logger_registry.hpp"
#include "engine/writer_seam.hpp"
#include "lynx/detail/clock.hpp"

namespace lynx::detail {

namespace {

// Engine notices are ordinary records of logger "lynx", so they decode like everything else.
constexpr ArgType kCountType[] = {ArgType::u64};
constexpr CallSite kDropNotice{"{count} records dropped", "lynx", "backend", 0, Level::warn, 1,
                               kCountType};

constexpr std::size_t kIoBufferBytes = 1u << 20;
constexpr std::size_t kIoBuffers = 16;
constexpr unsigned kMaxInFlight = 8;
// Retrying failed writes: the first retry after 50 ms, then doubling up to 2 s. At stop, retries
// go on for up to 1 s before the writes still failing are given up (and counted as dropped).
constexpr std::int64_t kFirstRetryNs = 50'000'000;
constexpr std::int64_t kMaxRetryNs = 2'000'000'000;
constexpr std::int64_t kStopRetryNs = 1'000'000'000;

std::int64_t steady_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

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

Backend::Backend(EngineShared& shared) : shared_(shared) {
  const Options& o = shared_.options;
  clock_.start();
  if (!clock_.reliable()) {
    std::fprintf(stderr, "lynx: the TSC is not invariant on this CPU; timestamps may drift by up to "
                         "a few microseconds between recalibrations\n");
  }
  buffers_ = std::make_unique<io::BufferPool>(kIoBufferBytes, kIoBuffers);
  io::WriterConfig wc;
  wc.kind = o.io == Io::uring ? io::Kind::uring : o.io == Io::psync ? io::Kind::psync : io::Kind::automatic;
  wc.max_in_flight = kMaxInFlight;
  wc.pool = buffers_.get();
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
  on_done_ = [this](io::Buffer* b, const Status& st) { on_write_done(b, st); };

  // A file takes kMinFileRecordBytes of records before it rotates; a rotate_bytes that cannot hold
  // them after the header and dictionary would make every file overshoot it (or, before, rotate on
  // every record).
  const std::size_t start_bytes =
      file_start_bytes(program_invocation_short_name, dictionary_.empty() ? nullptr : &dictionary_);
  if (o.rotate_bytes != 0 && o.rotate_bytes < start_bytes + kMinFileRecordBytes) {
    throw std::invalid_argument(
        "lynx::Options::rotate_bytes (" + std::to_string(o.rotate_bytes) + ") must be at least " +
        std::to_string(start_bytes + kMinFileRecordBytes) + ": every file starts with its header" +
        (dictionary_.empty() ? std::string()
                             : " and the " + std::to_string(dictionary_.size()) + "-byte zstd dictionary") +
        " (" + std::to_string(start_bytes) + " bytes) and takes at least " +
        std::to_string(kMinFileRecordBytes) + " bytes of records");
  }
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
    c.sync = o.sync;
    if (!dictionary_.empty()) {
      c.dictionary = &dictionary_;
      c.dictionary_id = compress::dictionary_id(dictionary_);
    }
    auto w = std::make_unique<ShardWriter>(std::move(c), *writer_, *buffers_, compressor_.get(),
                                           clock_, shared_.stats, on_done_);
    s = w->open();
    if (!s.ok()) fail(s, "cannot open a log file");
    shards_.push_back(std::move(w));
  }
  backend_thread_.index = shared_.next_thread_index.fetch_add(1);
  backend_thread_.name = "lynx-backend";
}

Backend::~Backend() {
  // Rings still referenced by live threads stay alive until those threads let go.
  for (ActiveRing& r : rings_) unref_ring(r.ring);
  Ring* ring;
  while (shared_.new_rings.try_dequeue(ring)) {
    ring->close();
    unref_ring(ring);
  }
}

void Backend::on_write_done(io::Buffer* buffer, const Status& status) {
  if (status.ok()) {
    shared_.stats.add(shared_.stats.bytes_written, buffer->size);
    shared_.stats.add(shared_.stats.records_written, buffer->records);
    return_buffer(*buffers_, buffer);
    return;
  }
  shared_.stats.add(shared_.stats.write_errors, 1);
  if (!reported_write_error_) {
    reported_write_error_ = true;
    std::fprintf(stderr, "lynx: write failed: %s; %s (further errors are counted in Stats::write_errors)\n",
                 status.message().c_str(),
                 giving_up_ ? "stopping, its records are lost" : "keeping the records in memory and retrying");
  }
  if (!giving_up_) {
    for (auto& shard : shards_) {
      if (shard->keep_failed(buffer)) {
        // The first failure after a success starts the back-off; a retry that fails again
        // keeps it growing (retry_failed_writes()).
        if (failed_writes_++ == 0 && retry_delay_ == 0) {
          retry_delay_ = kFirstRetryNs;
          retry_at_ = steady_ns() + retry_delay_;
        }
        return;
      }
    }
  }
  shared_.stats.add(shared_.stats.records_dropped, buffer->records);
  lost_records_ += buffer->records;
  return_buffer(*buffers_, buffer);
}

// While writes fail, stop taking records out of the rings before the failed writes hold every
// buffer: records wait in the rings, and producers meet their Options::on_full policy there.
// The reserve covers one seal per shard plus the current buffers.
bool Backend::io_starved() const {
  return failed_writes_ != 0 && !giving_up_ && buffers_->free_count() < shards_.size() + 2;
}

void Backend::retry_failed_writes(bool now) {
  if (failed_writes_ == 0) return;
  if (!now && steady_ns() < retry_at_) return;
  for (auto& shard : shards_) shard->retry();
  failed_writes_ = 0;  // the ones failing again are counted back by on_write_done
  writer_->drain(on_done_);
  for (auto& shard : shards_) shard->close_retired();
  if (failed_writes_ == 0) {
    retry_delay_ = 0;
    if (reported_write_error_) {
      std::fprintf(stderr, "lynx: writes succeed again; the records held in memory are written\n");
      reported_write_error_ = false;
    }
    return;
  }
  retry_delay_ = std::min(retry_delay_ * 2, kMaxRetryNs);
  retry_at_ = steady_ns() + retry_delay_;
}

void Backend::give_up_failed_writes() {
  giving_up_ = true;
  for (auto& shard : shards_) {
    const std::uint64_t lost = shard->abandon();
    shared_.stats.add(shared_.stats.records_dropped, lost);
    lost_records_ += lost;
  }
  failed_writes_ = 0;
}

void Backend::adopt_new_rings() {
  Ring* ring;
  while (shared_.new_rings.try_dequeue(ring)) {
    ActiveRing r;
    r.ring = ring;
    r.thread.index = shared_.next_thread_index.fetch_add(1);
    r.thread.os_tid = ring->os_tid;
    r.thread.name.assign(ring->thread_name, strnlen(ring->thread_name, sizeof ring->thread_name));
    rings_.push_back(std::move(r));
  }
}

const SiteEntry& Backend::site_entry(const CallSite* site, std::uint32_t logger) {
  CacheSlot& slot = site_cache_[((reinterpret_cast<std::uintptr_t>(site) >> 3) ^ (logger * 131u)) %
                                site_cache_.size()];
  if (slot.site == site && slot.logger == logger) return *slot.entry;
  auto& entry = sites_[SiteKey{site, logger}];
  if (!entry) {
    entry = std::make_unique<SiteEntry>();
    entry->id = static_cast<std::uint32_t>(sites_.size() - 1);
    entry->site = site;
    entry->logger = LoggerRegistry::instance().name_of(logger);
  }
  slot = CacheSlot{site, logger, entry.get()};
  return *entry;
}

void Backend::process(ActiveRing& r, const std::byte* record) {
  RecordHeader h;
  std::memcpy(&h, record, sizeof h);
  const SiteEntry& site = site_entry(h.site, h.logger_id);
  shards_[r.ring->shard]->add_record(site, r.thread, clock_.to_ns(h.ticks), record + sizeof h,
                                     h.size - sizeof h);
  r.ring->advance(h.size);
  r.ring->publish_read();
}

std::size_t Backend::drain_once() {
  heap_.clear();
  const auto later = std::greater<>();
  for (std::uint32_t i = 0; i < rings_.size(); ++i) {
    ActiveRing& r = rings_[i];
    r.limit = r.ring->snapshot();
    if (const std::byte* p = r.ring->peek(r.limit)) {
      std::uint64_t ticks;
      std::memcpy(&ticks, p + offsetof(RecordHeader, ticks), sizeof ticks);
      heap_.emplace_back(ticks, i);
    }
  }
  std::make_heap(heap_.begin(), heap_.end(), later);
  std::size_t n = 0;
  while (!heap_.empty() && !io_starved()) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const std::uint32_t i = heap_.back().second;
    heap_.pop_back();
    ActiveRing& r = rings_[i];
    process(r, r.ring->peek(r.limit));
    ++n;
    if (const std::byte* p = r.ring->peek(r.limit)) {
      std::uint64_t ticks;
      std::memcpy(&ticks, p + offsetof(RecordHeader, ticks), sizeof ticks);
      heap_.emplace_back(ticks, i);
      std::push_heap(heap_.begin(), heap_.end(), later);
    }
  }
  return n;
}

void Backend::retire_finished_rings() {
  for (std::size_t i = 0; i < rings_.size();) {
    Ring* ring = rings_[i].ring;
    // refs() == 1: the thread let go (acquire pairs with its release in unref_ring), so after this
    // load every record it committed is visible to the snapshot below.
    if (ring->refs().load(std::memory_order_acquire) != 1 || ring->peek(ring->snapshot()) != nullptr) {
      ++i;
      continue;
    }
    report_drops();  // account for its drops before it goes
    shared_.pool.recycle(ring);
    rings_[i] = std::move(rings_.back());
    rings_.pop_back();
  }
}

void Backend::report_drops() {
  for (ActiveRing& r : rings_) {
    const std::uint64_t now = r.ring->dropped();
    if (now == r.dropped_seen) continue;
    const std::uint64_t delta = now - r.dropped_seen;
    r.dropped_seen = now;
    shared_.stats.add(shared_.stats.records_dropped, delta);
    const SiteEntry& site = site_entry(&kDropNotice, LoggerRegistry::instance().get("lynx").id());
    std::byte arg[8];
    std::memcpy(arg, &delta, sizeof delta);
    if (backend_thread_.os_tid == 0) backend_thread_.os_tid = static_cast<std::uint64_t>(::syscall(SYS_gettid));
    shards_[r.ring->shard]->add_record(site, backend_thread_, static_cast<std::int64_t>(wall_clock_ns()),
                                       arg, sizeof arg);
  }
}

void Backend::flush_due(std::int64_t now_ns) {
  const std::int64_t every = std::chrono::nanoseconds(shared_.options.flush_every).count();
  const std::int64_t file_now = file_clock_ns();
  for (auto& s : shards_) {
    s->tick(file_now);
    if (s->pending_since() != 0 && now_ns - s->pending_since() >= every) s->flush();
  }
}

void Backend::flush_all() {
  for (auto& s : shards_) s->flush();
  writer_->drain(on_done_);
}

void Backend::idle_wait(std::uint32_t& idle_rounds) {
  // Back off from 50 us to 10 ms while nothing arrives; flush/stop/blocked producers wake us.
  const auto wait = std::chrono::microseconds(std::min<std::uint64_t>(50ull << std::min(idle_rounds, 8u), 10'000));
  ++idle_rounds;
  std::unique_lock lock(shared_.wake_mutex);
  shared_.wake_cv.wait_for(lock, wait, [&] { return shared_.wake_pending; });
  shared_.wake_pending = false;
}

void Backend::finish() {
  // Producers see closed rings and stop writing to them (a record racing with close may still
  // land; it is drained below if it made it before the final pass).
  adopt_new_rings();
  for (ActiveRing& r : rings_) r.ring->close();
  // Failed writes get a last chance to succeed; then they, and whatever is still waiting in the
  // rings, are given up so that stopping never hangs on a full disk.
  const std::int64_t deadline = steady_ns() + kStopRetryNs;
  for (int quiet = 0; quiet < 2;) {
    adopt_new_rings();
    const std::size_t n = drain_once();
    if (failed_writes_ != 0) {
      quiet = 0;
      if (steady_ns() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        retry_failed_writes(false);
      } else {
        give_up_failed_writes();
      }
      continue;
    }
    quiet = n == 0 ? quiet + 1 : 0;
  }
  report_drops();
  for (auto& s : shards_) s->close();
  writer_->drain(on_done_);
  while (failed_writes_ != 0 && steady_ns() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    retry_failed_writes(false);
  }
  if (failed_writes_ != 0) give_up_failed_writes();
  if (lost_records_ != 0) {
    std::fprintf(stderr, "lynx: %llu records could not be written and are lost\n",
                 static_cast<unsigned long long>(lost_records_));
  }
}

void Backend::run() {
  backend_thread_.os_tid = static_cast<std::uint64_t>(::syscall(SYS_gettid));
  std::uint32_t idle_rounds = 0;
  std::uint64_t iterations = 0;
  for (;;) {
    const bool stopping = shared_.stop.load(std::memory_order_acquire);
    // Pairs with flush()'s fetch_add: records committed before the request are visible below.
    const std::uint64_t flush_request = shared_.flush_requested.load(std::memory_order_acquire);
    // A flush() is a good moment to find out whether the disk has room again. Before draining:
    // while writes fail, drain_once() leaves records in the rings, and once the retry succeeds
    // this pass must take every record the flush covers.
    if (flush_request > flushed_) retry_failed_writes(true);
    adopt_new_rings();
    const std::size_t n = drain_once();
    retire_finished_rings();
    report_drops();
    if ((++iterations & 63) == 0 || n == 0) clock_.maybe_refresh();
    flush_due(static_cast<std::int64_t>(wall_clock_ns()));
    writer_->reap(false, on_done_);
    retry_failed_writes(false);
    if (stopping) {
      finish();
      shared_.flush_done.store(flush_request, std::memory_order_release);
      shared_.flush_done.notify_all();
      return;
    }
    if (flush_request > flushed_) {
      flush_all();
      flushed_ = flush_request;
      shared_.flush_done.store(flush_request, std::memory_order_release);
      shared_.flush_done.notify_all();
    }
    if (n == 0) {
      idle_wait(idle_rounds);
    } else {
      idle_rounds = 0;
    }
  }
}

}  // namespace lynx::detail
