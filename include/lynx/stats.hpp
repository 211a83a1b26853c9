/// \file
/// Counters reported by Engine::stats(). Monotonic over the engine's life.
#pragma once

#include "lynx/cxx20.hpp"

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>

namespace lynx {

/// A histogram of durations with fixed log-scale buckets (Stats::backend_lag): bucket `i` counts
/// the durations above upper_bound_ns(i - 1) and at most upper_bound_ns(i) (1 us, 2 us, 4 us, ...
/// 67 s); the last bucket counts everything longer. Counts per bucket, not cumulative.
struct LagHistogram {
  static constexpr std::size_t kBuckets = 28;  ///< 27 bounds, 1 us << i, and the overflow
  /// The upper bound of bucket `i` < kBuckets - 1, in ns (the last bucket has none).
  static constexpr std::uint64_t upper_bound_ns(std::size_t i) { return 1000ull << i; }
  /// The bucket of a duration.
  static constexpr std::size_t bucket_of(std::uint64_t ns) {
    if (ns <= 1000) return 0;
    const auto b = static_cast<std::size_t>(std::bit_width((ns - 1) / 1000));
    return b < kBuckets - 1 ? b : kBuckets - 1;
  }
  std::array<std::uint64_t, kBuckets> counts{};  ///< per bucket
  std::uint64_t count = 0;                       ///< durations observed
  std::uint64_t sum_ns = 0;                      ///< their sum
};

/// What an Engine has done so far (Engine::stats()); every counter only grows (but the
/// high-water mark, which is a maximum).
struct Stats {
  /// Records in writes that completed (including engine notices).
  std::uint64_t records_written = 0;
  /// Full ring with OnFull::drop, too large for the ring, logged after the engine stopped, or in
  /// writes still failing when the engine stopped (after a last second of retries).
  std::uint64_t records_dropped = 0;
  std::uint64_t bytes_raw = 0;       ///< encoded record bytes before compression
  std::uint64_t bytes_written = 0;   ///< bytes that reached files (headers, metadata, blocks)
  std::uint64_t blocks_written = 0;  ///< blocks (each decodes on its own) that reached files
  std::uint64_t files_opened = 0;  ///< log files created: each shard's first, and one per rotation
  /// Failed write attempts (ENOSPC, EIO, ...). A failed write is kept in memory and retried at the
  /// same place (after 50 ms, backing off to 2 s, and at every flush()); the first failure of a run
  /// of failures is reported on stderr, and so is the recovery.
  std::uint64_t write_errors = 0;
  std::uint64_t threads_registered = 0;  ///< threads that logged and so got a ring of their own
  /// Records not logged because a sampled statement (LYNX_INFO_EVERY_N() and friends) or a
  /// Logger::set_rate_limit() suppressed them, by level: `records_suppressed[int(Level::info)]`.
  /// Exact for the threads of this engine (counted as they happen, whether or not a later record
  /// of their site reported them with `"suppressed": N`).
  std::array<std::uint64_t, 6> records_suppressed{};
  /// Records the backend took from the rings and handed to the sinks, by level (engine notices
  /// such as drop notices not included): the rate operators watch per level.
  std::array<std::uint64_t, 6> records_by_level{};
  /// Of records_dropped, those whose level is known, by level: the ring drops of the first few
  /// (call site, logger) pairs of each thread (the ones drop notices name). The rest (other pairs,
  /// writes given up at stop) are only in records_dropped.
  std::array<std::uint64_t, 6> records_dropped_by_level{};
  /// Bytes of the blocks as stored, after compression (bytes_raw before it); bytes_written adds
  /// file headers and metadata.
  std::uint64_t bytes_encoded = 0;
  std::uint64_t rotations = 0;      ///< files closed by rotation (size or time), all sinks
  std::uint64_t files_deleted = 0;  ///< files deleted by retention (keep_files/bytes/for)
  /// The most bytes any thread's ring held when the backend looked (at each of its passes): how
  /// close the producers came to Options::buffer_bytes (and so to OnFull).
  std::uint64_t ring_high_water_bytes = 0;
  /// From a log call to the completion of the write that took its record to a binary shard (the
  /// TSC-calibrated clock of the record's timestamp, read again at completion). Measured on the
  /// backend thread only; empty with Options::binary = false.
  LagHistogram backend_lag{};
  /// \name Syslog sinks (lynx::syslog_sink), all of them together
  /// @{
  std::uint64_t syslog_sent = 0;  ///< messages handed to the socket
  /// Messages dropped: the sink's buffer was full (receiver away or slow), a datagram the socket
  /// refused as too large, or left unsent 1 s into stop. Reported in-band when messages flow again.
  std::uint64_t syslog_dropped = 0;
  std::uint64_t syslog_connects = 0;  ///< connections made (the first, then each reconnection)
  /// @}
};

}  // namespace lynx
