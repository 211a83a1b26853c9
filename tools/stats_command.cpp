#include "tools/stats_command.hpp"

#include <unistd.h>

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "render/render.hpp"
#include "tools/log_source.hpp"

namespace lynx::tools {

namespace {

constexpr std::size_t kMaxSeconds = 100000;
constexpr int kChartRows = 20;

struct Count {
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
};

// A call site as people see it (the same site in many files and processes is one).
using SiteKey = std::tuple<std::string, std::string, std::uint32_t, std::string, std::string, int>;
// logger, file, line, function, template, level

struct Totals {
  std::uint64_t files = 0, records = 0, disk_bytes = 0, decoded_bytes = 0, dropped = 0,
                drop_notices = 0;
  std::int64_t first_ts = INT64_MAX, last_ts = INT64_MIN;
  std::map<int, Count> levels;
  std::map<std::string, Count> loggers;
  std::map<std::pair<std::uint32_t, std::uint64_t>, std::pair<std::string, Count>> threads;
  std::map<SiteKey, Count> sites;
  std::map<std::int64_t, std::uint64_t> per_bucket;  // start (ns) -> records
  std::int64_t bucket_ns = 1'000'000'000;
};

void add_record(Totals& t, const format::Record& r, std::uint32_t pid) {
  ++t.records;
  t.first_ts = std::min(t.first_ts, r.ts_ns);
  t.last_ts = std::max(t.last_ts, r.ts_ns);
  const format::CallSiteInfo& s = *r.site;
  const auto add = [&](Count& c) {
    ++c.records;
    c.bytes += r.encoded_size;
  };
  add(t.levels[static_cast<int>(s.level)]);
  add(t.loggers[s.logger]);
  auto& th = t.threads[{pid, r.thread->os_tid}];
  th.first = r.thread->name;
  add(th.second);
  add(t.sites[SiteKey{s.logger, s.file, s.line, s.function, s.format, static_cast<int>(s.level)}]);
  if (s.format == "{count} records dropped" && s.logger == "lynx" && r.args.size() == 1) {
    ++t.drop_notices;
    t.dropped += r.args[0].u;
  }
  std::int64_t b = r.ts_ns / t.bucket_ns * t.bucket_ns;
  ++t.per_bucket[b];
  if (t.per_bucket.size() > kMaxSeconds) {  // coarsen: twice as wide
    t.bucket_ns *= 2;
    std::map<std::int64_t, std::uint64_t> wider;
    for (const auto& [start, n] : t.per_bucket) wider[start / t.bucket_ns * t.bucket_ns] += n;
    t.per_bucket.swap(wider);
  }
}

int read_all(const std::vector<std::string>& paths, Totals& t, Diagnostics& diag) {
  for (const std::string& path : expand_paths(paths, diag)) {
    std::unique_ptr<format::BlockReader> reader = open_log(path, {}, diag);
    if (!reader) continue;
    ++t.files;
    reader->set_payload_hook(
        [&](format::BlockKind, const std::byte*, std::size_t size) { t.decoded_bytes += size; });
    const std::uint32_t pid = reader->header().pid;
    const format::ReadSummary sum = format::read_to_end(
        *reader, [&](const format::Record& r) { add_record(t, r, pid); },
        [&](const format::Problem& p) { report_problem(path, p, diag); });
    if (!sum.error.ok()) diag.io_error(sum.error.message());
    t.disk_bytes += sum.bytes;
  }
  return diag.exit_code();
}

template <class Map, class Name>
std::vector<std::pair<std::string, Count>> rows(const Map& m, Name name) {
  std::vector<std::pair<std::string, Count>> out;
  for (const auto& [k, v] : m) out.emplace_back(name(k, v), count_of(v));
  return out;
}

const Count& count_of(const Count& c) { return c; }
const Count& count_of(const std::pair<std::string, Count>& p) { return p.second; }

std::string site_name(const SiteKey& k) {
  return fmt::format("{} {}:{} {} \"{}\"", to_string(static_cast<Level>(std::get<5>(k))),
                     std::get<1>(k), std::get<2>(k), std::get<0>(k), std::get<4>(k));
}

void print_table(std::string& out, const char* title, std::vector<std::pair<std::string, Count>> r,
                 std::uint64_t total, std::size_t limit, bool by_bytes = false) {
  std::stable_sort(r.begin(), r.end(), [&](const auto& a, const auto& b) {
    return by_bytes ? a.second.bytes > b.second.bytes : a.second.records > b.second.records;
  });
  out += fmt::format("\n{}:\n", title);
  for (std::size_t i = 0; i < r.size() && i < limit; ++i) {
    const Count& c = r[i].second;
    fmt::memory_buffer name;  // names come from the files: escaped like any text output
    render::append_text_escaped(name, r[i].first);
    out += fmt::format("  {:>12} {:>6.2f}%  {:>12} B  {:>6.1f} B/rec  {}\n", c.records,
                       total ? 100.0 * double(c.records) / double(total) : 0.0, c.bytes,
                       c.records ? double(c.bytes) / double(c.records) : 0.0,
                       std::string_view(name.data(), name.size()));
  }
}

std::string json_str(std::string_view s) {
  fmt::memory_buffer b;
  render::append_json_string(b, s);
  return std::string(b.data(), b.size());
}

std::string json_rows(const std::vector<std::pair<std::string, Count>>& r) {
  std::string s = "[";
  for (std::size_t i = 0; i < r.size(); ++i) {
    s += fmt::format("{}{{\"name\":{},\"records\":{},\"bytes\":{}}}", i ? "," : "",
                     json_str(r[i].first), r[i].second.records, r[i].second.bytes);
  }
  return s + "]";
}

std::string ts_text(std::int64_t ns) {
  fmt::memory_buffer b;
  render::append_timestamp(b, ns);
  return std::string(b.data(), b.size());
}

}  // namespace

CLI::App* add_stats_command(CLI::App& app, StatsOptions& o) {
  CLI::App* cmd = app.add_subcommand(
      "stats", "Records, bytes, compression, levels, loggers, threads, costly call sites, drops");
  cmd->add_option("--by", o.by, "Only this table, complete")
      ->check(CLI::IsMember({"site", "logger", "level", "thread"}));
  cmd->add_option("--format", o.format, "text or json (one document)")
      ->check(CLI::IsMember({"text", "json"}))
      ->default_str("text");
  cmd->add_flag("--chart", o.chart, "Records per interval as bars also when not on a terminal");
  cmd->add_option("--top", o.top, "Rows of the call site tables")->default_str("10");
  cmd->add_option("PATH", o.paths, "Log files or directories")->required();
  cmd->footer(R"(Examples:
  lynx stats logs/                   the summary, top call sites by count and by bytes, a chart
  lynx stats --by logger logs/       records and bytes per logger
  lynx stats --format json logs/ | jq .sites_by_bytes[0])");
  return cmd;
}

CLI::App* add_sites_command(CLI::App& app, StatsOptions& o) {
  CLI::App* cmd = app.add_subcommand("sites", "The call sites in log files, with their counts");
  cmd->add_option("PATH", o.paths, "Log files or directories")->required();
  cmd->footer(
      "Example:\n  lynx sites logs/ | head     count, level, file:line, function, logger, "
      "template");
  return cmd;
}

int run_stats(const StatsOptions& o, std::FILE* out, std::FILE* err) {
  Diagnostics diag(err);
  Totals t;
  read_all(o.paths, t, diag);
  const auto levels = rows(
      t.levels, [](int l, const Count&) { return std::string(to_string(static_cast<Level>(l))); });
  const auto loggers = rows(t.loggers, [](const std::string& n, const Count&) { return n; });
  const auto threads = rows(t.threads, [](const auto& k, const auto& v) {
    return fmt::format("{}:{} {}", k.first, k.second, v.first);
  });
  const auto sites = rows(t.sites, [](const SiteKey& k, const Count&) { return site_name(k); });
  const double ratio = t.disk_bytes ? double(t.decoded_bytes) / double(t.disk_bytes) : 0.0;
  const std::int64_t span = t.records ? t.last_ts - t.first_ts : 0;
  std::string s;
  if (o.format == "json") {
    auto by_bytes = sites;
    std::stable_sort(by_bytes.begin(), by_bytes.end(),
                     [](const auto& a, const auto& b) { return a.second.bytes > b.second.bytes; });
    auto by_count = sites;
    std::stable_sort(by_count.begin(), by_count.end(), [](const auto& a, const auto& b) {
      return a.second.records > b.second.records;
    });
    s = fmt::format(
        "{{\"files\":{},\"records\":{},\"disk_bytes\":{},\"bytes_per_record\":{:.2f},"
        "\"compression_ratio\":{:.2f},\"first_ts\":{},\"last_ts\":{},\"span_ns\":{},"
        "\"drop_notices\":{},\"records_dropped\":{},\"levels\":{},\"loggers\":{},\"threads\":{},"
        "\"sites_by_count\":{},\"sites_by_bytes\":{},\"interval_ns\":{},\"per_interval\":[",
        t.files, t.records, t.disk_bytes,
        t.records ? double(t.disk_bytes) / double(t.records) : 0.0, ratio,
        t.records ? json_str(ts_text(t.first_ts)) : "null",
        t.records ? json_str(ts_text(t.last_ts)) : "null", span, t.drop_notices, t.dropped,
        json_rows(levels), json_rows(loggers), json_rows(threads), json_rows(by_count),
        json_rows(by_bytes), t.bucket_ns);
    bool first = true;
    for (const auto& [start, n] : t.per_bucket) {
      s += fmt::format("{}[{},{}]", first ? "" : ",", start, n);
      first = false;
    }
    s += "]}\n";
  } else if (!o.by.empty()) {
    const auto& r = o.by == "site"     ? sites
                    : o.by == "logger" ? loggers
                    : o.by == "level"  ? levels
                                       : threads;
    print_table(s, ("records by " + o.by).c_str(), r, t.records, SIZE_MAX);
  } else {
    s += fmt::format("files:             {}\nrecords:           {}\nbytes on disk:     {}\n",
                     t.files, t.records, t.disk_bytes);
    s += fmt::format("bytes per record:  {:.2f}\ncompression ratio: {:.2f} (decoded {} B)\n",
                     t.records ? double(t.disk_bytes) / double(t.records) : 0.0, ratio,
                     t.decoded_bytes);
    if (t.records) {
      s += fmt::format("time span:         {} .. {} ({:.3f} s)\n", ts_text(t.first_ts),
                       ts_text(t.last_ts), double(span) / 1e9);
    }
    s += fmt::format("drop notices:      {} ({} records dropped)\n", t.drop_notices, t.dropped);
    print_table(s, "records per level", levels, t.records, SIZE_MAX);
    print_table(s, "records per logger", loggers, t.records, static_cast<std::size_t>(o.top));
    print_table(s, "records per thread (pid:tid name)", threads, t.records,
                static_cast<std::size_t>(o.top));
    print_table(s, "top call sites by count", sites, t.records, static_cast<std::size_t>(o.top));
    print_table(s, "top call sites by bytes", sites, t.records, static_cast<std::size_t>(o.top),
                true);
    if (t.records && (o.chart || ::isatty(::fileno(out)) == 1)) {
      // kChartRows intervals over the span; bars scaled to the busiest.
      const std::int64_t width = std::max<std::int64_t>(1, (span + kChartRows) / kChartRows);
      std::vector<std::uint64_t> n(kChartRows, 0);
      for (const auto& [start, c] : t.per_bucket) {
        const std::int64_t at = std::clamp<std::int64_t>(
            (std::max(start, t.first_ts) - t.first_ts) / width, 0, kChartRows - 1);
        n[static_cast<std::size_t>(at)] += c;
      }
      const std::uint64_t most = *std::max_element(n.begin(), n.end());
      s += fmt::format("\nrecords per {:.3f} s:\n", double(width) / 1e9);
      for (int i = 0; i < kChartRows; ++i) {
        const std::size_t bar = most ? static_cast<std::size_t>(50 * n[i] / most) : 0;
        s += fmt::format("  {} {:>10} {}\n", ts_text(t.first_ts + i * width), n[i],
                         std::string(bar, '#'));
      }
    }
  }
  write_output(out, s.data(), s.size(), diag);
  std::fflush(out);
  return diag.exit_code();
}

int run_sites(const StatsOptions& o, std::FILE* out, std::FILE* err) {
  Diagnostics diag(err);
  Totals t;
  read_all(o.paths, t, diag);
  std::vector<std::pair<SiteKey, Count>> r(t.sites.begin(), t.sites.end());
  std::stable_sort(r.begin(), r.end(), [](const auto& a, const auto& b) {
    return a.second.records > b.second.records;
  });
  fmt::memory_buffer s;
  for (const auto& [k, c] : r) {
    fmt::format_to(fmt::appender(s), "{:>10} {:<8} {}:{} {} {} ", c.records,
                   to_string(static_cast<Level>(std::get<5>(k))), std::get<1>(k), std::get<2>(k),
                   std::get<3>(k), std::get<0>(k));
    render::append_text_escaped(s, std::get<4>(k));
    s.push_back('\n');
  }
  write_output(out, s.data(), s.size(), diag);
  std::fflush(out);
  return diag.exit_code();
}

}  // namespace lynx::tools
