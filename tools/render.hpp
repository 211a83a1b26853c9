// Text and JSON rendering of one decoded record, for `lynx cat`.
// Runs once per record of possibly millions: everything appends to a caller-owned
// fmt::memory_buffer, and a Renderer reuses its scratch buffer and argument store, so rendering a
// record does not allocate once the buffers have grown.
//
// Never fails on what a program logged: a template that fmt rejects for the values it got (a
// `{x:d}` given a string, a malformed template from a damaged file) is rendered with every value in
// its default format, followed by " [format error: <what>]".
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

#include <fmt/args.h>
#include <fmt/format.h>

#include "format/reader.hpp"

namespace lynx::tools {

enum class OutputFormat { text, json };

// One record as the renderers see it. String values in `args` point into storage that outlives
// the call.
struct RecordView {
  std::int64_t ts_ns = 0;
  const format::CallSiteInfo* site = nullptr;
  std::uint64_t os_tid = 0;
  std::span<const format::Value> args;
};

// UTC, RFC 3339 with nanoseconds: 2026-11-27T21:17:26.123456789Z.
void append_timestamp(fmt::memory_buffer& out, std::int64_t ts_ns);

// `s` as a JSON string with its quotes (RFC 8259). Bytes that are not valid UTF-8 become \ufffd,
// so the output is valid JSON whatever the input.
void append_json_string(fmt::memory_buffer& out, std::string_view s);

// A value as a JSON value: numbers (full 64-bit precision; shortest round-trip floats), NaN and
// infinities as the strings "NaN", "Infinity", "-Infinity", bools, chars and strings as strings,
// pointers as "0x..." strings.
void append_json_value(fmt::memory_buffer& out, const format::Value& v);

// A value in fmt's default format ("{}").
void append_plain_value(fmt::memory_buffer& out, const format::Value& v);

// The name of argument `i` of `site`: its placeholder name, or "arg<i>" when the template has
// fewer placeholders than the site has arguments.
std::string_view field_name(const format::CallSiteInfo& site, std::size_t i,
                            fmt::memory_buffer& tmp);

class Renderer {
 public:
  // The message of a record: its template formatted with its values (see the file comment).
  void message(fmt::memory_buffer& out, const format::CallSiteInfo& site,
               std::span<const format::Value> args);

  // One line, ending in '\n'.
  //   text: 2026-11-27T21:17:26.123456789Z INFO  orders [4242] main.cpp:6 <message>
  //   json: {"ts":..,"level":..,"logger":..,"thread":..,"file":..,"line":..,"msg":..,"fields":{..}}
  void text(fmt::memory_buffer& out, const RecordView& r);
  void json(fmt::memory_buffer& out, const RecordView& r);
  void line(fmt::memory_buffer& out, OutputFormat format, const RecordView& r) {
    format == OutputFormat::json ? json(out, r) : text(out, r);
  }

 private:
  fmt::dynamic_format_arg_store<fmt::format_context> store_;
  fmt::memory_buffer scratch_;
  fmt::memory_buffer name_;
};

}  // namespace lynx::tools
