// One record as renderers and sinks see it, whoever decoded it: the CLI from a file's blocks, or
// the backend from a ring. Only views: the decoder owns what they point to.
//
// A Site is the one description of a call site. The hot path's constant detail::CallSite holds
// its static part (template, file, function, line, level, argument types); the logger comes from
// the record; names and the {fmt} pattern come from parsing the template once
// (format/template_parse.hpp). The reader's format::CallSiteInfo and the backend's interned sites
// both hand out this view.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "lynx/detail/arg_types.hpp"
#include "lynx/detail/call_site.hpp"
#include "lynx/level.hpp"
#include "record/context.hpp"
#include "record/value.hpp"

namespace lynx::record {

struct Site {
  Level level = Level::info;
  std::string_view logger;
  std::string_view file;
  std::uint32_t line = 0;
  std::string_view function;
  std::string_view format;  // the template as written
  std::span<const detail::ArgType> types;
  // From the parsed template: one name per placeholder ("arg<i>" for positional ones; a damaged
  // file may have fewer placeholders than arguments), and the template as a {fmt} pattern.
  bool template_ok = false;
  std::span<const std::string> names;
  std::string_view fmt_pattern;
  // Names this site among all sites the process has seen (next_site_uid()), so that renderers
  // can keep what they made of it (render/site_text.hpp); 0: no identity, nothing is kept. A
  // site's fields must not change while it has its uid (give a changed copy a new one).
  std::uint64_t uid = 0;
};

// A new Site::uid, never given before in this process (from any thread).
inline std::uint64_t next_site_uid() {
  static std::atomic<std::uint64_t> last{0};
  return last.fetch_add(1, std::memory_order_relaxed) + 1;
}

// The view of a hot-path call site (the backend's side): its logger's name and its template
// parsed once (names and pattern) come from the caller, which keeps them alive.
inline Site site_of(const detail::CallSite& cs, std::string_view logger, bool template_ok,
                    std::span<const std::string> names, std::string_view fmt_pattern) {
  return Site{cs.level,
              logger,
              cs.file,
              cs.line,
              cs.function,
              cs.format,
              std::span<const detail::ArgType>(cs.arg_types, cs.arg_count),
              template_ok,
              names,
              fmt_pattern};
}

struct Thread {
  std::uint32_t pid = 0;
  std::uint64_t os_tid = 0;
  std::string_view name;
};

struct RecordView {
  std::int64_t ts_ns = 0;  // Unix ns
  const Site* site = nullptr;
  Thread thread;
  std::span<const Value> values;  // one per site->types entry
  // The thread's context when the record was logged (lynx::Context), shadowing resolved.
  std::span<const ContextEntry> context = {};
  std::uint64_t suppressed = 0;  // records its site (or rate limit) suppressed before it
  bool backtrace = false;        // written from a backtrace (Logger::enable_backtrace)
};

}  // namespace lynx::record
