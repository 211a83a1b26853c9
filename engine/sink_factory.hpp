// Builds the human-readable sinks of Options::sinks (engine/console_sink.hpp,
// engine/line_file_sink.hpp, engine/syslog_sink.hpp) for the backend, after the binary FileSink.
// Each gets its live level from EngineShared::sink_levels (a configuration reload changes them from
// its own thread).
#pragma once

#include <memory>
#include <vector>

#include "engine/engine_shared.hpp"
#include "engine/sink.hpp"

namespace lynx::detail {

// Appends one sink per Options::sinks entry to `sinks`; throws (std::invalid_argument,
// std::system_error) naming the sink when one cannot be set up.
void add_formatted_sinks(EngineShared& shared, std::vector<std::unique_ptr<Sink>>& sinks);

}  // namespace lynx::detail
