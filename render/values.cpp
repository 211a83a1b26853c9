// Single values in JSON and in fmt's default format, and field names.
#include <cmath>
#include <cstring>

#include <fmt/compile.h>

#include "record/structured.hpp"
#include "render/buffer_ops.hpp"
#include "render/fixed_float.hpp"
#include "render/render.hpp"

namespace lynx::render {

using detail::append;
using detail::append_int;
using record::Kind;
using record::Value;

namespace {

// fmt's "{}" of a float value, from its decimal when it carries one (render/fixed_float.hpp).
void append_shortest(fmt::memory_buffer& out, const Value& v) {
  const bool float32 = v.kind == Kind::float32;
  if (v.has_decimal() && detail::append_shortest_decimal(out, v.i, v.count - 1u, float32)) return;
  if (float32) {
    fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), static_cast<float>(v.f));
  } else {
    fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), v.f);
  }
}

void append_json_float(fmt::memory_buffer& out, const Value& v) {
  if (std::isnan(v.f)) return append(out, "\"NaN\"");
  if (std::isinf(v.f)) return append(out, v.f > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  append_shortest(out, v);
}

// A duration: its count then its unit, as in "250ms" or "1.5s".
void append_duration(fmt::memory_buffer& out, const Value& v) {
  const Kind rep = v.type != nullptr ? v.type->rep : Kind::int64;
  if (rep == Kind::uint64) {
    append_int(out, v.u);
  } else if (rep == Kind::float32) {
    fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), static_cast<float>(v.f));
  } else if (rep == Kind::float64) {
    fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), v.f);
  } else {
    append_int(out, v.i);
  }
  if (v.type != nullptr) append(out, v.type->unit());
}

// The message of an error_code, where the reader knows it: the errno text of the generic and
// system categories (the producer copies only the value and the category's name).
const char* error_message(const Value& v) {
  if (v.s != "generic" && v.s != "system") return nullptr;
  return strerrordesc_np(static_cast<int>(v.i));
}

// What an array says after its elements when the container had more than were logged.
void append_cut_elements(fmt::memory_buffer& out, const Value& v) {
  fmt::format_to(fmt::appender(out), FMT_COMPILE("\u2026[cut {} elements]"), v.u);
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
    case Kind::float32:
    case Kind::float64: return append_json_float(out, v);
    case Kind::string: return append_json_string(out, v.s);
    case Kind::null: break;
    case Kind::array:
    case Kind::object: {
      // Arrays and tuples: [..]; objects of lynx::Fields: {"name":..}. A cut container ends
      // with the string "…[cut N elements]", N the count it had.
      const bool named = v.kind == Kind::object && !record::is_tuple(v);
      out.push_back(named ? '{' : '[');
      record::Elements e(v);
      while (e.next()) {
        if (e.index() != 0) out.push_back(',');
        if (named) {
          append_json_string(out, e.name());
          out.push_back(':');
        }
        append_json_value(out, e.value());
      }
      if (v.kind == Kind::array && v.u > v.count) {
        if (v.count != 0) out.push_back(',');
        fmt::memory_buffer cut;
        append_cut_elements(cut, v);
        append_json_string(out, {cut.data(), cut.size()});
      }
      return out.push_back(named ? '}' : ']');
    }
    case Kind::duration:
      out.push_back('"');
      append_duration(out, v);
      return out.push_back('"');
    case Kind::time_point:
      out.push_back('"');
      append_timestamp(out, v.i);
      return out.push_back('"');
    case Kind::error_code: {
      append(out, "{\"value\":");
      append_int(out, v.i);
      append(out, ",\"category\":");
      append_json_string(out, v.s);
      append(out, ",\"message\":");
      const char* m = error_message(v);
      if (m == nullptr) return append(out, "null}");
      append_json_string(out, m);
      return out.push_back('}');
    }
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
    case Kind::float64: return append_shortest(out, v);
    case Kind::string: return append(out, v.s);
    case Kind::null: return append(out, "null");
    case Kind::array:
    case Kind::object: {
      // [1, 2, 3], (1, "x") for tuples, {id: 7, user: "ann"}; strings inside are quoted.
      const bool named = v.kind == Kind::object && !record::is_tuple(v);
      const bool tuple = v.kind == Kind::object && !named;
      out.push_back(named ? '{' : tuple ? '(' : '[');
      record::Elements e(v);
      while (e.next()) {
        if (e.index() != 0) append(out, ", ");
        if (named) {
          append(out, e.name());
          append(out, ": ");
        }
        if (e.value().kind == Kind::string || e.value().kind == Kind::character) {
          append_json_value(out, e.value());
        } else {
          append_plain_value(out, e.value());
        }
      }
      if (v.kind == Kind::array && v.u > v.count) {
        if (v.count != 0) append(out, ", ");
        append_cut_elements(out, v);
      }
      return out.push_back(named ? '}' : tuple ? ')' : ']');
    }
    case Kind::duration: return append_duration(out, v);
    case Kind::time_point: return append_timestamp(out, v.i);
    case Kind::error_code: {
      append(out, v.s);
      out.push_back(':');
      append_int(out, v.i);
      if (const char* m = error_message(v)) {
        append(out, " (");
        append(out, m);
        out.push_back(')');
      }
      return;
    }
  }
}

std::string_view field_name(const record::Site& site, std::size_t i, fmt::memory_buffer& tmp) {
  if (i < site.names.size()) return site.names[i];
  tmp.clear();
  fmt::format_to(fmt::appender(tmp), FMT_COMPILE("arg{}"), i);
  return {tmp.data(), tmp.size()};
}

}  // namespace lynx::render
