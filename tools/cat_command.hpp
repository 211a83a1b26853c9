// `lynx cat [--format text|json] [--dictionary FILE] PATH...`: every record of the given files
// ("-": standard input), merged in time order as they are read (see tools/log_source.hpp), one
// line per record on stdout; output starts at once and memory stays bounded whatever the input.
// --dictionary names the zstd dictionary of files written with one that they do not carry (the
// engine normally embeds it in every file).
#pragma once

#include <cstdio>
#include <string>
#include <vector>

#include "render/render.hpp"

namespace CLI {
class App;
}

namespace lynx::tools {

struct CatOptions {
  render::OutputFormat format = render::OutputFormat::text;
  std::string dictionary;  // empty: none
  std::vector<std::string> paths;
};

// Registers the `cat` subcommand on `app`; parsing fills `options`. Returns the subcommand.
CLI::App* add_cat_command(CLI::App& app, CatOptions& options);

// Runs `cat`. Returns the exit code: kExitOk, kExitDataError (damage found; the readable records
// are still printed) or kExitUsage (a path, file or the dictionary could not be read, or output
// failed). A bad dictionary stops the command before any file is read.
int run_cat(const CatOptions& options, std::FILE* out, std::FILE* err);

}  // namespace lynx::tools
