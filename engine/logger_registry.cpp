#include "engine/logger_registry.hpp"

namespace lynx::detail {

LoggerRegistry& LoggerRegistry::instance() {
  static auto* registry = new LoggerRegistry();  // intentionally never destroyed
  return *registry;
}

Logger& LoggerRegistry::get(std::string_view name) {
  std::lock_guard lock(mutex_);
  const auto it = by_name_.find(std::string(name));
  if (it != by_name_.end()) return *it->second;
  auto* logger =
      new Logger(std::string(name), static_cast<std::uint32_t>(loggers_.size()), default_level_);
  loggers_.emplace_back(logger);
  by_name_.emplace(std::string(name), logger);
  return *logger;
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
}

}  // namespace lynx::detail

namespace lynx {

Logger& logger(std::string_view name) { return detail::LoggerRegistry::instance().get(name); }

}  // namespace lynx
