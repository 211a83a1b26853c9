// The TOML configuration file (Options::config_file or LYNX_CONFIG; docs/config.md): parsed into a
// Config, checked whole before anything is used (an invalid file is one message naming the file,
// line, key and problem, and nothing of it applies), laid over the Options given in code, and
// printed back as the effective configuration (`lynx config check`). Knows nothing of the running
// engine: the CLI links it without the engine (tools/config_command.cpp).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.hpp"
#include "lynx/options.hpp"

namespace lynx::detail {

// A token bucket for one logger prefix: `per_second` records a second, bursts of `burst`.
struct RateLimit {
  double per_second = 0;
  double burst = 0;
  bool operator==(const RateLimit&) const = default;
};

struct Config {
  std::string path;
  // [levels]: `default` and one level per logger prefix.
  std::optional<Level> default_level;
  std::map<std::string, Level> levels;
  // [files]: the binary shards. Only what the file names is set.
  std::optional<std::string> directory, name;
  std::optional<bool> binary;
  std::optional<bool> ship_guard;  // Options::ship_guard (docs/fleet.md)
  std::optional<std::uint64_t> rotate_bytes, keep_bytes;
  std::optional<std::chrono::seconds> rotate_every, keep_for;
  std::optional<unsigned> keep_files;
  // [[sinks]]: when the file has any, they replace Options::sinks.
  std::optional<std::vector<SinkSpec>> sinks;
  // [redact]
  std::optional<std::vector<std::string>> redact_fields;
  std::optional<Detect> redact_patterns;
  // [rate_limits]: by logger prefix, applied through Logger::set_rate_limit at start and on every
  // reload (LoggerRegistry::set_config_rate_limits; rate_limit_rules() below).
  std::map<std::string, RateLimit> rate_limits;
};

// The rate limits of `c` as the logger registry takes them: prefix -> (per second, burst).
inline std::map<std::string, std::pair<double, std::uint32_t>> rate_limit_rules(const Config& c) {
  std::map<std::string, std::pair<double, std::uint32_t>> out;
  for (const auto& [prefix, r] : c.rate_limits)
    out.emplace(prefix, std::pair(r.per_second, static_cast<std::uint32_t>(r.burst)));
  return out;
}

// Reads and checks `path`. On error the Status message is
// "<path>:<line>: <key>: <problem>" (no line when the file cannot be read).
Status parse_config_file(const std::string& path, Config* out);
// The same for text already read (`path` names it in messages).
Status parse_config(std::string_view text, const std::string& path, Config* out);

// `options` with what `config` sets laid over it.
Options apply_config(Options options, const Config& config);

// The effective configuration as TOML (every key, defaults included), as `lynx config check`
// prints it.
std::string print_config(const Options& effective, const Config& config);

// "trace" .. "critical", "off" (and "warning"); nullopt otherwise.
std::optional<Level> parse_level(std::string_view name);

}  // namespace lynx::detail
