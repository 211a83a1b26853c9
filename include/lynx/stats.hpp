// Counters reported by Engine::stats(). Monotonic over the engine's life.
#pragma once

#include <cstdint>

namespace lynx {

struct Stats {
  std::uint64_t records_written = 0;  // records encoded into files (including engine notices)
  std::uint64_t records_dropped = 0;  // full ring with OnFull::drop, too large, or engine stopped
  std::uint64_t bytes_raw = 0;        // encoded record bytes before compression
  std::uint64_t bytes_written = 0;    // bytes that reached files (headers, metadata, blocks)
  std::uint64_t blocks_written = 0;
  std::uint64_t files_opened = 0;
  std::uint64_t write_errors = 0;     // failed writes (e.g. ENOSPC); reported once on stderr
  std::uint64_t threads_registered = 0;
};

}  // namespace lynx
