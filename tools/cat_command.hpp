// `lynx cat [options] PATH...`: every record of the given files ("-" or /dev/stdin: standard
// input; a directory: its *.lynx files, -r: recursively), merged in time order as they are read
// (see tools/log_source.hpp), one line per record on stdout; output starts at once and memory
// stays bounded whatever the input. Output options: tools/record_printer.hpp; filters:
// tools/filter.hpp; --head N stops after N records, --tail N prints the last N.
// --dictionary names the zstd dictionary of files written with one that they do not carry (the
// engine normally embeds it in every file).
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

struct CatOptions {
  PrintOptions print;
  FilterOptions filter;
  std::int64_t head = -1;  // -1: all
  std::int64_t tail = -1;
  bool recursive = false;
  std::string dictionary;  // empty: none
  std::vector<std::string> paths;
  int threads = 0;  // 1: decode and print on one thread; 2: decode on a second; 0: 2 if there
                    // are several CPUs
};

// Registers the `cat` subcommand on `app`; parsing fills `options`. Returns the subcommand.
CLI::App* add_cat_command(CLI::App& app, CatOptions& options);

// Runs `cat`. Returns the exit code: kExitOk, kExitDataError (damage found; the readable records
// are still printed) or kExitUsage (a bad option value, a path, file or the dictionary could not
// be read, or output failed). Bad option values and a bad dictionary stop the command before any
// file is read. Standard output closed by its reader ends it quietly.
int run_cat(const CatOptions& options, std::FILE* out, std::FILE* err);

// The current time in Unix ns (what relative --since/--until count back from).
std::int64_t now_unix_ns();

}  // namespace lynx::tools
