// Single values in JSON and in fmt's default format, and field names.
#include <cmath>

#include <fmt/compile.h>

#include "render/buffer_ops.hpp"
#include "render/render.hpp"

namespace lynx::render {

using detail::append;
using detail::append_int;
using record::Kind;
using record::Value;

namespace {

template <class Float>
void append_json_float(fmt::memory_buffer& out, Float f) {
  if (std::isnan(f)) return append(out, "\"NaN\"");
  if (std::isinf(f)) return append(out, f > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), f);
}

}  // namespace

void append_json_value(fmt::memory_buffer& out, const Value& v) {
  switch (v.kind) {
    case Kind::int64: return append_int(out, v.i);
    case Kind::uint64: return append_int(out, v.u);
    case Kind::pointer:
      return fmt::format_to(fmt::appender(out), FMT_COMPILE("\"{:#x}\""), v.u), void();
    case Kind::boolean: return append(out, v.b ? "true" : "false");
    case Kind::character: return append_json_string(out, std::string_view(&v.c, 1));
    case Kind::float32: return append_json_float(out, static_cast<float>(v.f));
    case Kind::float64: return append_json_float(out, v.f);
    case Kind::string: return append_json_string(out, v.s);
  }
  append(out, "null");
}

void append_plain_value(fmt::memory_buffer& out, const Value& v) {
  switch (v.kind) {
    case Kind::int64: return append_int(out, v.i);
    case Kind::uint64: return append_int(out, v.u);
    case Kind::pointer:
      return fmt::format_to(fmt::appender(out), FMT_COMPILE("{:#x}"), v.u), void();
    case Kind::boolean: return append(out, v.b ? "true" : "false");
    case Kind::character: return out.push_back(v.c);
    case Kind::float32:
      return fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), static_cast<float>(v.f)), void();
    case Kind::float64: return fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), v.f), void();
    case Kind::string: return append(out, v.s);
  }
}

std::string_view field_name(const record::Site& site, std::size_t i, fmt::memory_buffer& tmp) {
  if (i < site.names.size()) return site.names[i];
  tmp.clear();
  fmt::format_to(fmt::appender(tmp), FMT_COMPILE("arg{}"), i);
  return {tmp.data(), tmp.size()};
}

}  // namespace lynx::render
