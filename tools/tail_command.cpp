#include "tools/tail_command.hpp"

#include <filesystem>
#include <thread>

#include <CLI/CLI.hpp>

#include "tools/cat_command.hpp"
#include "tools/follow.hpp"
#include "tools/log_source.hpp"

namespace lynx::tools {

CLI::App* add_tail_command(CLI::App& app, TailOptions& options) {
  CLI::App* tail =
      app.add_subcommand("tail", "Print the last records, and with -f follow a live directory");
  tail->add_flag("-f,--follow", options.follow,
                 "Then keep printing new records: appended, rotated files, new shards");
  tail->add_option("-n,--lines", options.lines, "How many of the last records to print first")
      ->check(CLI::NonNegativeNumber)
      ->default_str("10");
  tail->add_flag("-r,--recursive", options.recursive, "Read directories' subdirectories too");
  add_print_options(*tail, options.print);
  add_filter_options(*tail, options.filter);
  tail->add_option("PATH", options.paths, "Log directories or files")->required();
  tail->footer(R"(Examples:
  lynx tail logs/                          the last 10 records
  lynx tail -f logs/                       then follow the program writing logs/
  lynx tail -f -n 0 --level error logs/    only new errors, from now on
  lynx tail -f --format json logs/ | jq -c 'select(.fields.amount > 100)')");
  return tail;
}

int run_tail(const TailOptions& options, std::FILE* out, std::FILE* err) {
  Diagnostics diag(err);
  std::unique_ptr<RecordFilter> filter;
  std::unique_ptr<RecordPrinter> printer;
  if (!prepare_output(options.filter, options.print, out, diag, &filter, &printer))
    return diag.exit_code();
  LastLines last(static_cast<std::size_t>(options.lines));
  if (!options.follow) {
    const std::vector<std::string> files = expand_paths(options.paths, diag, options.recursive);
    LogMerge logs(files, diag, {}, filter.get());
    while (const MergedRecord* r = logs.next()) last.add(*r, *printer);
    if (last.print(*printer, diag)) printer->flush(diag);
    return diag.exit_code();
  }
  for (const std::string& p : options.paths) {
    std::error_code ec;
    if (!std::filesystem::exists(p, ec)) diag.io_error(p + ": No such file or directory");
  }
  if (diag.exit_code() != kExitOk) return diag.exit_code();
  LogFollower follower(options.paths, diag, filter.get(), options.recursive);
  // What is there already: its last N records.
  follower.poll([&](const MergedRecord& r) { last.add(r, *printer); });
  if (!last.print(*printer, diag) || !printer->flush(diag)) return diag.exit_code();
  for (;;) {
    std::this_thread::sleep_for(kPollInterval);
    bool ok = true;
    follower.poll([&](const MergedRecord& r) { ok = ok && printer->print(r, diag); });
    if (!ok || !printer->flush(diag)) return diag.exit_code();
  }
}

}  // namespace lynx::tools
