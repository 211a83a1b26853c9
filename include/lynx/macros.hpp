/// \file
/// LYNX_INFO(logger, "template {name:spec}", args...) and friends.
///
/// - The template must be a string literal; it is checked at compile time against the arguments
///   (see detail/template_check.hpp) and a mistake is a compile error with a readable message.
/// - Arguments are evaluated only when the logger's level lets the record through.
/// - Define LYNX_ACTIVE_LEVEL (0 = trace ... 5 = critical) before including lynx to remove lower
///   levels from the program entirely.
/// - Sampled statements: LYNX_INFO_EVERY_N(log, n, ...) writes the 1st, (n+1)th, ... record of
///   the statement, LYNX_INFO_FIRST_N(log, n, ...) its first n, LYNX_INFO_EVERY(log, duration,
///   ...) at most one per `duration` (a std::chrono duration); likewise for every level. A
///   suppressed record's arguments are not evaluated; it is counted in Stats::records_suppressed,
///   and the statement's next written record carries `"suppressed": N` (never silent).
#pragma once

#include "lynx/cxx20.hpp"

#include <atomic>
#include <cstdint>

#include "lynx/detail/call_site.hpp"
#include "lynx/detail/producer.hpp"
#include "lynx/detail/template_check.hpp"
#include "lynx/level.hpp"
#include "lynx/logger.hpp"

#ifndef LYNX_ACTIVE_LEVEL
/// The lowest level compiled in: statements below it (0 = trace ... 5 = critical) are removed from
/// the program, arguments and all. Define it before including lynx; 0 (everything) by default.
#define LYNX_ACTIVE_LEVEL 0
#endif

namespace lynx::detail {
constexpr bool compiled_in(Level level, int active_level) noexcept {
  return static_cast<int>(level) >= active_level;
}

// The state of one sampled statement (LYNX_*_EVERY_N, _FIRST_N, _EVERY): a constant-initialised
// static, shared by every thread that runs the statement. Lock-free: one relaxed atomic RMW per
// call (EVERY_N, FIRST_N while it writes, EVERY when it writes), no allocation or system call.
struct SampleState {
  std::atomic<std::uint64_t> calls{0};    // EVERY_N, FIRST_N: calls so far
  std::atomic<std::uint64_t> next_ns{0};  // EVERY: when the next record may go (ticks_to_ns)
  std::atomic<std::uint64_t> pending{0};  // suppressed since the last written record

  bool every_n(std::uint64_t n) noexcept {
    return calls.fetch_add(1, std::memory_order_relaxed) % (n != 0 ? n : 1) == 0;
  }
  bool first_n(std::uint64_t n) noexcept {
    if (calls.load(std::memory_order_relaxed) >= n) return false;
    return calls.fetch_add(1, std::memory_order_relaxed) < n;
  }
  bool every(std::uint64_t interval_ns) noexcept {
    const std::uint64_t now = ticks_to_ns(now_ticks());
    std::uint64_t next = next_ns.load(std::memory_order_relaxed);
    return now >= next &&
           next_ns.compare_exchange_strong(next, now + interval_ns, std::memory_order_relaxed);
  }
  // A record not written: counted for the statement's next record and for Stats.
  void suppress(Level level) noexcept {
    pending.fetch_add(1, std::memory_order_relaxed);
    count_suppressed(level);
  }
  // Before a written record: how many were suppressed since the last one, if any.
  void report() noexcept {
    if (pending.load(std::memory_order_relaxed) == 0) [[likely]]
      return;
    if (const std::uint64_t n = pending.exchange(0, std::memory_order_relaxed)) note_suppressed(n);
  }
};

// A std::chrono duration in ns, without including <chrono> (see lynx/detail/clock.hpp).
template <class Duration>
constexpr std::uint64_t duration_ns(const Duration& d) noexcept {
  using Period = typename Duration::period;
  const long double ns = static_cast<long double>(d.count()) * 1e9L *
                         static_cast<long double>(Period::num) /
                         static_cast<long double>(Period::den);
  return ns <= 0 ? 0 : static_cast<std::uint64_t>(ns);
}
}  // namespace lynx::detail

/// Logs one record at `lynx_level` (a lynx::Level) to the lynx::Logger `lynx_logger_expr`, if
/// the level is compiled in (LYNX_ACTIVE_LEVEL) and the logger is enabled() for it. The template
/// must be a string literal; `{name}`, `{name:spec}` (fmt-style spec, applied when the CLI renders
/// the record) and `{}` name the arguments in order, `{{` and `}}` are braces. A template that does
/// not match the arguments is a compile error saying why. Arguments are evaluated only when the
/// record passes the level; strings are copied, so they may be freed right after the call. With
/// OnFull::block the call may wait for room in its thread's ring; otherwise it never waits,
/// allocates, locks or makes a system call.
#define LYNX_LOG(lynx_level, lynx_logger_expr, lynx_template, ...)              \
  do {                                                                          \
    if constexpr (::lynx::detail::compiled_in(lynx_level, LYNX_ACTIVE_LEVEL)) { \
      const ::lynx::Logger& lynx_logger_ = (lynx_logger_expr);                  \
      if (lynx_logger_.accepts(lynx_level)) {                                   \
        LYNX_DETAIL_WRITE_(lynx_level, lynx_template, __VA_ARGS__);             \
      }                                                                         \
    }                                                                           \
  } while (0)

/// Internal: the body of a statement whose checks passed (the compile-time template check, the
/// static call site and the call), shared by LYNX_LOG() and LYNX_LOG_SAMPLED(). Needs
/// `lynx_logger_` in scope; not for direct use.
#define LYNX_DETAIL_WRITE_(lynx_level, lynx_template, ...)                                \
  using lynx_args_ = decltype(::lynx::detail::arg_list(__VA_ARGS__));                     \
  static constexpr ::lynx::detail::TemplateCheck lynx_check_ =                            \
      ::lynx::detail::check_template(lynx_template, lynx_args_::size, lynx_args_::types); \
  static_assert(::lynx::detail::template_ok<lynx_check_>);                                \
  alignas(8) static constexpr ::lynx::detail::CallSite lynx_site_{                        \
      ::std::string_view(lynx_template, lynx_check_.length),                              \
      __FILE__,                                                                           \
      __builtin_FUNCTION(),                                                               \
      __LINE__,                                                                           \
      lynx_level,                                                                         \
      static_cast<std::uint8_t>(lynx_args_::size),                                        \
      lynx_args_::types.data(),                                                           \
      lynx_args_::type_desc()};                                                           \
  ::lynx::detail::LogCall<lynx_args_>::log(lynx_logger_, lynx_site_ __VA_OPT__(, ) __VA_ARGS__)

/// A sampled LYNX_LOG(): `lynx_decision` is a call on the statement's detail::SampleState
/// (every_n(n), first_n(n), every(ns)) that says whether this record is written. A suppressed
/// record's arguments are not evaluated; it is counted (Stats::records_suppressed) and the next
/// written record of the statement carries the count. Prefer the LYNX_<LEVEL>_EVERY_N(),
/// _FIRST_N() and _EVERY() forms.
#define LYNX_LOG_SAMPLED(lynx_level, lynx_logger_expr, lynx_decision, lynx_template, ...) \
  do {                                                                                    \
    if constexpr (::lynx::detail::compiled_in(lynx_level, LYNX_ACTIVE_LEVEL)) {           \
      const ::lynx::Logger& lynx_logger_ = (lynx_logger_expr);                            \
      if (lynx_logger_.accepts(lynx_level)) {                                             \
        static constinit ::lynx::detail::SampleState lynx_sample_;                        \
        if (lynx_sample_.lynx_decision) {                                                 \
          lynx_sample_.report();                                                          \
          LYNX_DETAIL_WRITE_(lynx_level, lynx_template, __VA_ARGS__);                     \
        } else {                                                                          \
          lynx_sample_.suppress(lynx_level);                                              \
        }                                                                                 \
      }                                                                                   \
    }                                                                                     \
  } while (0)

/// LYNX_LOG() at Level::trace: `LYNX_TRACE(logger, "template", args...)`.
#define LYNX_TRACE(logger, ...) LYNX_LOG(::lynx::Level::trace, logger, __VA_ARGS__)
/// LYNX_LOG() at Level::debug.
#define LYNX_DEBUG(logger, ...) LYNX_LOG(::lynx::Level::debug, logger, __VA_ARGS__)
/// LYNX_LOG() at Level::info: `LYNX_INFO(log, "order {id} placed", id)`.
#define LYNX_INFO(logger, ...) LYNX_LOG(::lynx::Level::info, logger, __VA_ARGS__)
/// LYNX_LOG() at Level::warn.
#define LYNX_WARN(logger, ...) LYNX_LOG(::lynx::Level::warn, logger, __VA_ARGS__)
/// LYNX_LOG() at Level::error.
#define LYNX_ERROR(logger, ...) LYNX_LOG(::lynx::Level::error, logger, __VA_ARGS__)
/// LYNX_LOG() at Level::critical.
#define LYNX_CRITICAL(logger, ...) LYNX_LOG(::lynx::Level::critical, logger, __VA_ARGS__)

/// Level::trace, the 1st, (n+1)th, (2n+1)th ... record of this statement (see LYNX_LOG_SAMPLED()).
#define LYNX_TRACE_EVERY_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::trace, logger, every_n(n), __VA_ARGS__)
/// Level::trace, only the first `n` records of this statement (see LYNX_LOG_SAMPLED()).
#define LYNX_TRACE_FIRST_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::trace, logger, first_n(n), __VA_ARGS__)
/// Level::trace, at most one record of this statement per `duration` (a std::chrono duration).
#define LYNX_TRACE_EVERY(logger, duration, ...)                                                \
  LYNX_LOG_SAMPLED(::lynx::Level::trace, logger, every(::lynx::detail::duration_ns(duration)), \
                   __VA_ARGS__)
/// Level::debug, the 1st, (n+1)th, (2n+1)th ... record of this statement (see LYNX_LOG_SAMPLED()).
#define LYNX_DEBUG_EVERY_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::debug, logger, every_n(n), __VA_ARGS__)
/// Level::debug, only the first `n` records of this statement (see LYNX_LOG_SAMPLED()).
#define LYNX_DEBUG_FIRST_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::debug, logger, first_n(n), __VA_ARGS__)
/// Level::debug, at most one record of this statement per `duration` (a std::chrono duration).
#define LYNX_DEBUG_EVERY(logger, duration, ...)                                                \
  LYNX_LOG_SAMPLED(::lynx::Level::debug, logger, every(::lynx::detail::duration_ns(duration)), \
                   __VA_ARGS__)
/// Level::info, the 1st, (n+1)th, (2n+1)th ... record of this statement (see LYNX_LOG_SAMPLED()).
#define LYNX_INFO_EVERY_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::info, logger, every_n(n), __VA_ARGS__)
/// Level::info, only the first `n` records of this statement (see LYNX_LOG_SAMPLED()).
#define LYNX_INFO_FIRST_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::info, logger, first_n(n), __VA_ARGS__)
/// Level::info, at most one record of this statement per `duration` (a std::chrono duration).
#define LYNX_INFO_EVERY(logger, duration, ...)                                                \
  LYNX_LOG_SAMPLED(::lynx::Level::info, logger, every(::lynx::detail::duration_ns(duration)), \
                   __VA_ARGS__)
/// Level::warn, the 1st, (n+1)th, (2n+1)th ... record of this statement (see LYNX_LOG_SAMPLED()).
#define LYNX_WARN_EVERY_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::warn, logger, every_n(n), __VA_ARGS__)
/// Level::warn, only the first `n` records of this statement (see LYNX_LOG_SAMPLED()).
#define LYNX_WARN_FIRST_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::warn, logger, first_n(n), __VA_ARGS__)
/// Level::warn, at most one record of this statement per `duration` (a std::chrono duration).
#define LYNX_WARN_EVERY(logger, duration, ...)                                                \
  LYNX_LOG_SAMPLED(::lynx::Level::warn, logger, every(::lynx::detail::duration_ns(duration)), \
                   __VA_ARGS__)
/// Level::error, the 1st, (n+1)th, (2n+1)th ... record of this statement (see LYNX_LOG_SAMPLED()).
#define LYNX_ERROR_EVERY_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::error, logger, every_n(n), __VA_ARGS__)
/// Level::error, only the first `n` records of this statement (see LYNX_LOG_SAMPLED()).
#define LYNX_ERROR_FIRST_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::error, logger, first_n(n), __VA_ARGS__)
/// Level::error, at most one record of this statement per `duration` (a std::chrono duration).
#define LYNX_ERROR_EVERY(logger, duration, ...)                                                \
  LYNX_LOG_SAMPLED(::lynx::Level::error, logger, every(::lynx::detail::duration_ns(duration)), \
                   __VA_ARGS__)
/// Level::critical, the 1st, (n+1)th, (2n+1)th ... record of this statement (see
/// LYNX_LOG_SAMPLED()).
#define LYNX_CRITICAL_EVERY_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::critical, logger, every_n(n), __VA_ARGS__)
/// Level::critical, only the first `n` records of this statement (see LYNX_LOG_SAMPLED()).
#define LYNX_CRITICAL_FIRST_N(logger, n, ...) \
  LYNX_LOG_SAMPLED(::lynx::Level::critical, logger, first_n(n), __VA_ARGS__)
/// Level::critical, at most one record of this statement per `duration` (a std::chrono duration).
#define LYNX_CRITICAL_EVERY(logger, duration, ...)                                                \
  LYNX_LOG_SAMPLED(::lynx::Level::critical, logger, every(::lynx::detail::duration_ns(duration)), \
                   __VA_ARGS__)
