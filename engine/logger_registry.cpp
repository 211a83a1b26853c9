#include "engine/logger_registry.hpp"

#include "engine/config.hpp"

#include <cstdio>
#include <string>

namespace lynx::detail {

bool covers(std::string_view prefix, std::string_view name) {
  if (prefix.empty()) return true;
  if (name.size() < prefix.size() || name.substr(0, prefix.size()) != prefix) return false;
  return name.size() == prefix.size() || name[prefix.size()] == '.';
}

LoggerRegistry& LoggerRegistry::instance() {
  static auto* registry = new LoggerRegistry();  // intentionally never destroyed
  return *registry;
}

const LoggerRegistry::Rule* LoggerRegistry::rule_for(std::string_view name) const {
  // Walks from the name itself up through its dotted parents to the empty prefix.
  std::string_view prefix = name;
  for (;;) {
    const auto it = rules_.find(prefix);
    if (it != rules_.end()) return &it->second;
    if (prefix.empty()) return nullptr;
    const std::size_t dot = prefix.rfind('.');
    prefix = dot == std::string_view::npos ? std::string_view() : prefix.substr(0, dot);
  }
}

Level LoggerRegistry::default_level() const {
  if (env_default_) return *env_default_;
  if (config_default_) return *config_default_;
  return default_level_;
}

void LoggerRegistry::recompute(Logger& logger, bool take_over) {
  if (take_over) logger.explicit_.store(false, std::memory_order_relaxed);
  if (logger.explicit_.load(std::memory_order_relaxed)) return;
  const Rule* rule = rule_for(logger.name());
  const Level level = rule != nullptr ? rule->level : default_level();
  logger.level_.store(static_cast<std::uint8_t>(level), std::memory_order_relaxed);
  logger.refresh_gate();
}

Logger& LoggerRegistry::get(std::string_view name) {
  std::lock_guard lock(mutex_);
  const auto it = by_name_.find(std::string(name));
  if (it != by_name_.end()) return *it->second;
  auto* logger =
      new Logger(std::string(name), static_cast<std::uint32_t>(loggers_.size()), default_level());
  loggers_.emplace_back(logger);
  by_name_.emplace(std::string(name), logger);
  recompute(*logger, false);
  apply_rate_rule(*logger);
  return *logger;
}

void LoggerRegistry::apply_rate_rule(Logger& logger) {
  const std::pair<double, std::uint32_t>* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& [prefix, limit] : rate_rules_) {
    if (covers(prefix, logger.name()) && (best == nullptr || prefix.size() >= best_length)) {
      best = &limit;
      best_length = prefix.size();
    }
  }
  if (rate_from_config_.size() <= logger.id()) rate_from_config_.resize(logger.id() + 1);
  std::optional<std::pair<double, std::uint32_t>>& applied = rate_from_config_[logger.id()];
  if (best != nullptr) {
    if (applied != *best) logger.set_rate_limit(best->first, best->second);
    applied = *best;
  } else if (applied) {
    logger.set_rate_limit(0);
    applied.reset();
  }
}

void LoggerRegistry::set_config_rate_limits(
    const std::map<std::string, std::pair<double, std::uint32_t>>& limits) {
  std::lock_guard lock(mutex_);
  rate_rules_.clear();
  for (const auto& [prefix, limit] : limits) rate_rules_.emplace(prefix, limit);
  for (auto& l : loggers_) apply_rate_rule(*l);
}

std::string LoggerRegistry::name_of(std::uint32_t id) {
  std::lock_guard lock(mutex_);
  return id < loggers_.size() ? std::string(loggers_[id]->name()) : std::string("?");
}

Logger* LoggerRegistry::find(std::uint32_t id) {
  std::lock_guard lock(mutex_);
  return id < loggers_.size() ? loggers_[id].get() : nullptr;
}

void LoggerRegistry::set_default_level(Level level) {
  std::lock_guard lock(mutex_);
  default_level_ = level;
  for (auto& l : loggers_) recompute(*l, false);
}

void LoggerRegistry::set_rule(std::string_view prefix, Level level, Source source) {
  std::lock_guard lock(mutex_);
  rules_.insert_or_assign(std::string(prefix), Rule{level, source});
  for (auto& l : loggers_) {
    // Only the loggers this prefix decides (no more specific rule covers them).
    if (!covers(prefix, l->name())) continue;
    const Rule* rule = rule_for(l->name());
    recompute(*l, rule == &rules_.find(prefix)->second);
  }
}

void LoggerRegistry::set_config_levels(std::optional<Level> default_level,
                                       const std::map<std::string, Level>& rules) {
  std::lock_guard lock(mutex_);
  for (auto it = rules_.begin(); it != rules_.end();) {
    it = it->second.source == Source::config && rules.count(it->first) == 0 ? rules_.erase(it)
                                                                            : std::next(it);
  }
  for (const auto& [prefix, level] : rules)
    rules_.insert_or_assign(prefix, Rule{level, Source::config});
  config_default_ = default_level;
  for (auto& l : loggers_) {
    const Rule* rule = rule_for(l->name());
    recompute(*l, rule != nullptr && rule->source == Source::config);
  }
}

bool LoggerRegistry::apply_environment(const char* value) {
  if (value == nullptr) return true;
  std::string bad;
  std::optional<Level> bare;
  std::vector<std::pair<std::string, Level>> rules;
  const std::string_view all(value);
  std::size_t start = 0;
  while (start <= all.size()) {
    std::size_t end = all.find(',', start);
    if (end == std::string_view::npos) end = all.size();
    const std::string_view item = all.substr(start, end - start);
    start = end + 1;
    if (item.empty()) continue;
    const std::size_t eq = item.find('=');
    const std::string_view name =
        eq == std::string_view::npos ? std::string_view() : item.substr(0, eq);
    const std::string_view level_name = eq == std::string_view::npos ? item : item.substr(eq + 1);
    const std::optional<Level> level = parse_level(level_name);
    if (!level || (eq != std::string_view::npos && name.empty())) {
      if (!bad.empty()) bad += "; ";
      bad += "'" + std::string(item) + "': " +
             (level ? std::string("a logger name is missing before '='")
                    : "'" + std::string(level_name) +
                          "' is not a level (trace, debug, info, warn, error, critical, off)");
      continue;
    }
    if (eq == std::string_view::npos) {
      bare = level;
    } else {
      rules.emplace_back(std::string(name), *level);
    }
  }
  {
    std::lock_guard lock(mutex_);
    if (bare) env_default_ = bare;
    if (!bad.empty() && !env_reported_) {
      env_reported_ = true;
      std::fprintf(stderr, "lynx: LYNX_LEVEL=%s: ignored %s\n", value, bad.c_str());
    }
    for (auto& l : loggers_) recompute(*l, false);
  }
  for (const auto& [name, level] : rules) set_rule(name, level, Source::environment);
  return bad.empty();
}

}  // namespace lynx::detail

namespace lynx {

Logger& logger(std::string_view name) { return detail::LoggerRegistry::instance().get(name); }

void set_level(std::string_view prefix, Level level) {
  detail::LoggerRegistry::instance().set_rule(prefix, level, detail::LoggerRegistry::Source::api);
}

}  // namespace lynx
