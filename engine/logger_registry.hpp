// All loggers of the process, by name and by id, and the levels they get. Loggers are never
// destroyed (references stay valid until exit, even during static destruction), so the registry
// itself is never destroyed.
//
// Levels are hierarchical by dotted name. A logger's level is, first match wins:
//   1. its own Logger::set_level() (until a later prefix rule covering it replaces it),
//   2. the most specific prefix rule covering its name (lynx::set_level(), LYNX_LEVEL, the
//      configuration file's [levels]; "orders" covers "orders" and "orders.*"),
//   3. the default: LYNX_LEVEL's bare level, else the configuration file's levels.default, else
//      the running engine's Options::level (info when none runs).
// Every change recomputes the loggers it concerns under the mutex and stores their atomic level:
// a log call still reads one relaxed byte (Logger::enabled).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lynx/logger.hpp"

namespace lynx::detail {

class LoggerRegistry {
 public:
  // Who set a prefix rule: a configuration reload replaces only the rules it set.
  enum class Source : std::uint8_t { api, environment, config };

  static LoggerRegistry& instance();

  Logger& get(std::string_view name);
  // Name of logger `id`, copied (cold: the backend calls it once per new call site and logger).
  std::string name_of(std::uint32_t id);
  // Logger `id`, or nullptr (cold: the backend calls it once per thread and logger it keeps a
  // backtrace for).
  Logger* find(std::uint32_t id);
  // Held across fork() (engine/lifecycle.cpp, pthread_atfork) so a child never inherits it locked.
  std::mutex& fork_mutex() { return mutex_; }
  // The engine's Options::level (info while no engine runs): the last of the defaults.
  void set_default_level(Level level);
  // A prefix rule (lynx::set_level). It clears Logger::set_level() on the loggers it decides.
  void set_rule(std::string_view prefix, Level level, Source source);
  // The configuration file's levels: its default (none: no say) and rules, replacing the ones an
  // earlier configuration set. Loggers it decides lose their Logger::set_level().
  void set_config_levels(std::optional<Level> default_level,
                         const std::map<std::string, Level>& rules);
  // Parses LYNX_LEVEL (`info,orders=debug,orders.payments=trace`) and applies what is valid. A
  // malformed value is reported once per process on stderr, naming each bad item. Returns false
  // when something was malformed.
  bool apply_environment(const char* value);
  // The configuration file's rate limits by dotted prefix (records per second, burst), replacing
  // an earlier configuration's: each logger, now and created later, gets the limit of the most
  // specific prefix covering it; loggers no prefix covers any more lose the configured limit.
  void set_config_rate_limits(
      const std::map<std::string, std::pair<double, std::uint32_t>>& limits);

 private:
  struct Rule {
    Level level;
    Source source;
  };
  // The rule of the most specific prefix covering `name`, or nullptr.
  const Rule* rule_for(std::string_view name) const;
  Level default_level() const;
  // Stores the level `logger` gets now; `take_over` clears its own set_level() when a rule or
  // default of this change decides it.
  void recompute(Logger& logger, bool take_over);

  std::mutex mutex_;
  Level default_level_ = Level::info;
  std::optional<Level> config_default_;
  std::optional<Level> env_default_;
  std::map<std::string, Rule, std::less<>> rules_;
  // Configured rate limits by prefix; and the limit each logger got from them (by id), so a
  // reload that leaves a logger's limit as it was leaves its bucket alone.
  std::map<std::string, std::pair<double, std::uint32_t>, std::less<>> rate_rules_;
  std::vector<std::optional<std::pair<double, std::uint32_t>>> rate_from_config_;
  void apply_rate_rule(Logger& logger);
  bool env_reported_ = false;
  std::vector<std::unique_ptr<Logger>> loggers_;  // index == id
  std::unordered_map<std::string, Logger*> by_name_;
};

// Whether `prefix` covers logger `name` in the dotted hierarchy ("" covers everything).
bool covers(std::string_view prefix, std::string_view name);

}  // namespace lynx::detail
