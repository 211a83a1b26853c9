#include "tools/render.hpp"

#include <cmath>
#include <string>

#include <fmt/compile.h>

namespace lynx::tools {

using detail::ArgType;
using format::Value;

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's civil_from_days).
void civil_from_days(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

char* put_digits(char* p, std::uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

void append(fmt::memory_buffer& out, std::string_view s) {
  out.append(s.data(), s.data() + s.size());
}

template <class Int>
void append_int(fmt::memory_buffer& out, Int v) {
  const fmt::format_int f(v);
  out.append(f.data(), f.data() + f.size());
}

template <class Float>
void append_json_float(fmt::memory_buffer& out, Float f) {
  if (std::isnan(f)) return append(out, "\"NaN\"");
  if (std::isinf(f)) return append(out, f > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), f);
}

// Length of the valid UTF-8 sequence starting at p (a byte >= 0x80), or 0 when it is not one.
// Follows Unicode table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF.
std::size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  const unsigned c = p[0];
  std::size_t n;
  unsigned lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < n || p[1] < lo || p[1] > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  }
  return n;
}

std::string_view basename(std::string_view path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

void append_level_upper(fmt::memory_buffer& out, Level level) {
  const std::string_view name = to_string(level);
  for (const char c : name) {
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  for (std::size_t i = name.size(); i < 5; ++i) out.push_back(' ');
}

void push_arg(fmt::dynamic_format_arg_store<fmt::format_context>& store, const Value& v) {
  switch (v.type) {
    case ArgType::i8: case ArgType::i16: case ArgType::i32: case ArgType::i64:
      return store.push_back(v.i);
    case ArgType::u8: case ArgType::u16: case ArgType::u32: case ArgType::u64:
      return store.push_back(v.u);
    case ArgType::pointer:
      return store.push_back(reinterpret_cast<const void*>(static_cast<std::uintptr_t>(v.u)));
    case ArgType::boolean: return store.push_back(v.i != 0);
    case ArgType::character: return store.push_back(static_cast<char>(v.i));
    case ArgType::f32: return store.push_back(static_cast<float>(v.f));
    case ArgType::f64: return store.push_back(v.f);
    case ArgType::string: return store.push_back(v.s);  // a view: not copied into the store
  }
  store.push_back(v.i);  // an ArgType this build does not know: the reader never produces one
}

// The template with each placeholder replaced by the next value in its default format. Used when
// fmt cannot format the record; must accept any text, including malformed templates.
void append_fallback(fmt::memory_buffer& out, std::string_view t, std::span<const Value> args) {
  std::size_t next = 0;
  std::size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if ((c == '{' || c == '}') && i + 1 < t.size() && t[i + 1] == c) {
      out.push_back(c);
      i += 2;
    } else if (c == '{') {
      const std::size_t close = t.find('}', i + 1);
      if (close == std::string_view::npos) {
        append(out, t.substr(i));
        return;
      }
      if (next < args.size()) {
        append_plain_value(out, args[next++]);
      } else {
        append(out, t.substr(i, close + 1 - i));
      }
      i = close + 1;
    } else {
      out.push_back(c);
      ++i;
    }
  }
}

}  // namespace

void append_timestamp(fmt::memory_buffer& out, std::int64_t ts_ns) {
  std::int64_t secs = ts_ns / 1'000'000'000;
  std::int64_t rem = ts_ns % 1'000'000'000;  // no secs * 1e9: it overflows near INT64_MIN
  if (rem < 0) {
    rem += 1'000'000'000;
    --secs;
  }
  const auto nanos = static_cast<std::uint64_t>(rem);
  const std::int64_t days = floor_div(secs, 86400);
  const auto sod = static_cast<std::uint64_t>(secs - days * 86400);
  std::int64_t year;
  unsigned month, day;
  civil_from_days(days, &year, &month, &day);
  // int64 nanoseconds span the years 1677..2262: always four digits.
  char buf[32] = {};  // initialised: GCC 12 -O3 cannot see put_digits() fills it (maybe-uninitialized)
  char* p = put_digits(buf, static_cast<std::uint64_t>(year), 4);
  *p++ = '-';
  p = put_digits(p, month, 2);
  *p++ = '-';
  p = put_digits(p, day, 2);
  *p++ = 'T';
  p = put_digits(p, sod / 3600, 2);
  *p++ = ':';
  p = put_digits(p, sod / 60 % 60, 2);
  *p++ = ':';
  p = put_digits(p, sod % 60, 2);
  *p++ = '.';
  p = put_digits(p, nanos, 9);
  *p++ = 'Z';
  out.append(buf, p);
}

void append_json_string(fmt::memory_buffer& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  const auto* run = p;  // start of bytes that need no escaping, appended in one go
  while (p < end) {
    const unsigned c = *p;
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++p;
      continue;
    }
    if (c >= 0x80) {
      if (const std::size_t n = utf8_length(p, end); n != 0) {
        p += n;
        continue;
      }
    }
    out.append(reinterpret_cast<const char*>(run), reinterpret_cast<const char*>(p));
    switch (c) {
      case '"': append(out, "\\\""); break;
      case '\\': append(out, "\\\\"); break;
      case '\b': append(out, "\\b"); break;
      case '\f': append(out, "\\f"); break;
      case '\n': append(out, "\\n"); break;
      case '\r': append(out, "\\r"); break;
      case '\t': append(out, "\\t"); break;
      default:
        if (c >= 0x80) {
          append(out, "\\ufffd");
        } else {
          const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          out.append(esc, esc + 6);
        }
    }
    run = ++p;
  }
  out.append(reinterpret_cast<const char*>(run), reinterpret_cast<const char*>(p));
  out.push_back('"');
}

void append_json_value(fmt::memory_buffer& out, const Value& v) {
  switch (v.type) {
    case ArgType::i8: case ArgType::i16: case ArgType::i32: case ArgType::i64:
      return append_int(out, v.i);
    case ArgType::u8: case ArgType::u16: case ArgType::u32: case ArgType::u64:
      return append_int(out, v.u);
    case ArgType::pointer:
      return fmt::format_to(fmt::appender(out), FMT_COMPILE("\"{:#x}\""), v.u), void();
    case ArgType::boolean: return append(out, v.i != 0 ? "true" : "false");
    case ArgType::character: {
      const char c = static_cast<char>(v.i);
      return append_json_string(out, std::string_view(&c, 1));
    }
    case ArgType::f32: return append_json_float(out, static_cast<float>(v.f));
    case ArgType::f64: return append_json_float(out, v.f);
    case ArgType::string: return append_json_string(out, v.s);
  }
  append(out, "null");
}

void append_plain_value(fmt::memory_buffer& out, const Value& v) {
  switch (v.type) {
    case ArgType::i8: case ArgType::i16: case ArgType::i32: case ArgType::i64:
      return append_int(out, v.i);
    case ArgType::u8: case ArgType::u16: case ArgType::u32: case ArgType::u64:
      return append_int(out, v.u);
    case ArgType::pointer:
      return fmt::format_to(fmt::appender(out), FMT_COMPILE("{:#x}"), v.u), void();
    case ArgType::boolean: return append(out, v.i != 0 ? "true" : "false");
    case ArgType::character: return out.push_back(static_cast<char>(v.i));
    case ArgType::f32:
      return fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), static_cast<float>(v.f)), void();
    case ArgType::f64: return fmt::format_to(fmt::appender(out), FMT_COMPILE("{}"), v.f), void();
    case ArgType::string: return append(out, v.s);
  }
}

std::string_view field_name(const format::CallSiteInfo& site, std::size_t i,
                            fmt::memory_buffer& tmp) {
  if (i < site.parsed.names.size()) return site.parsed.names[i];
  tmp.clear();
  fmt::format_to(fmt::appender(tmp), FMT_COMPILE("arg{}"), i);
  return {tmp.data(), tmp.size()};
}

void Renderer::message(fmt::memory_buffer& out, const format::CallSiteInfo& site,
                       std::span<const Value> args) {
  const std::size_t mark = out.size();
  std::string error = "malformed template";
  if (site.parsed.ok) {
    store_.clear();
    for (const Value& v : args) push_arg(store_, v);
    try {
      fmt::vformat_to(fmt::appender(out), site.parsed.fmt_pattern, fmt::format_args(store_));
      return;
    } catch (const fmt::format_error& e) {
      error = e.what();
    }
  }
  out.resize(mark);
  append_fallback(out, site.format, args);
  append(out, " [format error: ");
  append(out, error);
  out.push_back(']');
}

void Renderer::text(fmt::memory_buffer& out, const RecordView& r) {
  append_timestamp(out, r.ts_ns);
  out.push_back(' ');
  append_level_upper(out, r.site->level);
  out.push_back(' ');
  append(out, r.site->logger);
  append(out, " [");
  append_int(out, r.os_tid);
  append(out, "] ");
  append(out, basename(r.site->file));
  out.push_back(':');
  append_int(out, r.site->line);
  out.push_back(' ');
  message(out, *r.site, r.args);
  out.push_back('\n');
}

void Renderer::json(fmt::memory_buffer& out, const RecordView& r) {
  append(out, "{\"ts\":\"");
  append_timestamp(out, r.ts_ns);
  append(out, "\",\"level\":");
  append_json_string(out, to_string(r.site->level));
  append(out, ",\"logger\":");
  append_json_string(out, r.site->logger);
  append(out, ",\"thread\":");
  append_int(out, r.os_tid);
  append(out, ",\"file\":");
  append_json_string(out, r.site->file);
  append(out, ",\"line\":");
  append_int(out, r.site->line);
  append(out, ",\"msg\":");
  scratch_.clear();
  message(scratch_, *r.site, r.args);
  append_json_string(out, {scratch_.data(), scratch_.size()});
  append(out, ",\"fields\":{");
  for (std::size_t i = 0; i < r.args.size(); ++i) {
    if (i != 0) out.push_back(',');
    append_json_string(out, field_name(*r.site, i, name_));
    out.push_back(':');
    append_json_value(out, r.args[i]);
  }
  append(out, "}}\n");
}

}  // namespace lynx::tools
