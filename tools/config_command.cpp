#include "tools/config_command.hpp"

#include <CLI/CLI.hpp>

#include "engine/config.hpp"
#include "tools/log_source.hpp"

namespace lynx::tools {

CLI::App* add_config_command(CLI::App& app, ConfigOptions& options) {
  CLI::App* config = app.add_subcommand("config", "Work with lynx configuration files");
  config->require_subcommand(1);
  CLI::App* check = config->add_subcommand(
      "check", "Validate a configuration file and print the effective configuration");
  check->add_option("FILE", options.file, "The TOML configuration file")->required();
  return config;
}

int run_config_check(const ConfigOptions& options, std::FILE* out, std::FILE* err) {
  detail::Config config;
  const Status s = detail::parse_config_file(options.file, &config);
  if (!s.ok()) {
    std::fprintf(err, "lynx config check: %s\n", s.message().c_str());
    return s.code() == Status::Code::invalid_argument ? kExitDataError : kExitUsage;
  }
  const Options effective = detail::apply_config(Options{}, config);
  std::fprintf(out, "# %s: valid; the effective configuration:\n%s", options.file.c_str(),
               detail::print_config(effective, config).c_str());
  return kExitOk;
}

}  // namespace lynx::tools
