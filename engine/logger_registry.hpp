// All loggers of the process, by name and by id. Loggers are never destroyed (references stay
// valid until exit, even during static destruction), so the registry itself is never destroyed.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "lynx/logger.hpp"

namespace lynx::detail {

class LoggerRegistry {
 public:
  static LoggerRegistry& instance();

  Logger& get(std::string_view name);
  // Name of logger `id`, copied (cold: the backend calls it once per new call site and logger).
  std::string name_of(std::uint32_t id);
  // Logger `id`, or nullptr (cold: the backend calls it once per thread and logger it keeps a
  // backtrace for).
  Logger* find(std::uint32_t id);
  void set_default_level(Level level);
  // Held across fork() (engine/lifecycle.cpp, pthread_atfork) so a child never inherits it locked.
  std::mutex& fork_mutex() { return mutex_; }

 private:
  std::mutex mutex_;
  Level default_level_ = Level::info;
  std::vector<std::unique_ptr<Logger>> loggers_;  // index == id
  std::unordered_map<std::string, Logger*> by_name_;
};

}  // namespace lynx::detail
