#include "render/otlp.hpp"

#include <algorithm>
#include <limits>
#include <string>

#include "record/structured.hpp"
#include "render/buffer_ops.hpp"

namespace lynx::render {

namespace {

using detail::append;
using detail::append_int;
using record::Kind;
using record::Value;

void append_quoted_int(fmt::memory_buffer& out, std::int64_t v) {
  out.push_back('"');
  append_int(out, v);
  out.push_back('"');
}

void append_any_value(fmt::memory_buffer& out, const Value& v, fmt::memory_buffer& scratch);

void append_key_value(fmt::memory_buffer& out, std::string_view key, const Value& v,
                      fmt::memory_buffer& scratch) {
  append(out, "{\"key\":");
  append_json_string(out, key);
  append(out, ",\"value\":");
  append_any_value(out, v, scratch);
  out.push_back('}');
}

// One AnyValue (common/v1/common.proto).
void append_any_value(fmt::memory_buffer& out, const Value& v, fmt::memory_buffer& scratch) {
  switch (v.kind) {
    case Kind::boolean: return append(out, v.b ? "{\"boolValue\":true}" : "{\"boolValue\":false}");
    case Kind::int64:
      append(out, "{\"intValue\":");
      append_quoted_int(out, v.i);
      return out.push_back('}');
    case Kind::uint64:
      if (v.u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
        append(out, "{\"intValue\":");
        append_quoted_int(out, static_cast<std::int64_t>(v.u));
        return out.push_back('}');
      }
      break;  // beyond int64: as its decimal string
    case Kind::float32:
    case Kind::float64:
      // A JSON number, or "NaN" / "Infinity" / "-Infinity" as the mapping of double wants.
      append(out, "{\"doubleValue\":");
      append_json_value(out, v);
      return out.push_back('}');
    case Kind::null: return append(out, "{}");
    case Kind::array:
    case Kind::object: {
      const bool named = v.kind == Kind::object && !record::is_tuple(v);
      append(out, named ? "{\"kvlistValue\":{\"values\":[" : "{\"arrayValue\":{\"values\":[");
      record::Elements e(v);
      while (e.next()) {
        if (e.index() != 0) out.push_back(',');
        if (named) {
          append_key_value(out, e.name(), e.value(), scratch);
        } else {
          append_any_value(out, e.value(), scratch);
        }
      }
      return append(out, "]}}");
    }
    default: break;
  }
  // Strings, characters, pointers, durations, time points, error codes: their text.
  fmt::memory_buffer text;
  append_plain_value(text, v);
  append(out, "{\"stringValue\":");
  append_json_string(out, {text.data(), text.size()});
  out.push_back('}');
}

// `v` as an OTLP id of `digits` hex digits, lowercased into `out`; false when it is not one.
bool as_hex_id(const Value& v, std::size_t digits, fmt::memory_buffer& out) {
  if (v.kind != Kind::string || v.s.size() != digits) return false;
  bool nonzero = false;
  out.clear();
  for (const char ch : v.s) {
    const char c = (ch >= 'A' && ch <= 'F') ? static_cast<char>(ch - 'A' + 'a') : ch;
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
    nonzero = nonzero || c != '0';
    out.push_back(c);
  }
  return nonzero;
}

std::string_view severity_text(Level level) {
  switch (level) {
    case Level::trace: return "TRACE";
    case Level::debug: return "DEBUG";
    case Level::info: return "INFO";
    case Level::warn: return "WARN";
    case Level::error: return "ERROR";
    case Level::critical: return "CRITICAL";
    case Level::off: break;
  }
  return "UNSPECIFIED";
}

}  // namespace

int otlp_severity_number(Level level) {
  switch (level) {
    case Level::trace: return 1;
    case Level::debug: return 5;
    case Level::info: return 9;
    case Level::warn: return 13;
    case Level::error: return 17;
    case Level::critical: return 21;
    case Level::off: break;
  }
  return 0;
}

std::string_view OtlpRenderer::unique_key(std::string_view name, std::string_view prefix) {
  const auto taken = [&](std::string_view k) {
    return std::find(keys_.begin(), keys_.end(), k) != keys_.end();
  };
  std::string key(name);
  if (taken(key)) key = std::string(prefix) + std::string(name);
  for (int n = 2; taken(key); ++n)
    key = std::string(prefix) + std::string(name) + "." + std::to_string(n);
  keys_.push_back(std::move(key));
  return keys_.back();
}

void OtlpRenderer::line(fmt::memory_buffer& out, const record::RecordView& r,
                        const OtlpResource& res) {
  keys_ = {"code.filepath", "code.lineno",     "code.function", "thread.id",
           "thread.name",   "lynx.suppressed", "lynx.backtrace"};
  append(out, "{\"resourceLogs\":[{\"resource\":{\"attributes\":[");
  append_key_value(out, "host.name", Value::string(res.host), scratch_);
  out.push_back(',');
  append_key_value(out, "service.name", Value::string(res.program), scratch_);
  out.push_back(',');
  append_key_value(out, "process.pid", Value::int64(res.pid), scratch_);
  append(out, "]},\"scopeLogs\":[{\"scope\":{\"name\":");
  append_json_string(out, r.site->logger);
  append(out, "},\"logRecords\":[{\"timeUnixNano\":");
  append_quoted_int(out, r.ts_ns);
  append(out, ",\"observedTimeUnixNano\":");
  append_quoted_int(out, r.ts_ns);
  append(out, ",\"severityNumber\":");
  append_int(out, otlp_severity_number(r.site->level));
  append(out, ",\"severityText\":");
  append_json_string(out, severity_text(r.site->level));
  append(out, ",\"body\":{\"stringValue\":");
  scratch_.clear();
  renderer_.message(scratch_, *r.site, r.values);
  // Copied aside: append_key_value below reuses scratch_.
  name_.clear();
  name_.append(scratch_.data(), scratch_.data() + scratch_.size());
  append_json_string(out, {name_.data(), name_.size()});
  append(out, "},\"attributes\":[");
  append_key_value(out, "code.filepath", Value::string(r.site->file), scratch_);
  out.push_back(',');
  append_key_value(out, "code.lineno", Value::int64(r.site->line), scratch_);
  out.push_back(',');
  append_key_value(out, "code.function", Value::string(r.site->function), scratch_);
  out.push_back(',');
  append_key_value(out, "thread.id", Value::uint64(r.thread.os_tid), scratch_);
  if (!r.thread.name.empty()) {
    out.push_back(',');
    append_key_value(out, "thread.name", Value::string(r.thread.name), scratch_);
  }
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    out.push_back(',');
    fmt::memory_buffer key;
    const std::string_view k = unique_key(field_name(*r.site, i, key), "field.");
    append_key_value(out, k, r.values[i], scratch_);
  }
  const Value* trace = nullptr;
  const Value* span = nullptr;
  fmt::memory_buffer trace_hex, span_hex;
  for (const record::ContextEntry& e : r.context) {
    if (e.name == "trace_id" && as_hex_id(e.value, 32, trace_hex)) {
      trace = &e.value;
      continue;
    }
    if (e.name == "span_id" && as_hex_id(e.value, 16, span_hex)) {
      span = &e.value;
      continue;
    }
    out.push_back(',');
    append_key_value(out, unique_key(e.name, "ctx."), e.value, scratch_);
  }
  if (r.suppressed != 0) {
    out.push_back(',');
    append_key_value(out, "lynx.suppressed", Value::uint64(r.suppressed), scratch_);
  }
  if (r.backtrace) {
    out.push_back(',');
    append_key_value(out, "lynx.backtrace", Value::boolean(true), scratch_);
  }
  out.push_back(']');
  if (trace != nullptr) {
    append(out, ",\"traceId\":\"");
    append(out, {trace_hex.data(), trace_hex.size()});
    out.push_back('"');
  }
  if (span != nullptr) {
    append(out, ",\"spanId\":\"");
    append(out, {span_hex.data(), span_hex.size()});
    out.push_back('"');
  }
  append(out, "}]}]}]}\n");
}

}  // namespace lynx::render
