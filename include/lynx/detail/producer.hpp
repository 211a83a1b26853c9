// The producer side of a log call. HOT PATH: this is what LYNX_INFO(...) compiles to once the level
// check passed. It takes a timestamp, sizes the record, reserves space in the calling thread's
// ring, copies the raw argument bytes and commits. No formatting, allocation, lock or syscall: keep
// it so (tests/hot_path/hot_path_test.cpp proves it). The cold paths it may call live in engine/.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "lynx/detail/arg_types.hpp"
#include "lynx/detail/call_site.hpp"
#include "lynx/detail/clock.hpp"
#include "lynx/detail/ring.hpp"
#include "lynx/logger.hpp"

namespace lynx::detail {

// The calling thread's ring; nullptr until its first log call. Constant-initialised, so reading it
// needs no TLS guard.
inline constinit thread_local Ring* tls_ring = nullptr;

// Cold: registers the calling thread with the running engine (starting the default engine if no
// engine ever ran) and stores its ring in tls_ring. nullptr when no engine runs: the caller drops
// the record, which is counted.
Ring* acquire_ring() noexcept;

// Cold: the record did not fit. Moves the thread to a bigger ring when its ring may still grow
// (tls_ring changes: commit to tls_ring afterwards), then applies the ring's OnFull policy: waits
// for space (block) or counts a drop (drop, or a record larger than the largest ring allows).
// Returns space, or nullptr for a drop.
std::byte* reserve_slow(Ring* ring, std::size_t size) noexcept;

template <class... Args>
inline void log(const Logger& logger, const CallSite& site, const Args&... args) noexcept {
  const std::uint64_t ticks = now_ticks();
  const std::size_t lens[sizeof...(Args) + 1] = {measure_arg(args)...};
  std::size_t size = sizeof(RecordHeader);
  {
    std::size_t i = 0;
    ((size += ring_size<Args>(lens[i++])), ...);
  }
  size = align_record(size);

  Ring* ring = tls_ring;
  if (ring == nullptr || ring->closed()) [[unlikely]] {
    ring = acquire_ring();
    if (ring == nullptr) return;
  }
  std::byte* p = size <= ring->max_record() ? ring->reserve(size) : nullptr;
  if (p == nullptr) [[unlikely]] {
    p = reserve_slow(ring, size);
    if (p == nullptr) return;
    ring = tls_ring;  // the thread may have moved to a bigger ring
  }
  const RecordHeader header{static_cast<std::uint32_t>(size), logger.id(), &site, ticks};
  std::memcpy(p, &header, sizeof header);
  std::byte* q = p + sizeof header;
  {
    std::size_t i = 0;
    ((q = encode_arg(q, args, lens[i++])), ...);
  }
  (void)q;
  (void)lens;
  ring->commit(size);
}

}  // namespace lynx::detail
