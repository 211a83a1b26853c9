// One running engine: shared state, the backend thread, and producer registration.
#pragma once

#include <memory>
#include <thread>

#include "engine/backend.hpp"
#include "engine/config.hpp"
#include "engine/config_watcher.hpp"
#include "engine/crash_handler.hpp"
#include "engine/engine_shared.hpp"
#include "engine/metrics_exporter.hpp"
#include "lynx/options.hpp"
#include "lynx/stats.hpp"

namespace lynx::detail {

class EngineImpl {
 public:
  // Validates and normalises `options`, opens the files and starts the backend thread.
  explicit EngineImpl(const Options& options);
  ~EngineImpl();  // stop(): writes everything, then joins the backend
  EngineImpl(const EngineImpl&) = delete;
  EngineImpl& operator=(const EngineImpl&) = delete;

  void flush();
  Stats stats() const { return shared_.stats.snapshot(); }
  const Options& options() const { return shared_.options; }

  // Cold, any thread, under the lifecycle mutex: a ring for the calling thread, queued for the
  // backend, on the shard with the fewest live threads; `lease` (the thread's) holds that place
  // until the thread exits or registers again.
  Ring* register_thread(ShardLease& lease);
  // Cold, the thread of `ring` (one of this engine's, not closed), under the lifecycle mutex: a
  // bigger ring for a record of `size` bytes, linked as `ring`'s successor (Ring::set_next), or
  // nullptr when `ring` cannot grow for it (already the largest, or the record too large for any
  // ring). The caller switches to it and then drops its reference to `ring`. May throw
  // std::bad_alloc (nothing is linked then).
  Ring* successor(Ring* ring, std::size_t size);
  bool owns(const Ring* ring) const { return ring->owner == this; }
  // Under the lifecycle mutex: an early ring (engine/lifecycle.cpp) whose records this engine
  // writes; the engine takes over the early list's reference.
  void adopt_early(Ring* ring);
  // False in a forked child for its parent's engine, whose threads do not exist there.
  bool in_this_process() const;
  void wake_backend() { shared_.wake(); }

 private:
  void stop();

  Config config_;  // the configuration file read at start (path empty: none); before shared_
  EngineShared shared_;
  Backend backend_;
  std::thread thread_;
  std::unique_ptr<CrashHandler> crash_;       // after the backend thread, gone before it stops
  std::unique_ptr<ConfigWatcher> watcher_;    // while a configuration file is used
  std::unique_ptr<MetricsExporter> metrics_;  // Options::metrics_listen / metrics_file
  bool stopped_ = false;
  const int pid_;
};

// `options` with the configuration file (Options::config_file or LYNX_CONFIG) laid over it, read
// into *config; throws std::invalid_argument with the file's one message when it is invalid.
Options with_config_file(const Options& options, Config* config);

// Options with sizes rounded and limits applied; throws std::invalid_argument for nonsense.
Options normalise(Options options);

}  // namespace lynx::detail
