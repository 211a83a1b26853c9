// Line templates (template.hpp): parsing a spec into a list of operations once, and rendering a
// record by walking that list.
#include "render/template.hpp"

#include <algorithm>
#include <array>
#include <utility>

#include "render/buffer_ops.hpp"

namespace lynx::render {

using detail::append;
using detail::append_int;

namespace {

struct FieldName {
  std::string_view name;
  int field;  // Template::Field, as an int: the enum is private
};

// ANSI SGR colours by level (trace .. critical); the reset follows the level's text.
constexpr std::array<std::string_view, 6> kLevelColor = {"\x1b[2m",  "\x1b[36m", "\x1b[32m",
                                                         "\x1b[33m", "\x1b[31m", "\x1b[1;31m"};
constexpr std::string_view kReset = "\x1b[0m";

void append_upper(fmt::memory_buffer& out, std::string_view s) {
  for (const char c : s) out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
}

std::string_view basename_of(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

}  // namespace

std::optional<Template> Template::compile(std::string_view spec, const TemplateOptions& options,
                                          std::string* error) {
  static constexpr FieldName kNames[] = {
      {"ts", int(Field::ts)},         {"ts_ns", int(Field::ts_ns)},
      {"level", int(Field::level)},   {"level_lower", int(Field::level_lower)},
      {"logger", int(Field::logger)}, {"msg", int(Field::msg)},
      {"fields", int(Field::fields)}, {"template", int(Field::format)},
      {"file", int(Field::file)},     {"basename", int(Field::basename)},
      {"line", int(Field::line)},     {"function", int(Field::function)},
      {"thread", int(Field::thread)}, {"thread_name", int(Field::thread_name)},
      {"pid", int(Field::pid)},
  };
  auto fail = [&](std::string what, std::size_t at) {
    *error = fmt::format("{} in template (at byte {})", what, at);
    return std::nullopt;
  };
  Template t;
  t.options_ = options;
  auto literal = [&](std::string_view s) {
    if (s.empty()) return;
    if (!t.ops_.empty() && t.ops_.back().field == Field::literal) {
      t.ops_.back().size += static_cast<std::uint32_t>(s.size());
    } else {
      t.ops_.push_back(Op{Field::literal, false, 0, static_cast<std::uint32_t>(t.text_.size()),
                          static_cast<std::uint32_t>(s.size())});
    }
    t.text_.append(s);
  };
  std::size_t i = 0;
  while (i < spec.size()) {
    const char c = spec[i];
    if ((c == '{' || c == '}') && i + 1 < spec.size() && spec[i + 1] == c) {
      literal(spec.substr(i, 1));
      i += 2;
      continue;
    }
    if (c == '}') return fail("a '}' without its '{' (write '}}' for a brace)", i);
    if (c != '{') {
      const std::size_t next = std::min(spec.find_first_of("{}", i), spec.size());
      literal(spec.substr(i, next - i));
      i = next;
      continue;
    }
    const std::size_t close = spec.find('}', i + 1);
    if (close == std::string_view::npos) return fail("a '{' without its '}'", i);
    std::string_view inside = spec.substr(i + 1, close - i - 1);
    Op op;
    if (const std::size_t colon = inside.find(':'); colon != std::string_view::npos) {
      std::string_view width = inside.substr(colon + 1);
      inside = inside.substr(0, colon);
      if (!width.empty() && (width[0] == '<' || width[0] == '>')) {
        op.align_right = width[0] == '>';
        width.remove_prefix(1);
      }
      std::uint32_t w = 0;
      bool ok = !width.empty() && width.size() <= 4;
      for (const char d : width) {
        ok = ok && d >= '0' && d <= '9';
        w = w * 10 + static_cast<std::uint32_t>(d - '0');
      }
      if (!ok || w > kMaxTemplateWidth) {
        return fail(fmt::format("bad width '{}' for '{}' (a number up to {}, after '<' or '>')",
                                width, inside, kMaxTemplateWidth),
                    i);
      }
      op.width = w;
    }
    const auto* found = std::find_if(std::begin(kNames), std::end(kNames),
                                     [&](const FieldName& f) { return f.name == inside; });
    if (found == std::end(kNames)) {
      std::string names;
      for (const FieldName& f : kNames) names += (names.empty() ? "" : ", ") + std::string(f.name);
      fail(fmt::format("unknown field '{}'", inside), i);
      *error += "; fields: " + names;
      return std::nullopt;
    }
    op.field = static_cast<Field>(found->field);
    t.uses_message_ = t.uses_message_ || op.field == Field::msg || op.field == Field::fields;
    t.ops_.push_back(op);
    i = close + 1;
  }
  if (options.newline) literal("\n");
  return t;
}

void Template::render(fmt::memory_buffer& out, const record::RecordView& r, Renderer& renderer,
                      LocalOffsetCache& cache) const {
  for (const Op& op : ops_) {
    if (op.field == Field::literal) {
      out.append(text_.data() + op.begin, text_.data() + op.begin + op.size);
      continue;
    }
    if (op.width == 0) {
      render_field(out, op, r, renderer, cache);
      continue;
    }
    const std::size_t mark = out.size();
    const std::size_t invisible = render_field(out, op, r, renderer, cache);
    const std::size_t n = out.size() - mark - invisible;
    if (n >= op.width) continue;
    const std::size_t pad = op.width - n;
    out.resize(out.size() + pad);
    char* const start = out.data() + mark;
    if (op.align_right) {
      std::copy_backward(start, start + n + invisible, start + n + invisible + pad);
      std::fill(start, start + pad, ' ');
    } else {
      std::fill(start + n + invisible, start + n + invisible + pad, ' ');
    }
  }
}

std::size_t Template::render_field(fmt::memory_buffer& out, const Op& op,
                                   const record::RecordView& r, Renderer& renderer,
                                   LocalOffsetCache& cache) const {
  const record::Site& site = *r.site;
  switch (op.field) {
    case Field::level: {
      const auto index = static_cast<std::size_t>(site.level);
      if (!options_.color || index >= kLevelColor.size()) break;
      append(out, kLevelColor[index]);
      append_upper(out, to_string(site.level));
      append(out, kReset);
      return kLevelColor[index].size() + kReset.size();
    }
    default: break;
  }
  render_plain(out, op, r, renderer, cache);
  return 0;
}

void Template::render_plain(fmt::memory_buffer& out, const Op& op, const record::RecordView& r,
                            Renderer& renderer, LocalOffsetCache& cache) const {
  const record::Site& site = *r.site;
  switch (op.field) {
    case Field::literal: return;
    case Field::ts:
      return options_.local_time ? append_local_timestamp(out, r.ts_ns, cache)
                                 : renderer.timestamp(out, r.ts_ns);
    case Field::ts_ns: return append_int(out, r.ts_ns);
    case Field::level: return append_upper(out, to_string(site.level));
    case Field::level_lower: return append(out, to_string(site.level));
    case Field::logger: return append_text_escaped(out, site.logger);
    case Field::msg: return renderer.text_message(out, site, r.values);
    case Field::fields: return renderer.logfmt_fields(out, r);
    case Field::format: return append_text_escaped(out, site.format);
    case Field::file: return append_text_escaped(out, site.file);
    case Field::basename: return append_text_escaped(out, basename_of(site.file));
    case Field::line: return append_int(out, site.line);
    case Field::function: return append_text_escaped(out, site.function);
    case Field::thread: return append_int(out, r.thread.os_tid);
    case Field::thread_name: return append_text_escaped(out, r.thread.name);
    case Field::pid: return append_int(out, r.thread.pid);
  }
}

}  // namespace lynx::render
