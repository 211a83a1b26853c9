// The `lynx` command-line tool: one subcommand per file in tools/ (`cat`, `tail`, `stats`,
// `sites`, `verify`, `train`, `ship`), and `help`.
// stdout carries the output, stderr the diagnostics (each line starts with "lynx: ").
// Exit codes: 0 ok, 1 damaged data found (output still produced), 2 usage or I/O error.
// A reader of stdout that goes away (a pipe into `head`) ends the command quietly with 0,
// whatever SIGPIPE's disposition was: lynx ignores SIGPIPE and treats EPIPE as the end.
#include <signal.h>

#include <cstdio>
#include <string>
#include <string_view>

#include <CLI/CLI.hpp>

#include "tools/cat_command.hpp"
#include "tools/config_command.hpp"
#include "tools/log_source.hpp"
#include "tools/ship_command.hpp"
#include "tools/stats_command.hpp"
#include "tools/tail_command.hpp"
#include "tools/train_command.hpp"
#include "tools/verify_command.hpp"

#ifndef LYNX_VERSION
#define LYNX_VERSION "unknown"
#endif

namespace {

using namespace lynx::tools;

void put(std::FILE* f, const std::string& s) {
  (void)!std::fwrite(s.data(), 1, s.size(), f);
  std::fflush(f);
}

std::string command_list(const CLI::App& app) {
  std::string s =
      "lynx: read LynxLogger log files\n\nUsage: lynx COMMAND [OPTIONS] ...\n\nCommands:\n";
  for (const CLI::App* sub : app.get_subcommands({})) {
    std::string name = sub->get_name();
    name.resize(std::max<std::size_t>(name.size() + 2, 10), ' ');
    s += "  " + name + sub->get_description() + "\n";
  }
  s += "\nRun 'lynx help COMMAND' or 'lynx COMMAND --help' for a command's options and examples.\n"
       "Exit codes: 0 ok, 1 damaged data (what was readable is printed), 2 usage or I/O error.\n";
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  // EPIPE instead of a signal: a closed pipe ends the command quietly (see the file comment).
  ::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"lynx: read LynxLogger log files", "lynx"};
  app.set_version_flag("--version", "lynx " LYNX_VERSION);
  app.require_subcommand(0, 1);
  CatOptions cat_options;
  CLI::App* cat = add_cat_command(app, cat_options);
  TailOptions tail_options;
  CLI::App* tail = add_tail_command(app, tail_options);
  StatsOptions stats_options, sites_options;
  CLI::App* stats = add_stats_command(app, stats_options);
  CLI::App* sites = add_sites_command(app, sites_options);
  VerifyOptions verify_options;
  CLI::App* verify = add_verify_command(app, verify_options);
  TrainOptions train_options;
  CLI::App* train = add_train_command(app, train_options);
  ConfigOptions config_options;
  CLI::App* config = add_config_command(app, config_options);
  ShipOptions ship_options;
  CLI::App* ship = add_ship_command(app, ship_options);
  std::string help_topic;
  CLI::App* help =
      app.add_subcommand("help", "Show the commands, or a command's options and examples");
  help->add_option("COMMAND", help_topic, "The command to explain");

  if (argc < 2) {
    put(stdout, command_list(app));
    return kExitOk;
  }
  const std::string_view first = argv[1];
  if (!first.starts_with("-")) {
    bool known = false;
    for (const CLI::App* sub : app.get_subcommands({})) known = known || sub->get_name() == first;
    if (!known) {
      std::string names;
      for (const CLI::App* sub : app.get_subcommands({})) {
        names += (names.empty() ? "" : ", ") + sub->get_name();
      }
      put(stderr, "lynx: unknown command '" + std::string(first) + "' (commands: " + names +
                      "; see 'lynx help')\n");
      return kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    CLI::App* sub = nullptr;
    for (CLI::App* s : app.get_subcommands({})) {
      if (s->parsed()) sub = s;
    }
    put(stdout, sub != nullptr ? sub->help("lynx") : command_list(app));
    return kExitOk;
  } catch (const CLI::CallForVersion&) {
    put(stdout, "lynx " LYNX_VERSION "\n");
    return kExitOk;
  } catch (const CLI::ParseError& e) {
    std::string where;
    for (CLI::App* s : app.get_subcommands({})) {
      if (s->parsed()) where = " (see 'lynx help " + s->get_name() + "')";
    }
    put(stderr, std::string("lynx: ") + e.what() + where + "\n");
    return kExitUsage;
  }
  if (cat->parsed()) return run_cat(cat_options, stdout, stderr);
  if (tail->parsed()) return run_tail(tail_options, stdout, stderr);
  if (stats->parsed()) return run_stats(stats_options, stdout, stderr);
  if (sites->parsed()) return run_sites(sites_options, stdout, stderr);
  if (verify->parsed()) return run_verify(verify_options, stdout, stderr);
  if (train->parsed()) return run_train(train_options, stdout, stderr);
  if (config->parsed()) return run_config_check(config_options, stdout, stderr);
  if (ship->parsed()) return run_ship(ship_options, stdout, stderr);
  if (help->parsed()) {
    if (help_topic.empty()) {
      put(stdout, command_list(app));
      return kExitOk;
    }
    for (CLI::App* s : app.get_subcommands({})) {
      if (s->get_name() == help_topic) {
        put(stdout, s->help("lynx"));
        return kExitOk;
      }
    }
    put(stderr, "lynx: unknown command '" + help_topic + "' (see 'lynx help')\n");
    return kExitUsage;
  }
  put(stdout, command_list(app));
  return kExitOk;
}
