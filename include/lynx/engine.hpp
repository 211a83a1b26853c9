/// \file
/// The logging engine: owns the ring pool, the backend thread and the files.
#pragma once

#include "lynx/cxx20.hpp"

#include <cstdint>

#include "lynx/options.hpp"
#include "lynx/stats.hpp"

/// Everything users call: Engine, Options, Logger and logger(), Level, Stats. (lynx::detail holds
/// the inline hot path the LYNX_* macros expand to; it is not an API.)
namespace lynx {

namespace detail {
class EngineImpl;
}

/// RAII: the constructor opens the log directory and starts the backend thread; the destructor
/// writes every record logged before it and stops the backend. At most one Engine runs at a time:
/// constructing a second while one runs throws std::logic_error. (A default engine started lazily
/// by the first log call, when no Engine was constructed, is flushed and replaced instead.)
class Engine {
 public:
  /// Starts the engine with `options`. Throws std::invalid_argument for an option out of range or
  /// an unreadable dictionary (the message names it), std::system_error when the directory or the
  /// first file cannot be created, std::logic_error when another Engine is running.
  explicit Engine(Options options = {});
  /// Writes every record logged before the call, then stops the backend thread.
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  /// Returns once every record logged before the call (by any thread, in happens-before order) has
  /// been written to its file and every write has completed. What that guarantees depends on
  /// Options::sync: with Sync::none and Sync::on_rotate the records are in the kernel's page cache
  /// (they survive the process crashing, not a power loss; on_rotate makes only closed files
  /// durable); with Sync::every_batch each write carried its own fdatasync, so the records are
  /// durable on the device. While writes fail (e.g. a full disk) flush() does not wait for room:
  /// it may return with records still held in memory, which are retried and written later (or, at
  /// stop, counted in Stats::records_dropped); Stats::write_errors counts the failures.
  void flush();
  /// The engine's counters so far (monotonic). Thread-safe; cold path.
  Stats stats() const;
  /// The options the engine was started with.
  const Options& options() const noexcept;

 private:
  detail::EngineImpl* impl_;
};

/// Records dropped without an engine to count them: logged while no engine was running (after the
/// last one stopped), committed to a ring after the engine's last pass over it at stop, or logged
/// after the thread's exit hook (docs/reliability.md, "Exact accounting").
std::uint64_t dropped_without_engine() noexcept;

}  // namespace lynx
