// The `lynx` command-line tool: one subcommand per file in tools/ (`cat`, `verify`, `train`).
// Exit codes: 0 ok, 1 damaged data found (output still produced), 2 usage or I/O error.
#include <cstdio>

#include <CLI/CLI.hpp>

#include "tools/cat_command.hpp"
#include "tools/config_command.hpp"
#include "tools/log_source.hpp"
#include "tools/train_command.hpp"
#include "tools/verify_command.hpp"

#ifndef LYNX_VERSION
#define LYNX_VERSION "unknown"
#endif

int main(int argc, char** argv) {
  using namespace lynx::tools;
  CLI::App app{"lynx: read LynxLogger log files", "lynx"};
  app.set_version_flag("--version", "lynx " LYNX_VERSION);
  app.require_subcommand(1);
  CatOptions cat_options;
  CLI::App* cat = add_cat_command(app, cat_options);
  VerifyOptions verify_options;
  CLI::App* verify = add_verify_command(app, verify_options);
  TrainOptions train_options;
  CLI::App* train = add_train_command(app, train_options);
  ConfigOptions config_options;
  CLI::App* config = add_config_command(app, config_options);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // CLI11 has its own exit codes; ours are 0 for --help/--version and 2 for any usage error.
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  }
  if (cat->parsed()) return run_cat(cat_options, stdout, stderr);
  if (verify->parsed()) return run_verify(verify_options, stdout, stderr);
  if (train->parsed()) return run_train(train_options, stdout, stderr);
  if (config->parsed()) return run_config_check(config_options, stdout, stderr);
  return kExitUsage;
}
