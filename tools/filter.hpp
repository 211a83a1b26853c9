// The record filters of `lynx cat` and `lynx tail`: which records to print. Combinable (a record
// is printed when it passes every filter given):
//
//   --level L          records of level L and above (trace debug info warn error critical)
//   --logger NAME      repeatable (any one matches); `orders.*` matches orders and its dotted
//                      children (orders.db, orders.db.pool), a plain name only itself
//   --since T/--until T  ts >= since, ts < until. T: RFC 3339 (2026-11-27T21:17:26Z,
//                      2026-11-27T22:17:26.5+01:00, also with a space for the T, or a date
//                      alone: midnight UTC), or relative to now: 90s, 15m, 2h, 1d, 500ms
//   --thread T         repeatable: an OS thread id, or a thread name
//   --where EXPR       repeatable: FIELD=V, FIELD!=V, FIELD>N, FIELD>=N, FIELD<N, FIELD<=N,
//                      FIELD~RE2 on the structured fields, compared by the field's type
//                      (numbers as numbers, strings as bytes, bools as true/false). A record
//                      without the field never passes.
//   --grep RE          RE2, searched (unanchored) in the rendered message
//
// Metadata first: level, logger, thread and whether a call site has every --where field are
// decided from the call site or thread definition, once per site and file (SiteVerdict), by a
// FilterGate the reader asks before it decodes a record's arguments (format::RecordGate): a
// record of a rejected site has its arguments stepped over by their sizes, never decoded; one of
// a kept site rejected by its thread or time has them decoded only to keep the packed
// predictions going (each value is predicted from the site's previous one), never expanded,
// copied, merged or rendered. --since/--until also skip whole blocks by their header's time range
// (BlockReader::set_time_range) without decompressing them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "base/status.hpp"
#include "format/reader.hpp"
#include "render/render.hpp"

namespace CLI {
class App;
}
namespace re2 {
class RE2;
}

namespace lynx::tools {

struct FilterOptions {
  std::string level;
  std::vector<std::string> loggers;
  std::string since, until;
  std::vector<std::string> threads;
  std::vector<std::string> where;
  std::string grep;
};

// Registers the filter options on `cmd` (cat, tail).
void add_filter_options(CLI::App& cmd, FilterOptions& options);

// Parses a --since/--until time: RFC 3339 or a duration before `now_ns` (see the file comment).
// Errors: Code::invalid_argument, the message naming the text.
Status parse_time(const std::string& text, std::int64_t now_ns, std::int64_t* out);

class RecordFilter {
 public:
  // What a call site's definition decides: whether its records can pass, and where each --where
  // field is among its arguments.
  struct SiteVerdict {
    bool keep = false;
    std::vector<std::uint32_t> field_index;  // per --where clause
  };

  // Compiles the options. Errors (Code::invalid_argument, one line each): an unknown level, a
  // bad time, a bad --where expression, a regular expression RE2 refuses.
  static Status compile(const FilterOptions& options, std::int64_t now_ns,
                        std::unique_ptr<RecordFilter>* out);
  ~RecordFilter();

  SiteVerdict judge_site(const format::CallSiteInfo& site) const;
  bool keep_thread(const format::ThreadInfo& thread) const;
  bool keep_time(std::int64_t ts) const { return ts >= since_ && ts < until_; }
  // The --where values and --grep. `renderer` and `scratch` are the caller's working space.
  bool keep_values(const format::Record& r, const SiteVerdict& verdict, render::Renderer& renderer,
                   fmt::memory_buffer& scratch) const;
  bool filters_values() const { return !where_.empty() || grep_ != nullptr; }
  // Whether any filter was given (else callers skip the filter altogether: it costs a lookup
  // per record).
  bool filters_anything() const {
    return level_ || !loggers_exact_.empty() || since_ != INT64_MIN || until_ != INT64_MAX ||
           !thread_ids_.empty() || !thread_names_.empty() || filters_values();
  }
  std::int64_t since() const { return since_; }
  std::int64_t until() const { return until_; }

 private:
  struct Where;
  RecordFilter();
  bool matches(const Where& w, const format::Value& v, fmt::memory_buffer& scratch) const;

  std::optional<Level> level_;
  std::vector<std::string> loggers_exact_, logger_prefixes_;  // prefixes: "orders." for orders.*
  std::int64_t since_ = INT64_MIN, until_ = INT64_MAX;
  std::vector<std::uint64_t> thread_ids_;
  std::vector<std::string> thread_names_;
  std::vector<Where> where_;
  std::unique_ptr<re2::RE2> grep_;
};

// The metadata filters of one file's reader (its call site pointers are only unique within the
// file): judges records before their arguments are decoded, remembering each site's verdict.
class FilterGate final : public format::RecordGate {
 public:
  explicit FilterGate(const RecordFilter& filter) : filter_(filter) {}
  Verdict judge(const format::CallSiteInfo& site, const format::ThreadInfo& thread,
                std::int64_t ts) override {
    const RecordFilter::SiteVerdict& v = verdict(site);
    if (!v.keep) return Verdict::drop_site;
    return filter_.keep_time(ts) && filter_.keep_thread(thread) ? Verdict::keep : Verdict::drop;
  }
  // The verdict on `site` (for RecordFilter::keep_values on a record the gate kept).
  const RecordFilter::SiteVerdict& verdict(const format::CallSiteInfo& site) {
    if (&site != last_site_) {  // most records repeat the site before them: no lookup
      auto it = verdicts_.find(&site);
      if (it == verdicts_.end()) it = verdicts_.emplace(&site, filter_.judge_site(site)).first;
      last_site_ = &site;
      last_verdict_ = &it->second;  // unordered_map values stay where they are
    }
    return *last_verdict_;
  }

 private:
  const RecordFilter& filter_;
  std::unordered_map<const format::CallSiteInfo*, RecordFilter::SiteVerdict> verdicts_;
  const format::CallSiteInfo* last_site_ = nullptr;
  const RecordFilter::SiteVerdict* last_verdict_ = nullptr;
};

}  // namespace lynx::tools
