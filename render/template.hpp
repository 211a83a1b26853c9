// Line templates: a custom text layout for records, compiled once and rendered per record, e.g.
//
//   {ts} {level:5} {logger} [{thread}] {file}:{line} {msg}      (the default: `lynx cat` text)
//   {ts} {level} {msg} {fields}
//
// Used by `lynx cat --template` and by text sinks. A placeholder is `{name}` or `{name:W}`
// (padded with spaces to at least W bytes, text on the left) or `{name:>W}` (text on the right),
// W at most kMaxTemplateWidth. `{{` and `}}` are literal braces; all other text is copied as is.
//
//   ts           RFC 3339 with nanoseconds, UTC (2026-11-27T21:17:26.123456789Z) or local time
//                with its offset (TemplateOptions::local_time)
//   ts_ns        Unix nanoseconds, an integer
//   level        the level in capitals (INFO); coloured when TemplateOptions::color
//   level_lower  the level as `lynx cat --level` spells it (info)
//   logger       the logger's name
//   msg          the message (template formatted with the values)
//   fields       the structured fields as logfmt pairs: id=17 user=bob (quoted where needed)
//   template     the template as written in the code
//   file         the source file's path as logged; basename: only its last component
//   line         the source line
//   function     the function
//   thread       the OS thread id; thread_name: the thread's name; pid: the process id
//
// Escaping: every part that comes from a record (names, message, fields) goes through the render
// library's text escaping (render.hpp: control bytes, ESC and invalid UTF-8 escaped), so no
// record can forge a line or drive a terminal. The literal text of the template is the caller's
// and is copied unchanged.
//
// Rendering appends to a caller-owned fmt::memory_buffer and does not allocate once the buffers
// have grown (runs once per record). A Template is immutable after compile(); its render() takes
// the Renderer whose scratch buffers it uses, so one Template may serve several threads, each
// with its own Renderer and LocalOffsetCache.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "record/record_view.hpp"
#include "render/render.hpp"

namespace lynx::render {

inline constexpr std::uint32_t kMaxTemplateWidth = 256;

// The layout of `lynx cat`'s default text lines (Renderer::text() prints the same).
inline constexpr std::string_view kDefaultTextTemplate =
    "{ts} {level:5} {logger} [{thread}] {file}:{line} {msg}";

struct TemplateOptions {
  bool local_time = false;  // {ts} in the local time zone (TZ) instead of UTC
  bool color = false;       // {level} in ANSI colours by level (for terminals)
  bool newline = true;      // end every rendered line with '\n'
};

class Template {
 public:
  // Compiles `spec`. On a malformed spec (an unknown name, an unclosed '{', a lone '}', a bad
  // width) returns nothing and sets *error to one line saying what and where, e.g.
  // "unknown field 'tss' in template (at byte 1); fields: ts, ts_ns, level, ...".
  static std::optional<Template> compile(std::string_view spec, const TemplateOptions& options,
                                         std::string* error);

  // Appends the record's line to `out`. `cache` keeps the local time offset between calls.
  void render(fmt::memory_buffer& out, const record::RecordView& r, Renderer& renderer,
              LocalOffsetCache& cache) const;

  // Whether the template shows the message or the fields (else rendering skips formatting them).
  bool uses_message() const { return uses_message_; }

 private:
  enum class Field : std::uint8_t {
    literal,
    ts,
    ts_ns,
    level,
    level_lower,
    logger,
    msg,
    fields,
    format,
    file,
    basename,
    line,
    function,
    thread,
    thread_name,
    pid,
  };
  struct Op {
    Field field = Field::literal;
    bool align_right = false;
    std::uint32_t width = 0;
    std::uint32_t begin = 0, size = 0;  // literal: its bytes in text_
  };
  // Appends the field; returns how many of its bytes are invisible (colour codes), which the
  // padding does not count.
  std::size_t render_field(fmt::memory_buffer& out, const Op& op, const record::RecordView& r,
                           Renderer& renderer, LocalOffsetCache& cache) const;
  void render_plain(fmt::memory_buffer& out, const Op& op, const record::RecordView& r,
                    Renderer& renderer, LocalOffsetCache& cache) const;

  std::string text_;  // the literal parts, one after another
  std::vector<Op> ops_;
  TemplateOptions options_;
  bool uses_message_ = false;
};

}  // namespace lynx::render
