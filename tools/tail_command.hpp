// `lynx tail [-f] [-n N] [options] PATH...`: the last N records (default 10) of the given files
// and directories, merged in time order, with every filter and output option of `lynx cat`.
// With -f it then follows them (tools/follow.hpp): records appended to the files, a rotation to
// a new file, a new shard appearing in a directory, each printed as soon as a poll finds it
// (about every kPollInterval), until interrupted or until standard output is closed (exit 0).
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "tools/filter.hpp"
#include "tools/record_printer.hpp"

namespace CLI {
class App;
}

namespace lynx::tools {

struct TailOptions {
  PrintOptions print;
  FilterOptions filter;
  std::int64_t lines = 10;
  bool follow = false;
  bool recursive = false;
  std::vector<std::string> paths;
};

CLI::App* add_tail_command(CLI::App& app, TailOptions& options);

// Exit codes as `lynx cat`; with -f it returns only when output failed or was closed.
int run_tail(const TailOptions& options, std::FILE* out, std::FILE* err);

}  // namespace lynx::tools
