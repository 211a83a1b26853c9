// In-band control events: records in a thread's ring that are not log records but tell the backend
// something about the records that follow on that thread (its context changed, the next record
// had suppressed records before it, a backtrace is to be flushed). They carry a RecordHeader like
// any record, with one of the CallSite objects below as their site, so the backend tells them
// apart on the path it already takes for a call site it has not cached (engine/backend.cpp), and
// the per-record path costs nothing more. They never reach a sink or a file as records.
//
// Layouts (after the 24-byte RecordHeader; `logger_id` holds the event's parameter), each
// payload preceded by its size as a u32 (the record's size is rounded up to 8):
//   context_push      param = frame depth (1 = outermost); payload = the frame's fields:
//                     per field u8 arg_type, u8 name size, name bytes, value in ring layout
//   context_pop       param = frame depth; no payload: frames of that depth and deeper go
//   suppressed        param unused; payload u64 N: the thread's next record had N suppressed
//                     records before it (a sampled site or a rate limit)
//   backtrace_flush   param = logger id: write every thread's records kept for that logger
//
// Log records of a logger that keeps a backtrace carry one of the two high bits in their logger
// id (set by LogCall::log_special): kKeepForBacktrace (below the logger's level: keep it, do not
// write it) or kFlushBacktrace (at or above the flush level: write the kept ones first).
#pragma once

#include <cstddef>
#include <cstdint>

#include "lynx/detail/call_site.hpp"
#include "lynx/level.hpp"

namespace lynx::detail {

enum class Control : std::uint8_t { context_push, context_pop, suppressed, backtrace_flush };
inline constexpr std::size_t kControlKinds = 4;

// One CallSite per control kind; only their addresses matter.
inline constexpr CallSite kControlSites[kControlKinds] = {
    {"<context push>", "lynx", "control", 0, Level::trace, 0, nullptr, {}},
    {"<context pop>", "lynx", "control", 0, Level::trace, 0, nullptr, {}},
    {"<suppressed>", "lynx", "control", 0, Level::trace, 0, nullptr, {}},
    {"<backtrace flush>", "lynx", "control", 0, Level::trace, 0, nullptr, {}},
};

inline constexpr std::uint32_t kKeepForBacktrace = 1u << 31;
inline constexpr std::uint32_t kFlushBacktrace = 1u << 30;
inline constexpr std::uint32_t kLoggerIdMask = kFlushBacktrace - 1;

// Writes a control event to the calling thread's ring (registering the thread if needed). Cold,
// but allocation-, lock- and syscall-free once the thread has its ring (it may wait for space
// under OnFull::block like a log call). False when the event could not be written (no engine, a
// full ring under OnFull::drop): context events then make the thread resynchronise its context.
bool write_control(Control kind, std::uint32_t param, const void* payload,
                   std::size_t size) noexcept;

// The tick rate of now_ticks(), set by the backend from its clock calibration (1 ns per tick until
// an engine calibrated it), and a tick count in ns at that rate. For intervals (rate limits,
// LYNX_*_EVERY), not for timestamps.
void set_ns_per_tick(double ns_per_tick) noexcept;
std::uint64_t ticks_to_ns(std::uint64_t ticks) noexcept;

// Cold: a suppressed record of `level` on a thread without a (live) ring: registers the thread
// (as its first log call would) so that the count reaches the engine's Stats.
void count_suppressed_slow(Level level) noexcept;

// The next record of the calling thread had `n` suppressed records before it.
inline void note_suppressed(std::uint64_t n) noexcept {
  write_control(Control::suppressed, 0, &n, sizeof n);
}

}  // namespace lynx::detail
