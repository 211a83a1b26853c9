#include "engine/syslog_message.hpp"

#include <errno.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

namespace lynx::detail {

namespace {

void put(fmt::memory_buffer& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

template <class Int>
void put_int(fmt::memory_buffer& out, Int v) {
  const fmt::format_int f(v);
  out.append(f.data(), f.data() + f.size());
}

constexpr std::string_view kBom = "\xEF\xBB\xBF";

// The length of the longest prefix of `s` (at most `max` bytes) that ends on a UTF-8 character
// boundary.
std::size_t utf8_cut(std::string_view s, std::size_t max) {
  if (s.size() <= max) return s.size();
  std::size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return n;
}

}  // namespace

int syslog_severity(Level level) {
  switch (level) {
    case Level::trace:
    case Level::debug: return 7;
    case Level::info: return 6;
    case Level::warn: return 4;
    case Level::error: return 3;
    default: return 2;
  }
}

void append_syslog_token(fmt::memory_buffer& out, std::string_view s, std::size_t max,
                         std::string_view also, bool nil_ok) {
  if (s.empty()) out.push_back(nil_ok ? '-' : '_');
  for (char c : s.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 33 || u > 126 || also.find(c) != std::string_view::npos ? '_' : c);
  }
}

std::string syslog_token(std::string_view s, std::size_t max, std::string_view also, bool nil_ok) {
  fmt::memory_buffer out;
  append_syslog_token(out, s, max, also, nil_ok);
  return fmt::to_string(out);
}

void append_sd_escaped(fmt::memory_buffer& out, std::string_view s) {
  for (char c : s) {
    if (c == '"' || c == '\\' || c == ']') out.push_back('\\');
    out.push_back(c);
  }
}

SyslogFormatter::SyslogFormatter(const SyslogSinkOptions& options, std::size_t limit)
    : facility_(options.facility), limit_(limit) {
  std::string host = options.hostname;
  if (host.empty()) {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) == 0) host = buf;
  }
  hostname_ = syslog_token(host, 255);
  app_name_ = syslog_token(
      options.app_name.empty() ? std::string(program_invocation_short_name) : options.app_name, 48);
  procid_ = std::to_string(::getpid());
}

void SyslogFormatter::header(fmt::memory_buffer& out, int severity, std::int64_t ts_ns,
                             std::string_view logger) {
  out.push_back('<');
  put_int(out, facility_ * 8 + static_cast<unsigned>(severity));
  put(out, ">1 ");
  const std::int64_t sec = ts_ns >= 0 ? ts_ns / 1'000'000'000 : (ts_ns + 1) / 1'000'000'000 - 1;
  const std::int64_t us = (ts_ns - sec * 1'000'000'000) / 1000;
  const time_t t = static_cast<time_t>(sec);
  struct tm tm {};
  ::gmtime_r(&t, &tm);
  fmt::format_to(fmt::appender(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z ",
                 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                 us);
  put(out, hostname_);
  out.push_back(' ');
  put(out, app_name_);
  out.push_back(' ');
  put(out, procid_);
  out.push_back(' ');
  append_syslog_token(out, logger, 32);
  out.push_back(' ');
}

void SyslogFormatter::param(fmt::memory_buffer& out, std::string_view name,
                            std::string_view value) {
  out.push_back(' ');
  append_syslog_token(out, name, 32, "=]\"", false);
  put(out, "=\"");
  scratch_.clear();
  render::append_text_escaped(scratch_, value);
  append_sd_escaped(out, {scratch_.data(), scratch_.size()});
  out.push_back('"');
}

void SyslogFormatter::record(fmt::memory_buffer& out, const record::RecordView& r) {
  const record::Site& site = *r.site;
  out.clear();
  header(out, syslog_severity(site.level), r.ts_ns, site.logger);
  meta_.clear();
  put(meta_, "[lynx@");
  put(meta_, kSyslogEnterpriseId);
  fmt::memory_buffer& v = value_;
  param(meta_, "file", site.file);
  param(meta_, "line", fmt::format_int(site.line).c_str());
  param(meta_, "thread", fmt::format_int(r.thread.os_tid).c_str());
  if (r.suppressed != 0) param(meta_, "suppressed", fmt::format_int(r.suppressed).c_str());
  meta_.push_back(']');
  fields_.clear();
  if (!r.values.empty()) {
    put(fields_, "[fields@");
    put(fields_, kSyslogEnterpriseId);
    for (std::size_t i = 0; i < r.values.size(); ++i) {
      v.clear();
      render::append_plain_value(v, r.values[i]);
      param(fields_, render::field_name(site, i, name_), {v.data(), v.size()});
    }
    fields_.push_back(']');
  }
  ctx_.clear();
  if (!r.context.empty()) {
    put(ctx_, "[ctx@");
    put(ctx_, kSyslogEnterpriseId);
    for (const record::ContextEntry& e : r.context) {
      v.clear();
      render::append_plain_value(v, e.value);
      param(ctx_, e.name, {v.data(), v.size()});
    }
    ctx_.push_back(']');
  }
  msg_.clear();
  renderer_.text_message(msg_, site, r.values);
  // Cut to the datagram limit: whole SD elements first (ctx, then fields, then lynx), then MSG.
  std::size_t room = limit_ == 0 ? SIZE_MAX : (limit_ > out.size() ? limit_ - out.size() : 0);
  fmt::memory_buffer* parts[] = {&meta_, &fields_, &ctx_};
  std::size_t sd = meta_.size() + fields_.size() + ctx_.size();
  for (int i = 2; i >= 0 && sd + 1 + kBom.size() > room; --i) {
    sd -= parts[i]->size();
    parts[i]->clear();
  }
  if (sd == 0) {
    out.push_back('-');
  } else {
    for (fmt::memory_buffer* p : parts) out.append(p->data(), p->data() + p->size());
  }
  const std::string_view msg(msg_.data(), msg_.size());
  if (msg.empty()) return;
  out.push_back(' ');
  put(out, kBom);
  const std::size_t left =
      limit_ == 0 ? msg.size() : (limit_ > out.size() ? limit_ - out.size() : 0);
  put(out, msg.substr(0, utf8_cut(msg, left)));
}

void SyslogFormatter::notice(fmt::memory_buffer& out, std::int64_t ts_ns, std::uint64_t dropped) {
  out.clear();
  header(out, syslog_severity(Level::warn), ts_ns, "lynx");
  put(out, "[lynx@");
  put(out, kSyslogEnterpriseId);
  put(out, " dropped=\"");
  put_int(out, dropped);
  put(out, "\"] ");
  put(out, kBom);
  put_int(out, dropped);
  put(out, " syslog messages were dropped (receiver unavailable or buffer full)");
}

}  // namespace lynx::detail
