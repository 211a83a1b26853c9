// State shared between the API side of an engine (Engine, producer registration) and its backend
// thread. Each field says who writes it.
#pragma once

#include <concurrentqueue/concurrentqueue.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>

#include "engine/ring_pool.hpp"
#include "engine/shard_load.hpp"
#include "lynx/options.hpp"
#include "lynx/stats.hpp"

namespace lynx::detail {

// Relaxed counters: reported by Engine::stats(), never synchronised on. Every counter is written
// by the backend thread only (add(): a plain load + store, no RMW), except threads_registered,
// which producers increment at registration with fetch_add (they may register concurrently), and
// the syslog_* counters, which the syslog sinks' sending threads also write (fetch_add).
struct StatCounters {
  std::atomic<std::uint64_t> records_written{0};
  std::atomic<std::uint64_t> records_dropped{0};
  std::atomic<std::uint64_t> bytes_raw{0};
  std::atomic<std::uint64_t> bytes_written{0};
  std::atomic<std::uint64_t> blocks_written{0};
  std::atomic<std::uint64_t> files_opened{0};
  std::atomic<std::uint64_t> write_errors{0};
  std::atomic<std::uint64_t> threads_registered{0};
  std::atomic<std::uint64_t> records_suppressed[6] = {};  // by Level
  std::atomic<std::uint64_t> records_by_level[6] = {};
  std::atomic<std::uint64_t> records_dropped_by_level[6] = {};
  std::atomic<std::uint64_t> bytes_encoded{0};
  std::atomic<std::uint64_t> rotations{0};
  std::atomic<std::uint64_t> files_deleted{0};
  std::atomic<std::uint64_t> ring_high_water_bytes{0};
  // Backend lag (Stats::backend_lag): the backend observes, anyone reads; counts and sum are read
  // without a common snapshot (a scrape may see a count without its sum yet: harmless).
  std::atomic<std::uint64_t> lag_buckets[LagHistogram::kBuckets] = {};
  std::atomic<std::uint64_t> lag_count{0};
  std::atomic<std::uint64_t> lag_sum_ns{0};
  std::atomic<std::uint64_t> syslog_sent{0};
  std::atomic<std::uint64_t> syslog_dropped{0};
  std::atomic<std::uint64_t> syslog_connects{0};

  void add(std::atomic<std::uint64_t>& c, std::uint64_t n) {
    c.store(c.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }
  void raise(std::atomic<std::uint64_t>& c, std::uint64_t v) {
    if (v > c.load(std::memory_order_relaxed)) c.store(v, std::memory_order_relaxed);
  }
  // Backend only, lock-free: `n` durations of sum `sum_ns`, counted per bucket in `buckets`.
  void observe_lag(const std::array<std::uint64_t, LagHistogram::kBuckets>& buckets,
                   std::uint64_t n, std::uint64_t sum_ns) {
    for (std::size_t i = 0; i < LagHistogram::kBuckets; ++i) {
      if (buckets[i] != 0) add(lag_buckets[i], buckets[i]);
    }
    add(lag_count, n);
    add(lag_sum_ns, sum_ns);
  }
  Stats snapshot() const;
};

struct EngineShared {
  explicit EngineShared(const Options& o)
      : options(o),
        pool(o.initial_buffer_bytes, o.buffer_bytes),
        shard_load(std::make_shared<ShardLoad>(o.shards)),
        sink_levels(std::make_unique<std::atomic<std::uint8_t>[]>(o.sinks.size())) {
    for (std::size_t i = 0; i < o.sinks.size(); ++i)
      sink_levels[i].store(static_cast<std::uint8_t>(o.sinks[i].level()));
  }

  const Options options;  // normalised by the engine before construction
  RingPool pool;
  // Live threads per shard (producers: registration and exit). Shared with each thread's
  // ShardLease, which may outlive the engine.
  const std::shared_ptr<ShardLoad> shard_load;
  // Minimum level of each of options.sinks: the configuration watcher -> the backend (relaxed).
  const std::unique_ptr<std::atomic<std::uint8_t>[]> sink_levels;

  // Producers (registration) -> backend: rings of newly registered threads.
  moodycamel::ConcurrentQueue<Ring*> new_rings;
  std::atomic<std::uint32_t> next_thread_index{0};  // producers (registration)

  // API side -> backend.
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> flush_requested{0};
  // Backend -> API side: the highest flush request fully written.
  std::atomic<std::uint64_t> flush_done{0};

  // Fatal signals (engine/crash_handler.hpp): tickets taken by signal handlers, served by the
  // backend (or, when the backend itself crashed while idle, by the crash watcher).
  std::atomic<std::uint64_t> crash_requested{0};
  std::atomic<std::uint64_t> crash_done{0};
  std::atomic<std::int32_t> backend_tid{0};  // backend, at start
  std::atomic<bool> backend_idle{false};     // backend: in idle_wait, its state whole

  // Wakes an idle backend early (flush, stop, a producer blocked on a full ring).
  std::mutex wake_mutex;
  std::condition_variable wake_cv;
  bool wake_pending = false;  // guarded by wake_mutex

  void wake() {
    {
      std::lock_guard lock(wake_mutex);
      wake_pending = true;
    }
    wake_cv.notify_one();
  }

  StatCounters stats;
};

}  // namespace lynx::detail
