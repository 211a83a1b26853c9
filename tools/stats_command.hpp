// `lynx stats PATH...` and `lynx sites PATH...`: what the files hold, from the call site of
// every record (which a text log cannot tell): pattern grouping and logging cost per call site.
//
// stats: records, bytes on disk, bytes per record, compression ratio (decoded block bytes /
// bytes on disk), time span, records per level, logger and thread, the top call sites by count
// and by bytes (each record's encoded bytes in its decoded block), the drop notices found
// ("{count} records dropped" records of the engine), and records per interval over the span as
// a bar chart (on a terminal, or with --chart). --by site|logger|level prints only that table,
// complete; --format json prints one JSON document with everything.
// sites: one line per call site: count, level, file:line, function, logger, template.
//
// Memory: one entry per call site, logger and thread, and at most kMaxSeconds per-second counts
// (coarsened beyond), whatever the number of records.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace lynx::tools {

struct StatsOptions {
  std::string by;               // empty: everything; site, logger, level
  std::string format = "text";  // text, json
  bool chart = false;           // the bar chart also when stdout is not a terminal
  int top = 10;
  std::vector<std::string> paths;
};

CLI::App* add_stats_command(CLI::App& app, StatsOptions& options);
CLI::App* add_sites_command(CLI::App& app, StatsOptions& options);
int run_stats(const StatsOptions& options, std::FILE* out, std::FILE* err);
int run_sites(const StatsOptions& options, std::FILE* out, std::FILE* err);

}  // namespace lynx::tools
