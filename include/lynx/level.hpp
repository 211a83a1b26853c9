/// \file
/// Severity levels. The numeric order is the filtering order: a logger at level L writes records
/// of level >= L. `off` disables a logger entirely. Values are stored in log files: never renumber.
#pragma once

#include "lynx/cxx20.hpp"

#include <cstdint>
#include <string_view>

namespace lynx {

/// The severity of a record, and the threshold of a Logger (see the file comment for the order).
enum class Level : std::uint8_t {
  trace = 0,     ///< step-by-step detail, usually compiled out (LYNX_ACTIVE_LEVEL)
  debug = 1,     ///< diagnostics for developers
  info = 2,      ///< normal operation; the default level of new loggers
  warn = 3,      ///< something unexpected that the program handled
  error = 4,     ///< an operation failed
  critical = 5,  ///< the program cannot go on as intended
  off = 6        ///< as a logger's level: writes nothing; never the level of a record
};

/// The level's lowercase name, as the CLI prints it ("info"); "unknown" for a value out of range.
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
