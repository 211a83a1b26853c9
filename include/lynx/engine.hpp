// The logging engine: owns the ring pool, the backend thread and the files.
#pragma once

#include <cstdint>

#include "lynx/options.hpp"
#include "lynx/stats.hpp"

namespace lynx {

namespace detail {
class EngineImpl;
}

// RAII: the constructor opens the log directory and starts the backend thread; the destructor
// writes every record logged before it and stops the backend. At most one Engine runs at a time:
// constructing a second while one runs throws std::logic_error. (A default engine started lazily
// by the first log call, when no Engine was constructed, is flushed and replaced instead.)
// Construction fails with std::system_error / std::invalid_argument for a bad directory or options.
class Engine {
 public:
  explicit Engine(Options options = {});
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Returns once every record logged before the call (by any thread, in happens-before order) has
  // been written to its file (handed to the kernel; durability against power loss is Options::sync
  // in a later version).
  void flush();
  Stats stats() const;
  const Options& options() const noexcept;

 private:
  detail::EngineImpl* impl_;
};

// Records logged while no engine was running (after the last one stopped). They are dropped.
std::uint64_t dropped_without_engine() noexcept;

}  // namespace lynx
