// The producer side of a log call. HOT PATH: this is what LYNX_INFO(...) runs once the level check
// passed. It takes a timestamp, sizes the record, reserves space in the calling thread's ring,
// copies the raw argument bytes and commits. No formatting, allocation, lock or syscall: keep it so
// (tests/hot_path/hot_path_test.cpp proves it). The cold paths it may call live in engine/.
//
// Code size: a call site holds only the level check and one call into LogCall<ArgList<Ts...>>::log,
// which is out of line and shared by every statement of the program (one copy per binary) that
// logs the same decayed argument types. Scalars travel by value in registers, strings by reference.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>

#include "lynx/detail/arg_types.hpp"
#include "lynx/detail/call_site.hpp"
#include "lynx/detail/clock.hpp"
#include "lynx/detail/control.hpp"
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

// Cold: acquire_ring(), then the thread's live context (lynx::Context) is stated again on the new
// ring, whose backend has not seen it (engine/context.cpp).
Ring* acquire_ring_with_context() noexcept;

// Set when a context event could not be written (a full ring under OnFull::drop): the thread's
// next log call (forced onto its cold path, Ring::force_slow_path) states its context again first.
inline constinit thread_local bool tls_context_stale = false;
// Cold: states the thread's whole context again on `ring`; clears tls_context_stale on success.
void resync_context(Ring* ring) noexcept;

// Cold: the record did not fit. Moves the thread to a bigger ring when its ring may still grow
// (tls_ring changes: commit to tls_ring afterwards), then applies the ring's OnFull policy: waits
// for space (block) or counts a drop (drop, or a record larger than the largest ring allows).
// Returns space, or nullptr for a drop.
// `site` and `logger_id` name the record in a drop notice; a null `site` is a control event
// (lynx/detail/control.hpp), not a record: its loss is not counted (the sender restates it).
std::byte* reserve_slow(Ring* ring, std::size_t size, const CallSite* site,
                        std::uint32_t logger_id) noexcept;

// A record of `level` that a sampled statement or a rate limit suppressed, for Stats.
inline void count_suppressed(Level level) noexcept {
  Ring* const ring = tls_ring;
  if (ring != nullptr && !ring->closed()) [[likely]] {
    ring->count_suppressed(static_cast<unsigned>(level));
  } else {
    count_suppressed_slow(level);
  }
}

// How an argument of (decayed) type T reaches LogCall::log: small trivially copyable values
// (numbers, pointers, enums, std::string_view) by value, in registers; the rest (std::string, long
// double, which the ABI passes in memory) by const reference.
template <class T>
inline constexpr bool kPassByValue = std::is_trivially_copyable_v<T> && sizeof(T) <= 16 &&
                                     !std::is_same_v<T, long double>;
template <class T>
using pass_t = std::conditional_t<kPassByValue<T>, T, const T&>;

// Records whose arguments are all fixed-size have a size known at compile time. It never exceeds
// Ring::max_record() of the smallest ring an engine creates (kMinRingBytes / 2), so the producer
// skips that check for them.
template <class... Ts>
inline constexpr bool kFixedRecord =
    ((ArgCodec<Ts>::type != ArgType::string && ArgCodec<Ts>::type != ArgType::structured) && ...);

template <class List>
struct LogCall;

template <class... Ts>
struct LogCall<ArgList<Ts...>> {
  // One log call of a statement whose arguments decay to Ts... (see pass_t). Out of line on
  // purpose: a call costs a few cycles, inlining the body into every statement cost ~300 bytes
  // each. The common case (a ring, not closed, with room) runs here without a stack frame; every
  // other case is a tail call into log_slow(), so this function saves no registers.
  //
  // A logger with a rate limit or a backtrace (Logger::special()) costs this path one load and a
  // branch more; what those features need happens in log_special().
  [[gnu::noinline]] static void log(const Logger& logger, const CallSite& site,
                                    pass_t<Ts>... args) noexcept {
    const std::uint64_t ticks = now_ticks();
    if (logger.special() != 0) [[unlikely]] {
      return log_special(logger, site, ticks, args...);
    }
    const std::size_t lens[sizeof...(Ts) + 1] = {ArgCodec<Ts>::measure(args)...};
    const std::size_t size = record_bytes(lens);
    Ring* const ring = tls_ring;
    if (ring != nullptr && !ring->closed() && (kFixedRecord<Ts...> || size <= ring->max_record()))
        [[likely]] {
      if (ring->try_write(size, [&](std::byte* p) {
            write_record(p, size, logger.id(), site, ticks, lens, args...);
          })) [[likely]] {
        return;
      }
    }
    log_slow(logger.id(), site, ticks, args...);
  }

  // Cold: the thread has no ring yet (or a closed one), or the record does not fit right now, or
  // its context must be stated again first. `logger_id` may carry the backtrace bits
  // (lynx/detail/control.hpp).
  [[gnu::noinline, gnu::cold]] static void log_slow(std::uint32_t logger_id, const CallSite& site,
                                                    std::uint64_t ticks,
                                                    pass_t<Ts>... args) noexcept {
    const std::size_t lens[sizeof...(Ts) + 1] = {ArgCodec<Ts>::measure(args)...};
    const std::size_t size = record_bytes(lens);
    Ring* ring = tls_ring;
    if (ring == nullptr || ring->closed()) {
      ring = acquire_ring_with_context();
      if (ring == nullptr) return;
    } else if (tls_context_stale) [[unlikely]] {
      resync_context(ring);
      ring = tls_ring;
    }
    std::byte* p = size <= ring->max_record() ? ring->reserve(size) : nullptr;
    if (p == nullptr) {
      p = reserve_slow(ring, size, &site, logger_id & kLoggerIdMask);
      if (p == nullptr) return;
      ring = tls_ring;  // the thread may have moved to a bigger ring
    }
    write_record(p, size, logger_id, site, ticks, lens, args...);
    ring->commit(size);
    if (tls_context_stale) [[unlikely]]
      ring->force_slow_path();  // try again next call
  }

  // Cold: the logger has a rate limit or keeps a backtrace. A record below the logger's level is
  // kept for the backtrace (or, without one, dropped as the level says); one at the flush level
  // or above asks for the kept ones first; a rate-limited record takes a token or is suppressed
  // (counted), and the first record after suppressed ones says how many there were.
  [[gnu::noinline, gnu::cold]] static void log_special(const Logger& logger, const CallSite& site,
                                                       std::uint64_t ticks,
                                                       pass_t<Ts>... args) noexcept {
    const std::uint8_t special = logger.special();
    std::uint32_t id = logger.id();
    if (!logger.enabled(site.level)) {
      if ((special & Logger::kBacktrace) == 0 || logger.backtrace_capacity() == 0) return;
      return log_slow(id | kKeepForBacktrace, site, ticks, args...);
    }
    if ((special & Logger::kRateLimited) != 0) {
      if (!logger.admit(ticks)) {
        logger.note_suppressed();
        count_suppressed(site.level);
        return;
      }
      if (const std::uint64_t n = logger.take_suppressed()) note_suppressed(n);
    }
    if ((special & Logger::kBacktrace) != 0 && site.level >= logger.backtrace_flush_level())
      id |= kFlushBacktrace;
    log_slow(id, site, ticks, args...);
  }

 private:
  // The record's size in the ring: header, arguments (lens[i]: what measure() said), aligned.
  static std::size_t record_bytes(const std::size_t (&lens)[sizeof...(Ts) + 1]) noexcept {
    std::size_t size = sizeof(RecordHeader);
    std::size_t i = 0;
    ((size += ArgCodec<Ts>::ring_size(lens[i++])), ...);
    (void)i;
    (void)lens;
    if constexpr (kFixedRecord<Ts...>) {
      static_assert(align_record(sizeof(RecordHeader) + (ArgCodec<Ts>::ring_size(0) + ... + 0)) <=
                        kMinRingBytes / 2,
                    "lynx: a fixed-size record must fit the smallest ring");
    }
    return align_record(size);
  }

  [[gnu::always_inline]] static void write_record(std::byte* p, std::size_t size,
                                                  std::uint32_t logger_id, const CallSite& site,
                                                  std::uint64_t ticks,
                                                  const std::size_t (&lens)[sizeof...(Ts) + 1],
                                                  pass_t<Ts>... args) noexcept {
    write_record_header(p, static_cast<std::uint32_t>(size), logger_id, &site, ticks);
    std::byte* q = p + sizeof(RecordHeader);
    std::size_t i = 0;
    ((q = ArgCodec<Ts>::encode(q, args, lens[i++])), ...);
    (void)q;
    (void)i;
    (void)lens;
  }
};

// One log call with arguments of any supported types (what LYNX_* statements compile to).
template <class... Args>
inline void log(const Logger& logger, const CallSite& site, const Args&... args) noexcept {
  LogCall<ArgList<arg_t<Args>...>>::log(logger, site, args...);
}

}  // namespace lynx::detail
