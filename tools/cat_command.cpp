#include "tools/cat_command.hpp"

#include <cerrno>
#include <cstring>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "tools/log_source.hpp"

namespace lynx::tools {

namespace {

// Output goes out in chunks of about this size: one fwrite per chunk, never a flush per line.
constexpr std::size_t kFlushBytes = 1 << 20;

bool write_all(std::FILE* out, const fmt::memory_buffer& buf) {
  return std::fwrite(buf.data(), 1, buf.size(), out) == buf.size();
}

}  // namespace

CLI::App* add_cat_command(CLI::App& app, CatOptions& options) {
  CLI::App* cat = app.add_subcommand("cat", "Print the records of log files, merged in time order");
  cat->add_option_function<std::string>(
         "--format",
         [&options](const std::string& name) {
           options.format =
               name == "json" ? render::OutputFormat::json : render::OutputFormat::text;
         },
         "Output format, one line per record")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
  cat->add_option("--dictionary", options.dictionary,
                  "zstd dictionary (from `lynx train`) for files that do not carry theirs")
      ->type_name("FILE");
  cat->add_option("PATH", options.paths,
                  "Log files, directories whose *.lynx files are read, or - for standard input")
      ->required();
  return cat;
}

int run_cat(const CatOptions& options, std::FILE* out, std::FILE* err) {
  Diagnostics diag(err);
  std::vector<std::byte> dictionary;
  if (!options.dictionary.empty() &&
      !load_dictionary_option(options.dictionary, &dictionary, diag)) {
    return diag.exit_code();
  }
  const std::vector<std::string> files = expand_paths(options.paths, diag);
  LogMerge logs(files, diag, dictionary);

  render::Renderer renderer;
  fmt::memory_buffer buf;
  buf.reserve(kFlushBytes + 64 * 1024);
  bool ok = true;
  while (const MergedRecord* r = logs.next()) {
    const record::Site site = r->site->view();
    const record::RecordView view{r->ts_ns,   &site,         {0, r->os_tid, {}}, r->values,
                                  r->context, r->suppressed, r->backtrace};
    renderer.line(buf, options.format, view);
    if (buf.size() >= kFlushBytes) {
      ok = write_all(out, buf);
      if (!ok) break;
      buf.clear();
    }
  }
  if (!ok || !write_all(out, buf) || std::fflush(out) != 0) {
    diag.io_error(fmt::format("write error on standard output: {}", std::strerror(errno)));
  }
  return diag.exit_code();
}

}  // namespace lynx::tools
