#include "tools/filter.hpp"

#include <re2/re2.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <string_view>

#include <CLI/CLI.hpp>

namespace lynx::tools {

using format::Value;
using record::Kind;

namespace {

Status bad(std::string message) {
  return Status::error(Status::Code::invalid_argument, std::move(message));
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

// `n` digits at s[at..] as a number; false if they are not all digits.
bool digits(std::string_view s, std::size_t at, std::size_t n, unsigned* out) {
  if (at + n > s.size()) return false;
  unsigned v = 0;
  for (std::size_t i = at; i < at + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + static_cast<unsigned>(s[i] - '0');
  }
  *out = v;
  return true;
}

bool parse_rfc3339(std::string_view s, std::int64_t* out) {
  unsigned y, mo, d, h = 0, mi = 0, sec = 0;
  if (!digits(s, 0, 4, &y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, &mo) ||
      s[7] != '-' || !digits(s, 8, 2, &d) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return false;
  }
  std::size_t at = 10;
  std::int64_t frac_ns = 0;
  std::int64_t offset_s = 0;
  if (at < s.size()) {
    if (s[at] != 'T' && s[at] != 't' && s[at] != ' ') return false;
    if (!digits(s, at + 1, 2, &h) || at + 3 >= s.size() || s[at + 3] != ':' ||
        !digits(s, at + 4, 2, &mi) || h > 23 || mi > 59) {
      return false;
    }
    at += 6;
    if (at < s.size() && s[at] == ':') {
      if (!digits(s, at + 1, 2, &sec) || sec > 60) return false;
      at += 3;
      if (at < s.size() && (s[at] == '.' || s[at] == ',')) {
        ++at;
        std::int64_t scale = 100'000'000;
        const std::size_t start = at;
        for (; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at) {
          frac_ns += (s[at] - '0') * scale;
          scale /= 10;
        }
        if (at == start) return false;
      }
    }
    if (at < s.size()) {
      if (s[at] == 'Z' || s[at] == 'z') {
        ++at;
      } else if (s[at] == '+' || s[at] == '-') {
        unsigned oh, om;
        if (!digits(s, at + 1, 2, &oh) || at + 3 >= s.size() || s[at + 3] != ':' ||
            !digits(s, at + 4, 2, &om) || oh > 23 || om > 59) {
          return false;
        }
        offset_s = (s[at] == '-' ? -1 : 1) * std::int64_t{oh * 3600 + om * 60};
        at += 6;
      } else {
        return false;
      }
    }
    if (at != s.size()) return false;
  }
  const std::int64_t secs = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset_s;
  if (y < 1678 || y > 2261) return false;  // int64 nanoseconds
  *out = secs * 1'000'000'000 + frac_ns;
  return true;
}

bool parse_duration(std::string_view s, std::int64_t* out) {
  double n = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
  if (ec != std::errc() || end == s.data() || n < 0) return false;
  const std::string_view unit(end, static_cast<std::size_t>(s.data() + s.size() - end));
  double scale;
  if (unit == "ns")
    scale = 1;
  else if (unit == "us")
    scale = 1e3;
  else if (unit == "ms")
    scale = 1e6;
  else if (unit == "s")
    scale = 1e9;
  else if (unit == "m")
    scale = 60e9;
  else if (unit == "h")
    scale = 3600e9;
  else if (unit == "d")
    scale = 86400e9;
  else
    return false;
  const double v = n * scale;
  if (!(v < 9e18)) return false;
  *out = static_cast<std::int64_t>(v);
  return true;
}

std::optional<Level> parse_level(std::string_view s) {
  for (int i = 0; i <= static_cast<int>(Level::critical); ++i) {
    if (to_string(static_cast<Level>(i)) == s) return static_cast<Level>(i);
  }
  if (s == "warning") return Level::warn;
  if (s == "fatal") return Level::critical;
  return std::nullopt;
}

// A number as the operand of a typed comparison.
struct Number {
  bool is_int = false, is_uint = false;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double f = 0;
};

bool parse_number(std::string_view s, Number* n) {
  const char* const e = s.data() + s.size();
  if (s.empty()) return false;
  if (auto [p, ec] = std::from_chars(s.data(), e, n->i); ec == std::errc() && p == e) {
    n->is_int = true;
  }
  if (auto [p, ec] = std::from_chars(s.data(), e, n->u); ec == std::errc() && p == e) {
    n->is_uint = true;
  }
  auto [p, ec] = std::from_chars(s.data(), e, n->f);
  return (ec == std::errc() && p == e) || n->is_int || n->is_uint;
}

enum class Op { eq, ne, gt, ge, lt, le, re };

// -1, 0, 1 for value against operand; false when they cannot be compared as numbers.
template <class T>
int three_way(T a, T b) {
  return a < b ? -1 : b < a ? 1 : 0;
}
bool compare_number(const Value& v, const Number& n, int* result) {
  switch (v.kind) {
    case Kind::int64:
      if (n.is_int) return *result = three_way(v.i, n.i), true;
      if (n.is_uint) return *result = -1, true;  // above INT64_MAX
      return *result = three_way(static_cast<double>(v.i), n.f), true;
    case Kind::uint64:
    case Kind::pointer:
      if (n.is_uint) return *result = three_way(v.u, n.u), true;
      if (n.is_int) return *result = 1, true;  // negative
      return *result = three_way(static_cast<double>(v.u), n.f), true;
    case Kind::float32:
    case Kind::float64:
      if (std::isnan(v.f)) return false;
      return *result = three_way(v.f, n.is_int ? static_cast<double>(n.i) : n.f), true;
    default: return false;
  }
}

}  // namespace

struct RecordFilter::Where {
  std::string field;
  Op op = Op::eq;
  std::string text;
  bool numeric = false;
  Number number;
  std::unique_ptr<re2::RE2> re;
};

RecordFilter::RecordFilter() = default;
RecordFilter::~RecordFilter() = default;

void add_filter_options(CLI::App& cmd, FilterOptions& o) {
  cmd.add_option("--level", o.level, "Records of this level and above")
      ->type_name("LEVEL")
      ->group("Filters");
  cmd.add_option("--logger", o.loggers, "Only this logger (repeatable; NAME.* adds its children)")
      ->type_name("NAME")
      ->group("Filters");
  cmd.add_option("--since", o.since, "From this time: RFC 3339, or relative (15m, 2h, 1d)")
      ->type_name("TIME")
      ->group("Filters");
  cmd.add_option("--until", o.until, "Before this time: RFC 3339, or relative (15m, 2h, 1d)")
      ->type_name("TIME")
      ->group("Filters");
  cmd.add_option("--thread", o.threads, "Only this thread: OS thread id or name (repeatable)")
      ->type_name("TID")
      ->group("Filters");
  cmd.add_option("--where", o.where,
                 "Structured field test: F=V F!=V F>N F>=N F<N F<=N F~RE (repeatable)")
      ->type_name("EXPR")
      ->group("Filters");
  cmd.add_option("--grep", o.grep, "RE2 regular expression searched in the message")
      ->type_name("RE")
      ->group("Filters");
}

Status parse_time(const std::string& text, std::int64_t now_ns, std::int64_t* out) {
  if (parse_rfc3339(text, out)) return {};
  std::int64_t ago;
  if (parse_duration(text, &ago)) {
    *out = now_ns - ago;
    return {};
  }
  return bad("bad time '" + text +
             "': expected RFC 3339 (2026-11-27T21:17:26Z) or a duration (90s, 15m, 2h, 1d)");
}

Status RecordFilter::compile(const FilterOptions& o, std::int64_t now_ns,
                             std::unique_ptr<RecordFilter>* out) {
  std::unique_ptr<RecordFilter> f(new RecordFilter());
  if (!o.level.empty()) {
    f->level_ = parse_level(o.level);
    if (!f->level_) {
      return bad("unknown level '" + o.level + "' (trace, debug, info, warn, error, critical)");
    }
  }
  for (const std::string& name : o.loggers) {
    if (name.ends_with(".*")) {
      f->loggers_exact_.push_back(name.substr(0, name.size() - 2));
      f->logger_prefixes_.push_back(name.substr(0, name.size() - 1));
    } else {
      f->loggers_exact_.push_back(name);
    }
  }
  if (!o.since.empty()) {
    if (Status s = parse_time(o.since, now_ns, &f->since_); !s.ok())
      return bad("--since: " + s.message());
  }
  if (!o.until.empty()) {
    if (Status s = parse_time(o.until, now_ns, &f->until_); !s.ok())
      return bad("--until: " + s.message());
  }
  for (const std::string& t : o.threads) {
    std::uint64_t id;
    if (auto [p, ec] = std::from_chars(t.data(), t.data() + t.size(), id);
        ec == std::errc() && p == t.data() + t.size()) {
      f->thread_ids_.push_back(id);
    } else {
      f->thread_names_.push_back(t);
    }
  }
  for (const std::string& expr : o.where) {
    Where w;
    std::size_t i = 0;
    while (i < expr.size() && (std::isalnum(static_cast<unsigned char>(expr[i])) ||
                               expr[i] == '_' || expr[i] == '.')) {
      ++i;
    }
    const std::string_view rest = std::string_view(expr).substr(i);
    w.field = expr.substr(0, i);
    std::size_t op_len = 1;
    if (rest.starts_with("!="))
      w.op = Op::ne, op_len = 2;
    else if (rest.starts_with(">="))
      w.op = Op::ge, op_len = 2;
    else if (rest.starts_with("<="))
      w.op = Op::le, op_len = 2;
    else if (rest.starts_with("=="))
      w.op = Op::eq, op_len = 2;
    else if (rest.starts_with("="))
      w.op = Op::eq;
    else if (rest.starts_with(">"))
      w.op = Op::gt;
    else if (rest.starts_with("<"))
      w.op = Op::lt;
    else if (rest.starts_with("~"))
      w.op = Op::re;
    else
      op_len = 0;
    if (w.field.empty() || op_len == 0) {
      return bad("bad --where '" + expr +
                 "': expected FIELD=V, FIELD!=V, FIELD>N, FIELD>=N, FIELD<N, FIELD<=N or "
                 "FIELD~REGEX");
    }
    w.text = std::string(rest.substr(op_len));
    w.numeric = parse_number(w.text, &w.number);
    if ((w.op == Op::gt || w.op == Op::ge || w.op == Op::lt || w.op == Op::le) && !w.numeric) {
      return bad("bad --where '" + expr + "': '" + w.text + "' is not a number");
    }
    if (w.op == Op::re) {
      w.re = std::make_unique<re2::RE2>(w.text, re2::RE2::Quiet);
      if (!w.re->ok()) return bad("bad --where '" + expr + "': " + w.re->error());
    }
    f->where_.push_back(std::move(w));
  }
  if (!o.grep.empty()) {
    f->grep_ = std::make_unique<re2::RE2>(o.grep, re2::RE2::Quiet);
    if (!f->grep_->ok()) return bad("bad --grep '" + o.grep + "': " + f->grep_->error());
  }
  *out = std::move(f);
  return {};
}

RecordFilter::SiteVerdict RecordFilter::judge_site(const format::CallSiteInfo& site) const {
  SiteVerdict v;
  if (level_ && site.level < *level_) return v;
  if (!loggers_exact_.empty()) {
    const bool named =
        std::find(loggers_exact_.begin(), loggers_exact_.end(), site.logger) !=
            loggers_exact_.end() ||
        std::any_of(logger_prefixes_.begin(), logger_prefixes_.end(),
                    [&](const std::string& p) { return site.logger.starts_with(p); });
    if (!named) return v;
  }
  const std::vector<std::string>& names = site.parsed.names;
  const std::size_t args = site.types.size();
  for (const Where& w : where_) {
    std::size_t i = 0;
    while (i < args &&
           !(i < names.size() ? names[i] == w.field : w.field == "arg" + std::to_string(i)))
      ++i;
    if (i == args) return v;  // no such field: none of its records can pass
    v.field_index.push_back(static_cast<std::uint32_t>(i));
  }
  v.keep = true;
  return v;
}

bool RecordFilter::keep_thread(const format::ThreadInfo& t) const {
  if (thread_ids_.empty() && thread_names_.empty()) return true;
  return std::find(thread_ids_.begin(), thread_ids_.end(), t.os_tid) != thread_ids_.end() ||
         std::find(thread_names_.begin(), thread_names_.end(), t.name) != thread_names_.end();
}

bool RecordFilter::matches(const Where& w, const Value& v, fmt::memory_buffer& scratch) const {
  int cmp = 0;
  bool compared = false;
  if (w.op != Op::re && w.numeric && compare_number(v, w.number, &cmp)) {
    compared = true;
  } else if (v.kind == Kind::boolean && w.op != Op::re) {
    if (w.text != "true" && w.text != "false") return w.op == Op::ne;
    cmp = v.b == (w.text == "true") ? 0 : 1;
    compared = true;
  }
  std::string_view text;
  if (!compared) {
    if (v.kind == Kind::string) {
      text = v.s;
    } else {
      scratch.clear();
      render::append_plain_value(scratch, v);
      text = {scratch.data(), scratch.size()};
    }
  }
  switch (w.op) {
    case Op::eq: return compared ? cmp == 0 : text == w.text;
    case Op::ne: return compared ? cmp != 0 : text != w.text;
    case Op::re: return re2::RE2::PartialMatch(text, *w.re);
    default: break;
  }
  if (!compared) {  // a string that holds a number compares as one
    Number n;
    if (!parse_number(text, &n)) return false;
    const Value as = n.is_int    ? Value::int64(n.i)
                     : n.is_uint ? Value::uint64(n.u)
                                 : Value::float64(n.f);
    if (!compare_number(as, w.number, &cmp)) return false;
  }
  switch (w.op) {
    case Op::gt: return cmp > 0;
    case Op::ge: return cmp >= 0;
    case Op::lt: return cmp < 0;
    case Op::le: return cmp <= 0;
    default: return false;
  }
}

bool RecordFilter::keep_values(const format::Record& r, const SiteVerdict& verdict,
                               render::Renderer& renderer, fmt::memory_buffer& scratch) const {
  for (std::size_t k = 0; k < where_.size(); ++k) {
    if (!matches(where_[k], r.args[verdict.field_index[k]], scratch)) return false;
  }
  if (grep_ != nullptr) {
    scratch.clear();
    const record::Site site = r.site->view();
    renderer.message(scratch, site, r.args);
    if (!re2::RE2::PartialMatch(std::string_view(scratch.data(), scratch.size()), *grep_)) {
      return false;
    }
  }
  return true;
}

}  // namespace lynx::tools
