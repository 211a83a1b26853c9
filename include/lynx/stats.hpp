/// \file
/// Counters reported by Engine::stats(). Monotonic over the engine's life.
#pragma once

#include "lynx/cxx20.hpp"

#include <array>
#include <cstdint>

namespace lynx {

/// What an Engine has done so far (Engine::stats()); every counter only grows.
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
