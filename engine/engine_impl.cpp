#include "engine/engine_impl.hpp"

#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "compress/zstd_codec.hpp"
#include "engine/logger_registry.hpp"

namespace lynx::detail {

Stats StatCounters::snapshot() const {
  Stats s;
  s.records_written = records_written.load(std::memory_order_relaxed);
  s.records_dropped = records_dropped.load(std::memory_order_relaxed);
  s.bytes_raw = bytes_raw.load(std::memory_order_relaxed);
  s.bytes_written = bytes_written.load(std::memory_order_relaxed);
  s.blocks_written = blocks_written.load(std::memory_order_relaxed);
  s.files_opened = files_opened.load(std::memory_order_relaxed);
  s.write_errors = write_errors.load(std::memory_order_relaxed);
  s.threads_registered = threads_registered.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < s.records_suppressed.size(); ++i)
    s.records_suppressed[i] = records_suppressed[i].load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < s.records_by_level.size(); ++i) {
    s.records_by_level[i] = records_by_level[i].load(std::memory_order_relaxed);
    s.records_dropped_by_level[i] = records_dropped_by_level[i].load(std::memory_order_relaxed);
  }
  s.bytes_encoded = bytes_encoded.load(std::memory_order_relaxed);
  s.rotations = rotations.load(std::memory_order_relaxed);
  s.files_deleted = files_deleted.load(std::memory_order_relaxed);
  s.ring_high_water_bytes = ring_high_water_bytes.load(std::memory_order_relaxed);
  for (std::size_t i = 0; i < LagHistogram::kBuckets; ++i)
    s.backend_lag.counts[i] = lag_buckets[i].load(std::memory_order_relaxed);
  s.backend_lag.count = lag_count.load(std::memory_order_relaxed);
  s.backend_lag.sum_ns = lag_sum_ns.load(std::memory_order_relaxed);
  s.syslog_sent = syslog_sent.load(std::memory_order_relaxed);
  s.syslog_dropped = syslog_dropped.load(std::memory_order_relaxed);
  s.syslog_connects = syslog_connects.load(std::memory_order_relaxed);
  return s;
}

namespace {
std::string to_octal(unsigned v) {
  std::string out;
  do {
    out.insert(out.begin(), static_cast<char>('0' + (v & 7u)));
    v >>= 3;
  } while (v != 0);
  return out;
}
}  // namespace

Options normalise(Options o) {
  if (o.directory.empty())
    throw std::invalid_argument("lynx::Options::directory must not be empty");
  if (o.name.empty() || o.name.find('/') != std::string::npos) {
    throw std::invalid_argument("lynx::Options::name must be a non-empty file name without '/'");
  }
  if (o.shards == 0 || o.shards > 256) {
    throw std::invalid_argument("lynx::Options::shards must be between 1 and 256");
  }
  if (o.flush_every.count() <= 0) {
    throw std::invalid_argument("lynx::Options::flush_every must be positive");
  }
  if (o.rotate_every.count() < 0 || o.keep_for.count() < 0) {
    throw std::invalid_argument("lynx::Options::rotate_every and keep_for must not be negative");
  }
  // Only permission bits: setuid, setgid and sticky have no business on a log file.
  if ((o.file_mode & ~0777u) != 0) {
    throw std::invalid_argument(
        "lynx::Options::file_mode must be permission bits only (at most 0777), "
        "got 0" +
        to_octal(o.file_mode));
  }
  if (o.compression == Compression::zstd &&
      (o.compression_level < compress::ZstdCompressor::min_level() ||
       o.compression_level > compress::ZstdCompressor::max_level())) {
    throw std::invalid_argument("lynx::Options::compression_level must be between " +
                                std::to_string(compress::ZstdCompressor::min_level()) + " and " +
                                std::to_string(compress::ZstdCompressor::max_level()) +
                                " (0: zstd's default level), got " +
                                std::to_string(o.compression_level));
  }
  constexpr std::size_t kMinRing = 4096, kMaxRing = std::size_t{1} << 30;
  if (o.buffer_bytes > kMaxRing)
    throw std::invalid_argument("lynx::Options::buffer_bytes is larger than 1 GiB");
  if (o.initial_buffer_bytes > kMaxRing)
    throw std::invalid_argument("lynx::Options::initial_buffer_bytes is larger than 1 GiB");
  o.buffer_bytes = std::bit_ceil(o.buffer_bytes < kMinRing ? kMinRing : o.buffer_bytes);
  o.initial_buffer_bytes = std::min(
      o.buffer_bytes,
      std::bit_ceil(o.initial_buffer_bytes < kMinRing ? kMinRing : o.initial_buffer_bytes));
  if (o.max_string_bytes == 0) o.max_string_bytes = o.buffer_bytes / 4;
  o.max_string_bytes = std::min<std::size_t>(o.max_string_bytes, kMaxRing);
  return o;
}

Options with_config_file(const Options& options, Config* config) {
  const std::string path = config_path(options);
  if (path.empty()) return options;
  const Status s = parse_config_file(path, config);
  if (!s.ok()) throw std::invalid_argument("lynx: configuration " + s.message());
  return apply_config(options, *config);
}

EngineImpl::EngineImpl(const Options& options)
    : shared_(normalise(with_config_file(options, &config_))),
      backend_(shared_),
      thread_([this] {
        pthread_setname_np(pthread_self(), "lynx-backend");
        backend_.run();
      }),
      pid_(::getpid()) {
  detail::max_string_bytes.store(static_cast<std::uint32_t>(shared_.options.max_string_bytes),
                                 std::memory_order_relaxed);
  // LYNX_LEVEL applies at every engine start (before Options::level becomes the default).
  LoggerRegistry::instance().apply_environment(std::getenv("LYNX_LEVEL"));
  try {
    crash_ = std::make_unique<CrashHandler>(shared_, backend_);
    if (!config_.path.empty()) {
      LoggerRegistry::instance().set_config_levels(config_.default_level, config_.levels);
      LoggerRegistry::instance().set_config_rate_limits(rate_limit_rules(config_));
      watcher_ = std::make_unique<ConfigWatcher>(config_, shared_);
    }
    if (MetricsExporter::wanted(shared_.options))
      metrics_ = std::make_unique<MetricsExporter>(shared_.options,
                                                   [this] { return shared_.stats.snapshot(); });
  } catch (...) {
    stop();
    throw;
  }
}

EngineImpl::~EngineImpl() { stop(); }

void EngineImpl::stop() {
  if (stopped_) return;
  stopped_ = true;
  crash_.reset();  // a crash during the final drain is not waited for
  watcher_.reset();
  if (!config_.path.empty()) {
    LoggerRegistry::instance().set_config_levels(std::nullopt, {});
    LoggerRegistry::instance().set_config_rate_limits({});
  }
  shared_.stop.store(true, std::memory_order_release);
  shared_.wake();
  thread_.join();
  metrics_.reset();  // after the final drain: the file gets the final figures
}

void EngineImpl::flush() {
  // seq_cst RMW: everything this thread (and whatever happened-before it) committed is visible to
  // the backend once it loads the request with acquire.
  const std::uint64_t ticket = shared_.flush_requested.fetch_add(1) + 1;
  shared_.wake();
  for (std::uint64_t done = shared_.flush_done.load(std::memory_order_acquire); done < ticket;
       done = shared_.flush_done.load(std::memory_order_acquire)) {
    shared_.flush_done.wait(done, std::memory_order_acquire);
  }
}

Ring* EngineImpl::register_thread(ShardLease& lease) {
  Ring* ring = shared_.pool.acquire(shared_.pool.initial_bytes());
  ring->os_tid = static_cast<std::uint64_t>(::syscall(SYS_gettid));
  pthread_getname_np(pthread_self(), ring->thread_name, sizeof ring->thread_name);
  shared_.stats.threads_registered.fetch_add(1, std::memory_order_relaxed);
  ring->shard = lease.take(shared_.shard_load);
  ring->block_when_full = shared_.options.on_full == OnFull::block;
  ring->max_capacity = shared_.pool.max_bytes();
  ring->owner = this;
  shared_.new_rings.enqueue(ring);
  return ring;
}

void EngineImpl::adopt_early(Ring* ring) {
  shared_.stats.threads_registered.fetch_add(1, std::memory_order_relaxed);
  ring->shard = 0;
  shared_.new_rings.enqueue(ring);
}

bool EngineImpl::in_this_process() const { return pid_ == ::getpid(); }

Ring* EngineImpl::successor(Ring* ring, std::size_t size) {
  const std::size_t capacity = shared_.pool.next_capacity(*ring, size);
  if (capacity == 0) return nullptr;
  Ring* next = shared_.pool.acquire(capacity);
  next->os_tid = ring->os_tid;
  std::memcpy(next->thread_name, ring->thread_name, sizeof next->thread_name);
  next->shard = ring->shard;
  next->block_when_full = ring->block_when_full;
  next->max_capacity = ring->max_capacity;
  next->owner = this;
  // Pairs with the backend's acquire in Ring::next(): the fields above and every record the thread
  // committed to `ring` are visible once the backend sees the link.
  ring->set_next(next);
  return next;
}

}  // namespace lynx::detail
