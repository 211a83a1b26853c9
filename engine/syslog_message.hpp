// RFC 5424 messages of the syslog sink (engine/syslog_sink.hpp), rendered on the backend thread:
//
//   <PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA BOM MSG
//   <14>1 2026-12-01T19:00:42.123456Z web1 orders 4242 checkout [lynx@32473 file="main.cpp"
//     line="6" thread="4243"][fields@32473 id="17" user="ann"][ctx@32473 request="r-9"] ﻿paid 17
//
// PRI is facility * 8 + severity (trace and debug: 7 debug, info: 6, warn: 4 warning, error: 3,
// critical: 2 crit). TIMESTAMP is UTC with microseconds (RFC 5424 allows six fraction digits at
// most). MSGID is the logger's name ("-" for the root logger). The SD-IDs carry our private
// enterprise-style suffix @32473 (the number RFC 5612 reserves for documentation): `lynx` (the
// call site and thread), `fields` (the record's placeholders, by name) and `ctx` (the thread's
// lynx::Context), the last two only when not empty. PARAM-VALUEs escape '"', '\' and ']' with a
// backslash (RFC 5424 6.3.3) after the text escaping of the render library (control characters
// and invalid UTF-8 as `\n`, `\x1b`, ..., so no value can forge a line); names that are not valid
// SD-NAMEs have each offending character replaced by '_' and are cut at 32. MSG is the message as
// `lynx cat` prints it, in UTF-8, after the BOM RFC 5424 asks for.
//
// Datagrams (UDP, unix) are cut to a limit: structured-data elements that do not fit are left out
// whole (the later ones first), then MSG is cut at a UTF-8 character boundary. Backend thread
// only, except notice(), which the sending thread calls on its own formatter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "lynx/level.hpp"
#include "lynx/sinks.hpp"
#include "record/record_view.hpp"
#include "render/render.hpp"

namespace lynx::detail {

inline constexpr std::string_view kSyslogEnterpriseId = "32473";

// RFC 5424 severity of a level.
int syslog_severity(Level level);

class SyslogFormatter {
 public:
  // `limit`: the largest message (0: none).
  SyslogFormatter(const SyslogSinkOptions& options, std::size_t limit);

  // The message of `r` into `out` (cleared first).
  void record(fmt::memory_buffer& out, const record::RecordView& r);
  // `<PRI>1 ... lynx [lynx@32473 dropped="N"] N syslog messages were dropped ...`, a warning.
  void notice(fmt::memory_buffer& out, std::int64_t ts_ns, std::uint64_t dropped);

  const std::string& hostname() const { return hostname_; }
  const std::string& app_name() const { return app_name_; }

 private:
  // Up to STRUCTURED-DATA; MSGID is `logger` as a token ("-" when empty).
  void header(fmt::memory_buffer& out, int severity, std::int64_t ts_ns, std::string_view logger);
  void param(fmt::memory_buffer& out, std::string_view name, std::string_view value);

  const unsigned facility_;
  const std::size_t limit_;
  std::string hostname_, app_name_, procid_;
  render::Renderer renderer_;
  fmt::memory_buffer meta_, fields_, ctx_, msg_, scratch_, name_, value_;
};

// `s` with every character outside PRINTUSASCII (33..126) and every one of `also` replaced by
// '_', cut to `max` characters; "-" when empty (RFC 5424 NILVALUE), or "_" when `nil_ok` is false.
void append_syslog_token(fmt::memory_buffer& out, std::string_view s, std::size_t max,
                         std::string_view also = {}, bool nil_ok = true);
std::string syslog_token(std::string_view s, std::size_t max, std::string_view also = {},
                         bool nil_ok = true);

// Appends `s` escaped as an SD PARAM-VALUE: '"', '\' and ']' preceded by '\'.
void append_sd_escaped(fmt::memory_buffer& out, std::string_view s);

}  // namespace lynx::detail
