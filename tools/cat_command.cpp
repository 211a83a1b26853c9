#include "tools/cat_command.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "tools/log_source.hpp"
#include "tools/merge_pipeline.hpp"

namespace lynx::tools {

std::int64_t now_unix_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

CLI::App* add_cat_command(CLI::App& app, CatOptions& options) {
  CLI::App* cat = app.add_subcommand("cat", "Print the records of log files, merged in time order");
  add_print_options(*cat, options.print);
  add_filter_options(*cat, options.filter);
  cat->add_option("--head", options.head, "Only the first N records (after the filters)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber)
      ->group("Filters");
  cat->add_option("--tail", options.tail, "Only the last N records (after the filters)")
      ->type_name("N")
      ->check(CLI::NonNegativeNumber)
      ->group("Filters");
  cat->add_flag("-r,--recursive", options.recursive, "Read directories' subdirectories too");
  cat->add_option("--threads", options.threads,
                  "1: read, decode and print on one thread; 2: read and decode on a second one "
                  "(default when the process may use several CPUs)")
      ->type_name("N")
      ->check(CLI::Range(1, 2));
  cat->add_option("--dictionary", options.dictionary,
                  "zstd dictionary (from `lynx train`) for files that do not carry theirs")
      ->type_name("FILE");
  cat->add_option("PATH", options.paths,
                  "Log files, directories whose *.lynx files are read, or - for standard input")
      ->required();
  cat->footer(R"(Examples:
  lynx cat logs/                              all records of a directory, in time order
  lynx cat -r --format json logs/ | jq .      JSON lines (keys: ts level logger thread
                                              thread_name pid file line function msg fields)
  lynx cat --level warn --since 15m logs/     warnings and errors of the last 15 minutes
  lynx cat --logger 'orders.*' --where 'amount>100' --where 'user~^b' logs/
  lynx cat --grep 'timeout|refused' --tail 20 logs/
  lynx cat --template '{ts} {level:5} {msg} {fields}' --local app.lynx
  ssh web1 cat logs/app.0.0.lynx | lynx cat -   standard input

Template fields: ts ts_ns level level_lower logger msg fields template file basename line
function thread thread_name pid; {name:W} pads to W, {name:>W} right-aligns, {{ }} are braces.
Exit codes: 0 ok, 1 damaged data (what was readable is printed), 2 usage or I/O error.)");
  return cat;
}

namespace {

// Prints the records of `logs` (a LogMerge or a PipelinedMerge) with --head and --tail.
template <class Records>
void print_records(Records& logs, const CatOptions& options, RecordPrinter& printer,
                   Diagnostics& diag) {
  std::unique_ptr<LastLines> last;
  if (options.tail >= 0) last = std::make_unique<LastLines>(static_cast<std::size_t>(options.tail));
  std::int64_t printed = 0;
  bool ok = true;
  while (ok && (options.head < 0 || printed < options.head)) {
    const MergedRecord* r = logs.next();
    if (r == nullptr) break;
    ++printed;
    if (last) {
      last->add(*r, printer);
    } else {
      ok = printer.print(*r, diag);
    }
  }
  if (ok && last) ok = last->print(printer, diag);
  if (ok) printer.flush(diag);
}

}  // namespace

int run_cat(const CatOptions& options, std::FILE* out, std::FILE* err) {
  Diagnostics diag(err);
  std::unique_ptr<RecordFilter> filter;
  std::unique_ptr<RecordPrinter> printer;
  if (!prepare_output(options.filter, options.print, out, diag, &filter, &printer))
    return diag.exit_code();
  std::vector<std::byte> dictionary;
  if (!options.dictionary.empty() &&
      !load_dictionary_option(options.dictionary, &dictionary, diag)) {
    return diag.exit_code();
  }
  const std::vector<std::string> files = expand_paths(options.paths, diag, options.recursive);
  // A second thread only for regular files: one blocked reading a pipe could not be stopped
  // (--head), and would keep lynx waiting for its writer.
  const bool files_only = std::all_of(files.begin(), files.end(), [](const std::string& f) {
    struct stat st {};
    return f != kStdinPath && ::stat(f.c_str(), &st) == 0 && S_ISREG(st.st_mode);
  });
  const int threads = options.threads != 0 ? options.threads : several_cpus() ? 2 : 1;
  if (threads == 1 || !files_only) {
    LogMerge logs(files, diag, dictionary, filter.get());
    print_records(logs, options, *printer, diag);
  } else {
    PipelinedMerge logs(files, diag, dictionary, filter.get());
    print_records(logs, options, *printer, diag);
    logs.stop();  // every diagnostic of the merge is in before the exit code is read
  }
  return diag.exit_code();
}

}  // namespace lynx::tools
