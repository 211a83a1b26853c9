#include "tools/record_printer.hpp"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include <CLI/CLI.hpp>

#include "tools/cat_command.hpp"

namespace lynx::tools {

namespace {

// Output goes out in chunks of about this size: one fwrite per chunk, never a flush per line.
// Small enough that the buffer stays in the CPU's caches between chunks (1 MiB did not).
constexpr std::size_t kFlushBytes = 128 << 10;

}  // namespace

void add_print_options(CLI::App& cmd, PrintOptions& o) {
  cmd.add_option("--format", o.format, "Output format, one line per record")
      ->check(CLI::IsMember({"text", "json", "logfmt", "otlp-json"}))
      ->default_str("text")
      ->group("Output");
  cmd.add_option("--template", o.template_spec,
                 "Text layout, e.g. '{ts} {level} {logger} {msg} {fields}' (see `lynx help cat`)")
      ->type_name("SPEC")
      ->group("Output");
  cmd.add_option("--color", o.color, "Colour levels: auto (on a terminal, unless NO_COLOR)")
      ->check(CLI::IsMember({"auto", "always", "never"}))
      ->default_str("auto")
      ->group("Output");
  cmd.add_flag("--local", o.local_time, "Timestamps in local time (default UTC)")->group("Output");
}

bool use_color(const std::string& color, std::FILE* out) {
  if (color == "always") return true;
  if (color == "never") return false;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return ::isatty(::fileno(out)) == 1;
}

Status RecordPrinter::create(const PrintOptions& o, std::FILE* out,
                             std::unique_ptr<RecordPrinter>* printer) {
  const render::OutputFormat format = o.format == "json"     ? render::OutputFormat::json
                                      : o.format == "logfmt" ? render::OutputFormat::logfmt
                                                             : render::OutputFormat::text;
  if (!o.template_spec.empty() && (format != render::OutputFormat::text || o.format != "text")) {
    return Status::error(
        Status::Code::invalid_argument,
        "--template lays out text lines: it cannot be used with --format " + o.format);
  }
  render::TemplateOptions topt;
  topt.local_time = o.local_time;
  topt.color = use_color(o.color, out);
  std::string error;
  std::optional<render::Template> t = render::Template::compile(
      o.template_spec.empty() ? render::kDefaultTextTemplate : o.template_spec, topt, &error);
  if (!t) return Status::error(Status::Code::invalid_argument, "--template: " + error);
  printer->reset(new RecordPrinter(out, format, std::move(*t)));
  (*printer)->default_text_ = format == render::OutputFormat::text && o.template_spec.empty() &&
                              !topt.color && !topt.local_time;
  (*printer)->buf_.reserve(kFlushBytes + 64 * 1024);
  if (o.format == "otlp-json") {
    (*printer)->otlp_ = true;
    char host[256] = {};
    (*printer)->host_ = ::gethostname(host, sizeof host - 1) == 0 ? host : "localhost";
  }
  return {};
}

void RecordPrinter::render(fmt::memory_buffer& buf, const MergedRecord& r) {
  const record::RecordView view = r.view();
  if (otlp_) {
    otlp_renderer_.line(buf, view, {host_, r.program, r.pid});
  } else if (default_text_) {
    renderer_.text(buf, view);  // the same line as the default template, without its dispatch
  } else if (format_ == render::OutputFormat::text) {
    text_.render(buf, view, renderer_, offset_cache_);
  } else {
    renderer_.line(buf, format_, view);
  }
}

bool RecordPrinter::print(const MergedRecord& r, Diagnostics& diag) {
  render(buf_, r);
  if (buf_.size() < kFlushBytes) return true;
  const bool ok = write_output(out_, buf_.data(), buf_.size(), diag);
  buf_.clear();
  return ok;
}

bool RecordPrinter::print_rendered(std::string_view bytes, Diagnostics& diag) {
  buf_.append(bytes.data(), bytes.data() + bytes.size());
  if (buf_.size() < kFlushBytes) return true;
  const bool ok = write_output(out_, buf_.data(), buf_.size(), diag);
  buf_.clear();
  return ok;
}

bool RecordPrinter::flush(Diagnostics& diag) {
  const bool ok = write_output(out_, buf_.data(), buf_.size(), diag);
  buf_.clear();
  if (!ok) return false;
  if (std::fflush(out_) == 0) return true;
  if (errno == EPIPE) {
    diag.broken_pipe();
  } else {
    diag.io_error(fmt::format("write error on standard output: {}", std::strerror(errno)));
  }
  return false;
}

void LastLines::add(const MergedRecord& r, RecordPrinter& printer) {
  if (limit_ == 0) return;
  scratch_.clear();
  printer.render(scratch_, r);
  if (lines_.size() < limit_) {
    lines_.emplace_back(scratch_.data(), scratch_.size());
  } else {
    lines_[next_].assign(scratch_.data(), scratch_.size());
    next_ = (next_ + 1) % limit_;
  }
}

bool LastLines::print(RecordPrinter& printer, Diagnostics& diag) {
  const std::size_t n = lines_.size();
  bool ok = true;
  for (std::size_t k = 0; k < n && ok; ++k)
    ok = printer.print_rendered(lines_[(next_ + k) % n], diag);
  lines_.clear();
  next_ = 0;
  return ok;
}

bool prepare_output(const FilterOptions& filter_options, const PrintOptions& print_options,
                    std::FILE* out, Diagnostics& diag, std::unique_ptr<RecordFilter>* filter,
                    std::unique_ptr<RecordPrinter>* printer) {
  if (Status s = RecordFilter::compile(filter_options, now_unix_ns(), filter); !s.ok()) {
    diag.io_error(s.message());
    return false;
  }
  if (!(*filter)->filters_anything()) filter->reset();
  if (Status s = RecordPrinter::create(print_options, out, printer); !s.ok()) {
    diag.io_error(s.message());
    return false;
  }
  return true;
}

}  // namespace lynx::tools
