// `lynx train [--size BYTES] --output FILE PATH...`: trains a zstd dictionary from existing logs,
// for Options::zstd_dictionary. Samples are the decoded payloads of the intact metadata and data
// blocks of the given files (what the writer compresses, block by block), cut into pieces of
// kTrainSampleBytes. Prints the dictionary's id and size.
//
// Exit code: kExitOk; kExitDataError when some input was damaged (the dictionary is still trained
// from the intact blocks and written); kExitUsage for a usage or I/O error, or too little material
// to train from (then nothing is written).
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace lynx::tools {

inline constexpr std::size_t kTrainSampleBytes = 4096;
inline constexpr std::size_t kDefaultDictionaryBytes = 112640;  // zstd's own default (110 KiB)
// Material beyond this is not read: zstd recommends about 100 times the dictionary size.
inline constexpr std::size_t kMaxTrainBytes = 256u << 20;

struct TrainOptions {
  std::size_t size = kDefaultDictionaryBytes;
  std::string output;
  std::vector<std::string> paths;
};

// Registers the `train` subcommand on `app`; parsing fills `options`. Returns the subcommand.
CLI::App* add_train_command(CLI::App& app, TrainOptions& options);

// Runs `train` (see the file comment). The result line goes to `out`, diagnostics to `err`.
int run_train(const TrainOptions& options, std::FILE* out, std::FILE* err);

}  // namespace lynx::tools
