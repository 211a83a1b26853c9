// `lynx config check FILE`: reads a configuration file as the engine would (engine/config.hpp;
// docs/config.md), and prints either its one error message (file, line, key, problem) or the
// effective configuration: every key, the defaults of lynx::Options filled in, as TOML.
// Exit code: kExitOk when the file is valid, kExitDataError when it is invalid, kExitUsage when it
// cannot be read.
#pragma once

#include <cstdio>
#include <string>

namespace CLI {
class App;
}

namespace lynx::tools {

struct ConfigOptions {
  std::string file;
};

// Registers `config` and its `check` subcommand on `app`. Returns `config`.
CLI::App* add_config_command(CLI::App& app, ConfigOptions& options);

int run_config_check(const ConfigOptions& options, std::FILE* out, std::FILE* err);

}  // namespace lynx::tools
