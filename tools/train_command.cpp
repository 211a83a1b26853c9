#include "tools/train_command.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "compress/zstd_dictionary.hpp"
#include "format/reader.hpp"
#include "tools/log_source.hpp"

namespace lynx::tools {

namespace {

// Training material: samples laid end to end, as compress::train_dictionary takes them.
struct Samples {
  std::vector<std::byte> bytes;
  std::vector<std::size_t> sizes;
  bool full = false;  // kMaxTrainBytes reached: later payloads were not used

  void add_payload(const std::byte* p, std::size_t n) {
    for (std::size_t at = 0; at < n && !full; at += kTrainSampleBytes) {
      const std::size_t size = std::min(kTrainSampleBytes, n - at);
      if (bytes.size() + size > kMaxTrainBytes) {
        full = true;
        break;
      }
      bytes.insert(bytes.end(), p + at, p + at + size);
      sizes.push_back(size);
    }
  }
};

bool write_file(const std::string& path, const std::vector<std::byte>& bytes, std::string* error) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr) {
    *error = std::strerror(errno);
    return false;
  }
  const bool written = std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size();
  const int write_errno = errno;
  if (std::fclose(f) != 0 || !written) {
    *error = std::strerror(written ? errno : write_errno);
    return false;
  }
  return true;
}

}  // namespace

CLI::App* add_train_command(CLI::App& app, TrainOptions& options) {
  CLI::App* train = app.add_subcommand(
      "train", "Train a zstd dictionary from existing log files (for Options::zstd_dictionary)");
  train->add_option("--size", options.size, "Largest size of the dictionary in bytes")
      ->check(CLI::Range(std::size_t{256}, compress::kMaxDictionaryBytes))
      ->default_val(kDefaultDictionaryBytes)
      ->type_name("BYTES");
  train->add_option("-o,--output", options.output, "Where to write the dictionary")
      ->required()
      ->type_name("FILE");
  train->add_option("PATH", options.paths, "Log files, or directories whose *.lynx files are read")
      ->required();
  return train;
}

int run_train(const TrainOptions& options, std::FILE* out, std::FILE* err) {
  Diagnostics diag(err);
  Samples samples;
  std::size_t files = 0;
  for (const std::string& path : expand_paths(options.paths, diag)) {
    if (samples.full) break;
    const auto reader = open_log(path, {}, diag);
    if (!reader) continue;
    ++files;
    reader->set_payload_hook([&samples](format::BlockKind kind, const std::byte* p, std::size_t n) {
      if (kind == format::BlockKind::metadata || format::holds_records(kind)) {
        samples.add_payload(p, n);
      }
    });
    const format::ReadSummary sum = format::read_to_end(
        *reader, [](const format::Record&) {},
        [&](const format::Problem& p) { report_problem(path, p, diag); });
    if (!sum.error.ok()) diag.io_error(sum.error.message());
  }
  // A path that could not be read is most likely a mistake: do not train from what is left.
  if (diag.exit_code() == kExitUsage) return kExitUsage;

  std::vector<std::byte> dictionary;
  if (const Status s =
          compress::train_dictionary(samples.bytes, samples.sizes, options.size, &dictionary);
      !s.ok()) {
    diag.io_error(fmt::format("cannot train a dictionary from {} bytes in {} samples: {}",
                              samples.bytes.size(), samples.sizes.size(), s.message()));
    return diag.exit_code();
  }
  if (std::string error; !write_file(options.output, dictionary, &error)) {
    diag.io_error(fmt::format("cannot write {}: {}", options.output, error));
    return diag.exit_code();
  }
  fmt::print(out,
             "{}: zstd dictionary {}, {} bytes, trained from {} samples ({} bytes) of {} {}{}\n",
             options.output, compress::dictionary_id(dictionary), dictionary.size(),
             samples.sizes.size(), samples.bytes.size(), files, files == 1 ? "file" : "files",
             samples.full ? " (input beyond 256 MiB not used)" : "");
  std::fflush(out);
  return diag.exit_code();
}

}  // namespace lynx::tools
