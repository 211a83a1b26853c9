// Severity levels. The numeric order is the filtering order: a logger at level L writes records
// of level >= L. `off` disables a logger entirely. Values are stored in log files: never renumber.
#pragma once

#include <cstdint>
#include <string_view>

namespace lynx {

enum class Level : std::uint8_t {
  trace = 0,
  debug = 1,
  info = 2,
  warn = 3,
  error = 4,
  critical = 5,
  off = 6
};

constexpr std::string_view to_string(Level level) noexcept {
  switch (level) {
    case Level::trace: return "trace";
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
    case Level::critical: return "critical";
    case Level::off: return "off";
  }
  return "unknown";
}

}  // namespace lynx
