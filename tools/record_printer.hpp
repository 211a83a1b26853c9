// How `lynx cat` and `lynx tail` print records: the output options (--format, --template,
// --color, --local), one RecordPrinter that renders merged records into a buffer and writes it
// out in large chunks, and a ring of the last N lines for --tail / -n.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "render/otlp.hpp"
#include "render/render.hpp"
#include "render/template.hpp"
#include "tools/filter.hpp"
#include "tools/log_source.hpp"

namespace CLI {
class App;
}

namespace lynx::tools {

struct PrintOptions {
  std::string format = "text";  // text, json, logfmt, otlp-json
  std::string template_spec;    // --template: a text layout (render/template.hpp)
  std::string color = "auto";   // auto, always, never
  bool local_time = false;
};

// Registers the output options on `cmd`.
void add_print_options(CLI::App& cmd, PrintOptions& options);

// Whether to colour: "always", "never", or "auto": when `out` is a terminal, NO_COLOR is unset
// or empty, and TERM is not "dumb".
bool use_color(const std::string& color, std::FILE* out);

class RecordPrinter;

// What `cat` and `tail` set up first: the filter (*filter stays null when the options filter
// nothing, so records skip it) and the printer. False, reported through `diag` (exit 2), when an
// option is bad.
bool prepare_output(const FilterOptions& filter_options, const PrintOptions& print_options,
                    std::FILE* out, Diagnostics& diag, std::unique_ptr<RecordFilter>* filter,
                    std::unique_ptr<RecordPrinter>* printer);

class RecordPrinter {
 public:
  // Errors (Code::invalid_argument): a bad --template; a --template with a format other than
  // text.
  static Status create(const PrintOptions& options, std::FILE* out,
                       std::unique_ptr<RecordPrinter>* printer);

  // Appends the record's line to `buf`.
  void render(fmt::memory_buffer& buf, const MergedRecord& r);
  // Renders into the output buffer; writes it out when it is large. False once output failed.
  bool print(const MergedRecord& r, Diagnostics& diag);
  // Writes out the output buffer and flushes `out`. False when output failed (reported).
  bool flush(Diagnostics& diag);
  // Writes `bytes` (already rendered lines) through the output buffer.
  bool print_rendered(std::string_view bytes, Diagnostics& diag);

 private:
  RecordPrinter(std::FILE* out, render::OutputFormat format, render::Template text)
      : out_(out), format_(format), text_(std::move(text)) {}

  std::FILE* out_;
  render::OutputFormat format_;
  render::Template text_;
  bool default_text_ = false;  // Renderer::text() prints exactly the line text_ would
  render::Renderer renderer_;
  bool otlp_ = false;  // --format otlp-json
  std::string host_;   // its resource's host.name
  render::OtlpRenderer otlp_renderer_;
  render::LocalOffsetCache offset_cache_;
  fmt::memory_buffer buf_;
};

// The last `n` lines rendered into it, oldest first: --tail N and `lynx tail -n N`. Memory: the
// last n lines (grown as they come, then reused).
class LastLines {
 public:
  explicit LastLines(std::size_t n) : limit_(n) {}
  void add(const MergedRecord& r, RecordPrinter& printer);
  // Prints them in order and empties the ring.
  bool print(RecordPrinter& printer, Diagnostics& diag);

 private:
  std::size_t limit_;
  std::vector<std::string> lines_;
  std::size_t next_ = 0;  // the oldest line once the ring is full
  fmt::memory_buffer scratch_;
};

}  // namespace lynx::tools
