// `lynx-bench throughput`: how many records per second get from the first call into the files.
//
// Method (that of the public logger throughput benchmarks): N records (default 4,000,000) of one
// workload, producers logging as fast as they can, timed from the first call until the logger
// reports everything written (lynx: Engine::flush() returns; spdlog: its pool drained and joined,
// file closed; fprintf: fflush returns). Per run also: CPU seconds of the logger's background
// thread per million records, and bytes on disk per record. Configurations: 1 producer thread
// writing 1 shard, and 4 producer threads writing 4 shards (lynx assigns threads to shards round
// robin); lynx with zstd (level 1, the default) and without. Every repetition runs every
// configuration once; tables show medians.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "bench/end_to_end.hpp"
#include "bench/modes.hpp"
#include "bench/sinks.hpp"
#include "bench/sys_probe.hpp"
#include "bench/workloads.hpp"

namespace lynx::bench {

namespace {

struct Config {
  unsigned threads;
  unsigned shards;
};
constexpr Config kConfigs[] = {{1, 1}, {4, 4}};

// (workload, threads, logger) -> runs; logger is "lynx zstd", "lynx none", "spdlog", "fprintf".
using Key = std::tuple<std::string, unsigned, std::string>;

}  // namespace

int run_throughput(const BenchArgs& args, Report& report) {
  const std::uint64_t records =
      args.records != 0 ? args.records : (args.quick ? 200'000 : 4'000'000);
  const unsigned reps = args.reps != 0 ? args.reps : (args.quick ? 1 : 3);
  ScratchDir scratch("throughput");
  std::printf("\nthroughput: %u repetitions of %llu records per configuration\n", reps,
              static_cast<unsigned long long>(records));

  auto wanted = [&](Config c) {
    return args.threads.empty() ||
           std::find(args.threads.begin(), args.threads.end(), c.threads) != args.threads.end();
  };
  std::map<Key, std::vector<EndToEnd>> runs;
  std::vector<std::string> workloads;
  for_each_workload([&](auto w) { workloads.emplace_back(decltype(w)::kName); });
  for (unsigned rep = 0; rep < reps; ++rep) {
    std::printf("  repetition %u/%u...\n", rep + 1, reps);
    std::fflush(stdout);
    for_each_workload([&](auto w) {
      using W = decltype(w);
      const std::string name(W::kName);
      if (!selected(args.workloads, name)) return;
      for (const Config c : kConfigs) {
        if (!wanted(c)) continue;
        for (const auto compression : {lynx::Compression::zstd, lynx::Compression::none}) {
          const char* label = compression == lynx::Compression::zstd ? "lynx zstd" : "lynx none";
          if (!selected(args.loggers, "lynx") && !selected(args.loggers, label)) continue;
          LynxSession s(lynx::Options{.directory = scratch.fresh("lynx").string(),
                                      .name = "bench",
                                      .shards = c.shards,
                                      .compression = compression});
          runs[{name, c.threads, label}].push_back(run_end_to_end<W>(s, c.threads, records));
        }
        if (selected(args.loggers, "spdlog")) {
          SpdlogSession s(scratch.fresh("spdlog"));
          runs[{name, c.threads, "spdlog"}].push_back(run_end_to_end<W>(s, c.threads, records));
        }
        if (selected(args.loggers, "fprintf")) {
          FprintfSession s(scratch.fresh("fprintf"));
          runs[{name, c.threads, "fprintf"}].push_back(run_end_to_end<W>(s, c.threads, records));
        }
        // The files of this configuration are no longer needed; keep the page cache small.
        for (const auto& e : std::filesystem::directory_iterator(scratch.path())) {
          std::filesystem::remove_all(e.path());
        }
      }
    });
  }

  Table t("throughput",
          "End-to-end throughput, " + std::to_string(records) + " records per run (median of " +
              std::to_string(reps) + " runs)",
          {"workload", "threads", "shards", "logger", "M records/s", "seconds", "backend CPU s/M",
           "process CPU s/M", "bytes/record"});
  for (const std::string& w : workloads) {
    for (const Config c : kConfigs) {
      for (const char* logger : {"lynx zstd", "lynx none", "spdlog", "fprintf"}) {
        const auto& rs = runs[{w, c.threads, logger}];
        if (rs.empty()) continue;  // filtered out
        const EndToEnd m = median(rs);
        const bool is_lynx = logger[0] == 'l';
        t.add_row({Cell::str(w), Cell::num(c.threads, 0),
                   is_lynx ? Cell::num(c.shards, 0) : Cell::str("1 file"), Cell::str(logger),
                   Cell::num(m.records_per_s() / 1e6, 2), Cell::num(m.seconds, 3),
                   std::string(logger) == "fprintf" ? Cell::none()
                                                    : Cell::num(m.per_million(m.backend_cpu_s), 3),
                   Cell::num(m.per_million(m.process_cpu_s), 3),
                   Cell::num(m.bytes_per_record(), 2)});
      }
    }
  }
  t.add_note(
      "backend = lynx-backend thread / spdlog's pool worker; fprintf has none (all its work is on "
      "the producers)");
  t.add_note("process CPU includes producers, backend and the idle main thread");
  report.add(std::move(t));

  Table ratios("throughput_ratios", "Throughput ratios (records/s, lynx with zstd level 1)",
               {"workload", "threads", "lynx M/s", "spdlog M/s", "lynx/spdlog", "fprintf M/s",
                "lynx/fprintf", "lynx B/rec", "spdlog B/rec"});
  for (const std::string& w : workloads) {
    for (const Config c : kConfigs) {
      const auto &lr = runs[{w, c.threads, "lynx zstd"}], &sr = runs[{w, c.threads, "spdlog"}],
                 &fr = runs[{w, c.threads, "fprintf"}];
      if (lr.empty() || sr.empty() || fr.empty()) continue;  // filtered out
      const EndToEnd l = median(lr), s = median(sr), f = median(fr);
      ratios.add_row({Cell::str(w), Cell::num(c.threads, 0), Cell::num(l.records_per_s() / 1e6, 2),
                      Cell::num(s.records_per_s() / 1e6, 2),
                      Cell::num(l.records_per_s() / s.records_per_s(), 1),
                      Cell::num(f.records_per_s() / 1e6, 2),
                      Cell::num(l.records_per_s() / f.records_per_s(), 1),
                      Cell::num(l.bytes_per_record(), 2), Cell::num(s.bytes_per_record(), 1)});
    }
  }
  report.add(std::move(ratios));

  const auto& target_runs = runs[{std::string(IntIntDouble::kName), 1, "lynx zstd"}];
  if (target_runs.empty()) return 0;
  const EndToEnd a = median(target_runs);
  Table targets("throughput_targets", "Throughput targets: workload (a), 1 producer, zstd level 1",
                {"target", "goal", "measured", "met"});
  targets.add_row({Cell::str("M records/s, first call to flush()"), Cell::str(">= 30"),
                   Cell::num(a.records_per_s() / 1e6, 2),
                   Cell::str(a.records_per_s() >= 30e6 ? "yes" : "NO")});
  targets.add_row({Cell::str("bytes on disk per record"), Cell::str("<= 4"),
                   Cell::num(a.bytes_per_record(), 2),
                   Cell::str(a.bytes_per_record() <= 4 ? "yes" : "NO")});
  report.add(std::move(targets));
  return 0;
}

}  // namespace lynx::bench
