// Which engine runs, and the producer's cold paths that depend on it. One process-wide lifecycle
// mutex orders engine start/stop against thread registration; the hot path never takes it.
#pragma once

#include "lynx/options.hpp"

namespace lynx::detail {

class EngineImpl;

// Starts an engine for lynx::Engine. Stops a lazily started default engine first; throws
// std::logic_error when another explicit engine runs.
EngineImpl* start_engine(const Options& options);
// Stops and destroys an engine started by start_engine().
// In a forked child `engine` (its parent's) is stopped for good: this stops the child's own engine
// (started by its first log call) instead.
void stop_engine(EngineImpl* engine);
// `engine`, or in a forked child the child's own engine (nullptr when none runs).
EngineImpl* engine_in_this_process(EngineImpl* engine);

}  // namespace lynx::detail
