/// \file
/// Named loggers. A Logger is a name plus a level; records name their logger in the file.
/// lynx::logger("orders") returns the same object for the same name, valid until the process exits.
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
}

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

  /// The threshold: records below it are not written.
  Level level() const noexcept {
    return static_cast<Level>(level_.load(std::memory_order_relaxed));
  }
  /// Changes the threshold at run time; any thread, at any time (relaxed: log calls on other
  /// threads see the change soon, not at once). The logger then keeps this level when an engine
  /// starts with another Options::level; a later lynx::set_level() covering it replaces it.
  void set_level(Level level) noexcept {
    explicit_.store(true, std::memory_order_relaxed);
    level_.store(static_cast<std::uint8_t>(level), std::memory_order_relaxed);
  }
  /// Whether a record of `level` would be written. HOT PATH: one relaxed load and a compare, before
  /// any argument is evaluated.
  bool enabled(Level level) const noexcept {
    return static_cast<std::uint8_t>(level) >= level_.load(std::memory_order_relaxed);
  }

 private:
  friend class detail::LoggerRegistry;
  Logger(std::string name, std::uint32_t id, Level level)
      : level_(static_cast<std::uint8_t>(level)), id_(id), name_(std::move(name)) {}

  std::atomic<std::uint8_t> level_;
  std::atomic<bool> explicit_{false};  // set_level() was called (cold: never read by a log call)
  const std::uint32_t id_;
  const std::string name_;
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
