/// \file
/// Named loggers. A Logger is a name plus a level; records name their logger in the file.
/// lynx::logger("orders") returns the same object for the same name, valid until the process exits.
/// A logger may also keep a backtrace (enable_backtrace()) and limit its rate (set_rate_limit()).
#pragma once

#include "lynx/cxx20.hpp"

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "lynx/level.hpp"

namespace lynx {

namespace detail {
class LoggerRegistry;
template <class List>
struct LogCall;
}  // namespace detail

/// A named logger: what the LYNX_* macros take. Only lynx::logger() makes one; it lives until the
/// process exits, so a reference to it may be kept anywhere (a static, a member).
class Logger {
 public:
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  /// The name given to lynx::logger(), written with each record.
  std::string_view name() const noexcept { return name_; }
  /// The number that stands for the name in log files; unique in the process, stable for its life.
  std::uint32_t id() const noexcept { return id_; }

  /// The threshold: records below it are not written (unless kept for a backtrace).
  Level level() const noexcept {
    return static_cast<Level>(level_.load(std::memory_order_relaxed));
  }
  /// Changes the threshold at run time; any thread, at any time (relaxed: log calls on other
  /// threads see the change soon, not at once). The logger then keeps this level when an engine
  /// starts with another Options::level; a later lynx::set_level() covering it replaces it.
  void set_level(Level level) noexcept {
    explicit_.store(true, std::memory_order_relaxed);
    level_.store(static_cast<std::uint8_t>(level), std::memory_order_relaxed);
    refresh_gate();
  }
  /// Whether a record of `level` would be written. HOT PATH: one relaxed load and a compare, before
  /// any argument is evaluated.
  bool enabled(Level level) const noexcept {
    return static_cast<std::uint8_t>(level) >= level_.load(std::memory_order_relaxed);
  }
  /// What the LYNX_* macros test before evaluating any argument: enabled(level), or, while a
  /// backtrace is kept (enable_backtrace()), every level. HOT PATH: one relaxed load and a compare.
  bool accepts(Level level) const noexcept {
    return static_cast<std::uint8_t>(level) >= gate_.load(std::memory_order_relaxed);
  }

  /// Keeps "log on error" history: from now on, records of this logger below its level() are not
  /// dropped at the call site but kept, per thread, in a ring of the last `capacity` records (on
  /// the backend: the log call costs what any log call costs). When the thread logs a record of
  /// `flush_level` or above to this logger, the kept records are written first, in their order,
  /// with their original timestamps and context and marked as backtrace (`"backtrace":true` in
  /// JSON); flush_backtrace() writes them on demand. `capacity` 0 turns it off (kept records are
  /// discarded). Any thread, any time; cold.
  void enable_backtrace(std::uint32_t capacity, Level flush_level = Level::error) noexcept;
  /// Writes the records kept for this logger's backtrace, of every thread, now (in each thread's
  /// order, marked as backtrace), and empties the rings. In band on the calling thread: its own
  /// records logged before the call are among them. Cold; no-op without enable_backtrace().
  void flush_backtrace() noexcept;
  /// The capacity given to enable_backtrace() (0: off).
  std::uint32_t backtrace_capacity() const noexcept {
    return backtrace_capacity_.load(std::memory_order_relaxed);
  }
  /// The flush level given to enable_backtrace().
  Level backtrace_flush_level() const noexcept {
    return static_cast<Level>(backtrace_flush_level_.load(std::memory_order_relaxed));
  }

  /// Limits this logger to `records_per_second` on average, with bursts of up to `burst` records
  /// (a token bucket, lock-free, shared by every thread). Records over the limit are not written;
  /// they are counted in Stats::records_suppressed, and the logger's next written record carries
  /// `"suppressed": N`. Arguments are evaluated before the limit is applied (the LYNX_*_EVERY
  /// macros avoid that). `records_per_second` 0 removes the limit. Any thread, any time; cold.
  void set_rate_limit(double records_per_second, std::uint32_t burst = 1) noexcept;

 private:
  friend class detail::LoggerRegistry;
  template <class List>
  friend struct detail::LogCall;

  // Bits of special_: what makes a log call leave its fast path (LogCall::log_special).
  static constexpr std::uint8_t kRateLimited = 1;
  static constexpr std::uint8_t kBacktrace = 2;

  Logger(std::string name, std::uint32_t id, Level level)
      : level_(static_cast<std::uint8_t>(level)),
        gate_(static_cast<std::uint8_t>(level)),
        id_(id),
        name_(std::move(name)) {}

  // gate_ from level_ and backtrace_capacity_. Cold. Every setter calls it after its store, and it
  // stores again until both inputs are unchanged around its store (seq_cst), so concurrent setters
  // leave the gate of the last values.
  void refresh_gate() noexcept {
    for (;;) {
      const std::uint8_t level = level_.load();
      const std::uint32_t capacity = backtrace_capacity_.load();
      gate_.store(capacity != 0 ? 0 : level);
      if (level_.load() == level && backtrace_capacity_.load() == capacity) return;
    }
  }
  // The log call's special path: the bits of special_ (one load in the fast path).
  std::uint8_t special() const noexcept { return special_.load(std::memory_order_relaxed); }
  // Rate limit: whether a record at `ticks` may be written (takes a token); cold, lock-free.
  bool admit(std::uint64_t ticks) const noexcept;
  // Rate limit: the records refused since the last written one, taken (0 most of the time).
  std::uint64_t take_suppressed() const noexcept {
    if (rate_suppressed_.load(std::memory_order_relaxed) == 0) return 0;
    return rate_suppressed_.exchange(0, std::memory_order_relaxed);
  }
  void note_suppressed() const noexcept {
    rate_suppressed_.fetch_add(1, std::memory_order_relaxed);
  }

  // Read by every log call (level_/gate_ by the macros, special_ and id_ by LogCall::log).
  std::atomic<std::uint8_t> level_;
  std::atomic<std::uint8_t> gate_;  // the macros' threshold: level_, or 0 while a backtrace is kept
  mutable std::atomic<std::uint8_t> special_{0};  // mutable: admit() clears a removed limit
  std::atomic<bool> explicit_{false};  // set_level() was called (cold: never read by a log call)
  const std::uint32_t id_;
  const std::string name_;

  // Cold: backtrace and rate limit settings and state.
  std::atomic<std::uint32_t> backtrace_capacity_{0};
  std::atomic<std::uint8_t> backtrace_flush_level_{static_cast<std::uint8_t>(Level::error)};
  std::atomic<std::uint64_t> rate_interval_ns_{0};  // 1e9 / records_per_second
  std::atomic<std::uint64_t> rate_burst_{1};
  mutable std::atomic<std::uint64_t> rate_tat_ns_{
      0};  // the bucket: theoretical arrival time (GCRA)
  mutable std::atomic<std::uint64_t> rate_suppressed_{0};
};

/// The logger called `name`. A new logger takes the level of the most specific lynx::set_level()
/// prefix covering its name (also set by LYNX_LEVEL and the configuration file), else the running
/// engine's Options::level (info when none runs). Thread-safe; takes a lock, so look a logger up
/// once and keep the reference.
Logger& logger(std::string_view name);

/// Sets `prefix` and every logger below it in the dotted hierarchy (`"orders"` covers `orders` and
/// `orders.payments`, not `ordersx`) to `level`: the loggers that exist now and those created
/// later. The most specific prefix wins, so `set_level("orders.payments", trace)` keeps its level
/// after `set_level("orders", warn)`. An empty prefix covers every logger. It replaces a level set
/// with Logger::set_level() on the loggers it covers. Thread-safe; cold (takes a lock and visits
/// every logger).
void set_level(std::string_view prefix, Level level);

}  // namespace lynx
