#include "tools/verify_command.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string_view>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "tools/log_source.hpp"

namespace lynx::tools {

namespace {

// "1 block", "2 blocks".
std::string count(std::uint64_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

// The reader's open() messages start with the path, which the problem line already names.
std::string without_path(const std::string& message, const std::string& path) {
  const std::string prefix = path + ": ";
  return message.starts_with(prefix) ? message.substr(prefix.size()) : message;
}

void print_problem(std::FILE* out, const std::string& path, const format::Problem& p) {
  fmt::print(out, "{}: offset {}: {}, {}: {}\n", path, p.offset,
             count(p.bytes, "byte unusable", "bytes unusable"),
             count(p.records_lost, "record lost", "records lost"), p.message);
}

// "<n> blocks, <n> records, ... unusable tail bytes": the counters of a file line and the total.
std::string counters(std::uint64_t blocks, std::uint64_t records, std::uint64_t bytes,
                     std::uint64_t problems, std::uint64_t lost, std::uint64_t tail) {
  return fmt::format("{}, {}, {}, {}, {}, {}", count(blocks, "block", "blocks"),
                     count(records, "record", "records"), count(bytes, "byte", "bytes"),
                     count(problems, "problem", "problems"),
                     count(lost, "record lost", "records lost"),
                     count(tail, "unusable tail byte", "unusable tail bytes"));
}

}  // namespace

namespace {

// The verdict of a file from what reading it found (`read` reads it, problems to the callback).
template <class ReadFn>
FileVerdict verdict_of(const std::string& path, ReadFn read) {
  FileVerdict v;
  v.path = path;
  v.readable = true;
  const format::ReadSummary sum = read([&v](const format::Problem& p) {
    v.problems.push_back(p);
    v.records_lost += p.records_lost;
  });
  v.read_error = sum.error;
  v.blocks = sum.blocks;
  v.records = sum.records;
  v.bytes = sum.bytes;
  if (!v.problems.empty()) {
    const format::Problem& last = v.problems.back();
    if (last.offset + last.bytes == v.bytes) v.tail_bytes = last.bytes;
  }
  return v;
}

}  // namespace

FileVerdict verify_reader(format::FileReader& reader) {
  return verdict_of(reader.path(), [&](const format::FileReader::ProblemFn& on_problem) {
    return reader.read([](const format::Record&) {}, on_problem);
  });
}

FileVerdict verify_reader(format::BlockReader& reader) {
  return verdict_of(reader.path(),
                    [&](const std::function<void(const format::Problem&)>& on_problem) {
                      return format::read_to_end(
                          reader, [](const format::Record&) {}, on_problem);
                    });
}

CLI::App* add_verify_command(CLI::App& app, VerifyOptions& options) {
  CLI::App* verify = app.add_subcommand(
      "verify", "Check every header, checksum and record of log files and report any damage");
  verify->add_flag("-q,--quiet", options.quiet, "Print only the problems found");
  verify
      ->add_option("--dictionary", options.dictionary,
                   "zstd dictionary (from `lynx train`) for files that do not carry theirs")
      ->type_name("FILE");
  verify->add_option("PATH", options.paths, "Log files, or directories whose *.lynx files are read")
      ->required();
  return verify;
}

int run_verify(const VerifyOptions& options, std::FILE* out, std::FILE* err) {
  Diagnostics diag(err);
  std::vector<std::byte> dictionary;
  if (!options.dictionary.empty() &&
      !load_dictionary_option(options.dictionary, &dictionary, diag)) {
    return diag.exit_code();
  }
  FileVerdict total;
  std::uint64_t files = 0, damaged = 0, problems = 0;
  for (const std::string& path : expand_paths(options.paths, diag)) {
    FileVerdict v;
    Status header_error;
    if (const auto reader = open_log(path, dictionary, diag, &header_error)) {
      v = verify_reader(*reader);
      if (!v.read_error.ok()) {
        diag.io_error(v.read_error.message());
        continue;
      }
    } else if (!header_error.ok()) {
      v.path = path;
      std::error_code ec;
      const std::uintmax_t size = std::filesystem::file_size(path, ec);
      v.bytes = ec ? 0 : static_cast<std::uint64_t>(size);
      v.problems.push_back(
          format::Problem{0, v.bytes, 0, without_path(header_error.message(), path)});
    } else {
      continue;  // reported by open_log
    }
    ++files;
    if (!v.intact()) ++damaged;
    problems += v.problems.size();
    total.blocks += v.blocks;
    total.records += v.records;
    total.bytes += v.bytes;
    total.records_lost += v.records_lost;
    total.tail_bytes += v.tail_bytes;
    if (!options.quiet) {
      fmt::print(
          out, "{}: {}: {}\n", path,
          v.intact()   ? "ok"
          : v.readable ? "damaged"
                       : "unreadable",
          counters(v.blocks, v.records, v.bytes, v.problems.size(), v.records_lost, v.tail_bytes));
    }
    for (const format::Problem& p : v.problems) print_problem(out, path, p);
  }
  if (!options.quiet) {
    fmt::print(out, "total: {} ({} damaged), {}\n", count(files, "file", "files"), damaged,
               counters(total.blocks, total.records, total.bytes, problems, total.records_lost,
                        total.tail_bytes));
  }
  if (std::fflush(out) != 0 || std::ferror(out)) {
    diag.io_error(fmt::format("write error on standard output: {}", std::strerror(errno)));
  }
  if (diag.exit_code() != kExitOk) return diag.exit_code();
  return damaged != 0 ? kExitDataError : kExitOk;
}

}  // namespace lynx::tools
