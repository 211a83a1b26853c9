// Rendering of records as text and JSON lines: the `render` library, used by the `lynx` CLI and
// usable by the backend's sinks (it sees only record::RecordView, never a file or a ring).
//
// Runs once per record of possibly millions: everything appends to a caller-owned
// fmt::memory_buffer, and a Renderer reuses its scratch buffers and argument store, so rendering
// a record does not allocate once the buffers have grown.
//
// Never fails on what a program logged: a template that fmt rejects for the values it got (a
// `{x:d}` given a string, a malformed template from a damaged file) is rendered with every value
// in its default format, followed by " [format error: <what>]".
//
// Text output is safe to print (CWE-117): in the message (template and values), the logger,
// the file and the thread name, control characters (C0 but tab, DEL, C1), ESC and bytes that are
// not valid UTF-8 are escaped (`\n`, `\r`, `\x1b`, `\u0085`, `\xff`), so no value can forge a line
// or drive a terminal. JSON output escapes per RFC 8259 and replaces invalid UTF-8 with U+FFFD.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include <fmt/args.h>
#include <fmt/format.h>

#include "record/record_view.hpp"
#include "record/value.hpp"
#include "render/message_plan.hpp"
#include "render/site_text.hpp"

namespace lynx::render {

enum class OutputFormat { text, json, logfmt };

// UTC, RFC 3339 with nanoseconds: 2026-11-27T21:17:26.123456789Z.
void append_timestamp(fmt::memory_buffer& out, std::int64_t ts_ns);
// The same, remembering the text of the last second in `cache` (records come in time order:
// most share the second of the one before, so only the nanoseconds are formatted).
struct TimestampCache {
  static constexpr std::size_t kSecondSize = 20;  // "2026-11-27T21:17:26."
  bool valid = false;
  std::int64_t second = 0;
  char text[kSecondSize] = {};
};
void append_timestamp(fmt::memory_buffer& out, std::int64_t ts_ns, TimestampCache& cache);
// Local time, RFC 3339 with nanoseconds and the offset of the local time zone at that instant
// (TZ, /etc/localtime): 2026-11-27T22:17:26.123456789+01:00. Asks the C library for the offset
// at most once per hour of timestamps (`cache` remembers it; one per thread).
struct LocalOffsetCache {
  std::int64_t hour = INT64_MIN;  // the hour (Unix seconds / 3600) the offset is known for
  std::int32_t offset_s = 0;
};
void append_local_timestamp(fmt::memory_buffer& out, std::int64_t ts_ns, LocalOffsetCache& cache);

// `s` as a JSON string with its quotes (RFC 8259). Bytes that are not valid UTF-8 become \ufffd,
// so the output is valid JSON whatever the input.
void append_json_string(fmt::memory_buffer& out, std::string_view s);
// Whether append_json_string() puts `s` between its quotes as it is (nothing to escape).
bool json_plain(std::string_view s);

// `s` for a text line (see the file comment): printable text and valid UTF-8 as is, the rest
// escaped. Tabs and backslashes stay as they are.
void append_text_escaped(fmt::memory_buffer& out, std::string_view s);
// Length of the longest prefix of `s` that append_text_escaped() would copy unchanged.
std::size_t text_safe_prefix(std::string_view s);

// `s` as a logfmt value: as is (text-escaped) when it is not empty and holds no space, '=', '"'
// or anything to escape; otherwise in double quotes, with '"' and '\' escaped as \" and \\ and
// the rest text-escaped. The same rule serves keys.
void append_logfmt_value(fmt::memory_buffer& out, std::string_view s);

// A value as a JSON value: numbers (full 64-bit precision; shortest round-trip floats), NaN and
// infinities as the strings "NaN", "Infinity", "-Infinity", bools, chars and strings as strings,
// pointers as "0x..." strings.
void append_json_value(fmt::memory_buffer& out, const record::Value& v);

// A value in fmt's default format ("{}"), not escaped.
void append_plain_value(fmt::memory_buffer& out, const record::Value& v);

// The name of argument `i` of `site`: its placeholder name, or "arg<i>" when the template has
// fewer placeholders than the site has arguments.
std::string_view field_name(const record::Site& site, std::size_t i, fmt::memory_buffer& tmp);

class Renderer {
 public:
  // The message of a record: its template formatted with its values (see the file comment), not
  // escaped.
  void message(fmt::memory_buffer& out, const record::Site& site,
               std::span<const record::Value> values);

  // One line, ending in '\n'.
  //   text: 2026-11-27T21:17:26.123456789Z INFO  orders [4242] main.cpp:6 <message>
  //   json: {"ts":..,"level":..,"logger":..,"thread":..,"file":..,"line":..,"msg":..,"fields":{..}}
  void text(fmt::memory_buffer& out, const record::RecordView& r);
  //   json: ... "thread":..,"thread_name":..,"pid":..,"file":..,"line":..,"function":..,"msg":..
  void json(fmt::memory_buffer& out, const record::RecordView& r);
  //   logfmt: ts=.. level=info logger=orders thread=4242 file=main.cpp line=6 msg="..." id=17
  void logfmt(fmt::memory_buffer& out, const record::RecordView& r);
  void line(fmt::memory_buffer& out, OutputFormat format, const record::RecordView& r) {
    switch (format) {
      case OutputFormat::json: return json(out, r);
      case OutputFormat::logfmt: return logfmt(out, r);
      case OutputFormat::text: return text(out, r);
    }
  }

  // append_timestamp() with this renderer's cache.
  void timestamp(fmt::memory_buffer& out, std::int64_t ts_ns) {
    append_timestamp(out, ts_ns, timestamps_);
  }

  // The message, text-escaped (what text() prints after the file and line).
  void text_message(fmt::memory_buffer& out, const record::Site& site,
                    std::span<const record::Value> values);
  // The message as a JSON string (what json() prints after "msg":).
  void json_message(fmt::memory_buffer& out, const record::Site& site,
                    std::span<const record::Value> values);
  // The structured fields as logfmt pairs, separated by spaces: `id=17 user=bob`. Values in
  // their default format (append_plain_value), quoted and escaped by append_logfmt_value.
  void logfmt_fields(fmt::memory_buffer& out, const record::RecordView& r);

 private:
  TimestampCache timestamps_;
  detail::MessagePlans plans_;  // message(): each pattern split once (render/message_plan.hpp)
  detail::SiteTexts sites_;     // text(), json(): each site's parts once (render/site_text.hpp)
  fmt::dynamic_format_arg_store<fmt::format_context> store_;
  fmt::memory_buffer scratch_;
  fmt::memory_buffer msg_;
  fmt::memory_buffer name_;
  fmt::memory_buffer texts_;  // message(): structured values as text
  // json(): `,"thread_name":..,"pid":..` of the last thread, and which thread that is.
  fmt::memory_buffer thread_json_;
  std::string thread_json_name_;
  std::uint32_t thread_json_pid_ = 0;
  bool thread_json_valid_ = false;
};

}  // namespace lynx::render
