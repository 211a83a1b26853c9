#include "engine/sink_factory.hpp"

#include "engine/console_sink.hpp"
#include "engine/line_file_sink.hpp"
#include "engine/syslog_sink.hpp"

namespace lynx::detail {

void add_formatted_sinks(EngineShared& shared, std::vector<std::unique_ptr<Sink>>& sinks) {
  const Options& o = shared.options;
  for (std::size_t i = 0; i < o.sinks.size(); ++i) {
    const SinkSpec& spec = o.sinks[i];
    const std::atomic<std::uint8_t>& level = shared.sink_levels[i];
    switch (spec.kind) {
      case SinkSpec::Kind::console:
        sinks.push_back(std::make_unique<ConsoleSink>(spec.console, level));
        break;
      case SinkSpec::Kind::text:
        sinks.push_back(std::make_unique<LineFileSink>(render::OutputFormat::text, spec.file, o,
                                                       level, shared.stats));
        break;
      case SinkSpec::Kind::json:
        sinks.push_back(std::make_unique<LineFileSink>(render::OutputFormat::json, spec.file, o,
                                                       level, shared.stats));
        break;
      case SinkSpec::Kind::syslog:
        sinks.push_back(std::make_unique<SyslogSink>(spec.syslog, level, shared.stats));
        break;
    }
  }
}

}  // namespace lynx::detail
