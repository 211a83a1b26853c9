// One end-to-end run: `records` records of a workload from `threads` producers, timed from the
// moment the producers are released (after their warm-up call) until session.finish() returns, i.e.
// until every record is in its file (handed to the kernel). Also measures the CPU time of the
// logger's background thread and of the whole process over the same span, and the bytes written.
#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "bench/percentiles.hpp"
#include "bench/producers.hpp"
#include "bench/sys_probe.hpp"

namespace lynx::bench {

struct EndToEnd {
  std::uint64_t records = 0;
  double seconds = 0;
  double backend_cpu_s = 0;
  double process_cpu_s = 0;
  std::uint64_t disk_bytes = 0;

  double records_per_s() const { return seconds > 0 ? static_cast<double>(records) / seconds : 0; }
  double per_million(double s) const {
    return records > 0 ? s * 1e6 / static_cast<double>(records) : 0;
  }
  double bytes_per_record() const {
    return records > 0 ? static_cast<double>(disk_bytes) / static_cast<double>(records) : 0;
  }
};

// `base` shifts the logged values (e.g. to train a dictionary on other data than it is tested on).
template <class Workload, class Session>
EndToEnd run_end_to_end(Session& session, unsigned threads, std::uint64_t records,
                        std::uint64_t base = 0) {
  EndToEnd r;
  const std::uint64_t per_thread = records / threads;
  r.records = per_thread * threads;
  std::int64_t backend0 = 0, process0 = 0;
  std::chrono::steady_clock::time_point t0;
  run_producers<Workload>(
      session, threads, 1, false,
      [&] {
        backend0 = session.backend_cpu_ns();
        process0 = process_cpu_ns();
        t0 = std::chrono::steady_clock::now();
      },
      [&](unsigned, auto& sink, const typename Workload::State& state, std::uint64_t i) {
        for (std::uint64_t k = 0; k < per_thread; ++k) Workload::log(sink, i++, state);
      },
      base);
  session.finish();
  const auto t1 = std::chrono::steady_clock::now();
  r.seconds = std::chrono::duration<double>(t1 - t0).count();
  r.backend_cpu_s = static_cast<double>(session.backend_cpu_ns() - backend0) / 1e9;
  r.process_cpu_s = static_cast<double>(process_cpu_ns() - process0) / 1e9;
  r.disk_bytes = session.disk_bytes();
  return r;
}

// Median of each field over repetitions (records taken from the first).
inline EndToEnd median(const std::vector<EndToEnd>& runs) {
  EndToEnd m;
  if (runs.empty()) return m;
  m.records = runs.front().records;
  auto med = [&](auto field) {
    std::vector<double> v;
    for (const EndToEnd& r : runs) v.push_back(static_cast<double>(r.*field));
    return median(std::move(v));
  };
  m.seconds = med(&EndToEnd::seconds);
  m.backend_cpu_s = med(&EndToEnd::backend_cpu_s);
  m.process_cpu_s = med(&EndToEnd::process_cpu_s);
  m.disk_bytes = static_cast<std::uint64_t>(med(&EndToEnd::disk_bytes));
  return m;
}

}  // namespace lynx::bench
