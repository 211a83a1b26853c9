#include "engine/metrics_text.hpp"

#include <cstdio>
#include <numeric>

#include "lynx/level.hpp"

namespace lynx::detail {

namespace {

class Writer {
 public:
  explicit Writer(std::string_view name) {
    // A label value escapes '\', '"' and newlines.
    label_ = "name=\"";
    for (char c : name) {
      if (c == '\\' || c == '"') label_.push_back('\\');
      if (c == '\n') {
        label_ += "\\n";
        continue;
      }
      label_.push_back(c);
    }
    label_.push_back('"');
  }

  void family(const char* metric, const char* type, const char* help) {
    out_ += "# HELP ";
    out_ += metric;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += metric;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  // `metric{name="..",extra} value`
  void sample(std::string_view metric, std::string_view extra, std::uint64_t value) {
    sample_text(metric, extra, std::to_string(value));
  }
  void sample_text(std::string_view metric, std::string_view extra, std::string_view value) {
    out_ += metric;
    out_ += '{';
    out_ += label_;
    if (!extra.empty()) {
      out_ += ',';
      out_ += extra;
    }
    out_ += "} ";
    out_ += value;
    out_ += '\n';
  }
  void counter(const char* metric, const char* help, std::uint64_t value) {
    family(metric, "counter", help);
    sample(metric, {}, value);
  }
  void by_level(const char* metric, const char* help, const std::array<std::uint64_t, 6>& v,
                const std::uint64_t* unknown = nullptr) {
    family(metric, "counter", help);
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::string label = "level=\"";
      label += to_string(static_cast<Level>(i));
      label += '"';
      sample(metric, label, v[i]);
    }
    if (unknown != nullptr) sample(metric, "level=\"unknown\"", *unknown);
  }
  std::string take() { return std::move(out_); }

 private:
  std::string label_;
  std::string out_;
};

}  // namespace

std::string prometheus_text(const Stats& s, std::string_view name) {
  Writer w(name);
  w.by_level("lynx_records_total",
             "Records the backend took from the rings and handed to the sinks, by level.",
             s.records_by_level);
  w.counter("lynx_records_written_total",
            "Records in completed writes to the binary files (engine notices included).",
            s.records_written);
  const std::uint64_t named = std::accumulate(s.records_dropped_by_level.begin(),
                                              s.records_dropped_by_level.end(), std::uint64_t{0});
  const std::uint64_t unknown = s.records_dropped > named ? s.records_dropped - named : 0;
  w.by_level("lynx_records_dropped_total",
             "Records dropped (full ring with on_full=drop, too large, writes given up).",
             s.records_dropped_by_level, &unknown);
  w.by_level("lynx_records_suppressed_total",
             "Records suppressed by sampled statements and rate limits, by level.",
             s.records_suppressed);
  w.counter("lynx_bytes_raw_total", "Encoded record bytes before compression.", s.bytes_raw);
  w.counter("lynx_bytes_encoded_total", "Block bytes after compression.", s.bytes_encoded);
  w.counter("lynx_bytes_written_total", "Bytes that reached the binary files.", s.bytes_written);
  w.counter("lynx_blocks_written_total", "Blocks that reached the binary files.", s.blocks_written);
  w.counter("lynx_files_opened_total", "Log files created.", s.files_opened);
  w.counter("lynx_rotations_total", "Files closed by rotation.", s.rotations);
  w.counter("lynx_files_deleted_total", "Files deleted by retention.", s.files_deleted);
  w.counter("lynx_write_errors_total", "Failed write attempts (retried).", s.write_errors);
  w.counter("lynx_threads_registered_total", "Threads that got a ring.", s.threads_registered);
  w.family("lynx_ring_high_water_bytes", "gauge",
           "The most bytes any thread's ring held when the backend looked.");
  w.sample("lynx_ring_high_water_bytes", {}, s.ring_high_water_bytes);
  w.counter("lynx_syslog_sent_total", "Messages the syslog sinks handed to their sockets.",
            s.syslog_sent);
  w.counter("lynx_syslog_dropped_total", "Messages the syslog sinks dropped.", s.syslog_dropped);
  w.counter("lynx_syslog_connects_total", "Connections the syslog sinks made.", s.syslog_connects);

  const char* lag = "lynx_backend_lag_seconds";
  w.family(lag, "histogram", "From the log call to the completion of its record's write.");
  std::uint64_t cumulative = 0;
  char le[48];
  for (std::size_t i = 0; i + 1 < LagHistogram::kBuckets; ++i) {
    cumulative += s.backend_lag.counts[i];
    std::snprintf(le, sizeof le, "le=\"%.9g\"",
                  static_cast<double>(LagHistogram::upper_bound_ns(i)) / 1e9);
    w.sample("lynx_backend_lag_seconds_bucket", le, cumulative);
  }
  // +Inf is the count itself (counts and count are read one by one: keep them consistent).
  cumulative += s.backend_lag.counts[LagHistogram::kBuckets - 1];
  w.sample("lynx_backend_lag_seconds_bucket", "le=\"+Inf\"", cumulative);
  char sum[48];
  std::snprintf(sum, sizeof sum, "%.9f", static_cast<double>(s.backend_lag.sum_ns) / 1e9);
  w.sample_text("lynx_backend_lag_seconds_sum", {}, sum);
  w.sample("lynx_backend_lag_seconds_count", {}, cumulative);
  return w.take();
}

}  // namespace lynx::detail
