// `lynx-bench io`: what the I/O layer costs: io_uring against pwritev, 1, 2 and 4 shards, and each
// durability policy (Options::sync), in one run.
//
// Method: N records (default 2,000,000) of workload (b) (int, int, double, 40-char string: the
// largest record of the standard workloads), compression off so that the bytes reaching the files
// are as many as the records carry and the writer, not zstd, is what varies. One producer thread
// per shard (lynx assigns threads to shards round robin, so each shard gets one). Files rotate at
// 16 MiB (--rotate-mib), so that Sync::on_rotate fdatasyncs several files per run, as it would in
// production, rather than only the last one. Timed from the first call until the Engine is
// destroyed (every file closed, and with on_rotate or every_batch synced), so the last file's
// fdatasync counts too. Each repetition runs every configuration once, in turn; tables show
// medians, and ratios are the median of the per-repetition ratios (each against the baseline of
// the same repetition: io_uring, 1 shard, sync none).
#include <algorithm>
#include <cstdio>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "bench/end_to_end.hpp"
#include "bench/modes.hpp"
#include "bench/percentiles.hpp"
#include "bench/sinks.hpp"
#include "bench/sys_probe.hpp"
#include "bench/workloads.hpp"

namespace lynx::bench {

namespace {

using Workload = IntIntDoubleString;

struct IoKind {
  const char* label;
  lynx::Io io;
};
constexpr IoKind kIos[] = {{"io_uring", lynx::Io::uring}, {"pwritev", lynx::Io::psync}};
constexpr unsigned kShards[] = {1, 2, 4};
struct SyncKind {
  const char* label;
  lynx::Sync sync;
};
constexpr SyncKind kSyncs[] = {{"none", lynx::Sync::none},
                               {"on_rotate", lynx::Sync::on_rotate},
                               {"every_batch", lynx::Sync::every_batch}};

// A lynx session whose finish() also stops the engine, so that closing (and syncing) the last
// files is inside the timed span. The statistics and the backend's CPU time are taken just before.
class StoppingSession {
 public:
  explicit StoppingSession(const lynx::Options& options) : dir_(options.directory) {
    session_.emplace(options);
  }
  LynxSink sink() const { return session_->sink(); }
  void ready() { session_->ready(); }
  void finish() {
    session_->finish();
    backend_cpu_at_stop_ = session_->backend_cpu_ns();
    stats_ = session_->stats();
    session_.reset();
  }
  std::int64_t backend_cpu_ns() const {
    return session_ ? session_->backend_cpu_ns() : backend_cpu_at_stop_;
  }
  std::uint64_t disk_bytes() const { return directory_bytes(dir_); }
  const lynx::Stats& stats() const { return stats_; }

 private:
  std::filesystem::path dir_;
  std::optional<LynxSession> session_;
  std::int64_t backend_cpu_at_stop_ = 0;
  lynx::Stats stats_;
};

struct Run {
  EndToEnd e2e;
  std::uint64_t files = 0;
};

// (io, shards, sync)
using Key = std::tuple<std::string, unsigned, std::string>;

double mb_per_s(const EndToEnd& e) {
  return e.seconds > 0 ? static_cast<double>(e.disk_bytes) / e.seconds / 1e6 : 0;
}

}  // namespace

int run_io(const BenchArgs& args, Report& report) {
  const std::uint64_t records =
      args.records != 0 ? args.records : (args.quick ? 200'000 : 2'000'000);
  const unsigned reps = args.reps != 0 ? args.reps : (args.quick ? 1 : 3);
  const std::uint64_t rotate_bytes = (args.rotate_mib != 0 ? args.rotate_mib : 16) << 20;
  std::vector<unsigned> shard_counts;
  for (const unsigned s : kShards) {
    if (args.threads.empty() ||
        std::find(args.threads.begin(), args.threads.end(), s) != args.threads.end()) {
      shard_counts.push_back(s);
    }
  }
  ScratchDir scratch("io");
  std::printf(
      "\nio: %u repetitions of %llu records of %s per configuration, compression off, rotate at "
      "%llu MiB;\n"
      "  files in %s\n",
      reps, static_cast<unsigned long long>(records), std::string(Workload::kName).c_str(),
      static_cast<unsigned long long>(rotate_bytes >> 20), scratch.path().c_str());

  std::map<Key, std::vector<Run>> runs;
  std::map<Key, std::string> failed;  // e.g. io_uring unavailable
  for (unsigned rep = 0; rep < reps; ++rep) {
    std::printf("  repetition %u/%u...\n", rep + 1, reps);
    std::fflush(stdout);
    for (const unsigned shards : shard_counts) {
      for (const SyncKind& sync : kSyncs) {
        for (const IoKind& io : kIos) {
          const Key key{io.label, shards, sync.label};
          if (failed.count(key) != 0) continue;
          const auto dir = scratch.fresh("lynx");
          try {
            StoppingSession s(lynx::Options{.directory = dir.string(),
                                            .name = "bench",
                                            .shards = shards,
                                            .rotate_bytes = rotate_bytes,
                                            .sync = sync.sync,
                                            .compression = lynx::Compression::none,
                                            .io = io.io});
            Run run;
            run.e2e = run_end_to_end<Workload>(s, shards, records);
            run.files = s.stats().files_opened;
            if (s.stats().write_errors != 0) throw std::runtime_error("write errors");
            runs[key].push_back(run);
          } catch (const std::exception& e) {
            failed[key] = e.what();
            std::fprintf(stderr, "lynx-bench: io %s, %u shards, sync %s: %s\n", io.label, shards,
                         sync.label, e.what());
          }
          std::filesystem::remove_all(dir);
        }
      }
    }
  }

  const Key baseline{"io_uring", 1, "none"};
  // Median over repetitions of run(key) / run(other) for a per-run figure.
  auto ratio = [&](const Key& key, const Key& other, auto figure) {
    const auto &a = runs[key], &b = runs[other];
    std::vector<double> v;
    for (std::size_t r = 0; r < a.size() && r < b.size(); ++r) {
      if (figure(b[r].e2e) > 0) v.push_back(figure(a[r].e2e) / figure(b[r].e2e));
    }
    return v.empty() ? Cell::none() : Cell::num(median(std::move(v)), 2);
  };
  auto rate = [](const EndToEnd& e) { return e.records_per_s(); };
  auto med_e2e = [&](const Key& key) {
    std::vector<EndToEnd> v;
    for (const Run& r : runs[key]) v.push_back(r.e2e);
    return median(v);
  };
  auto med_files = [&](const Key& key) {
    std::vector<double> v;
    for (const Run& r : runs[key]) v.push_back(static_cast<double>(r.files));
    return median(std::move(v));
  };

  Table t("io",
          "Write throughput by io backend, shards and sync policy, " + std::to_string(records) +
              " records of (b), compression off, rotate at " + std::to_string(rotate_bytes >> 20) +
              " MiB (median of " + std::to_string(reps) + " runs)",
          {"io", "shards", "sync", "M records/s", "MB/s", "vs baseline", "seconds",
           "backend CPU s/M", "files", "bytes/record"});
  for (const unsigned shards : shard_counts) {
    for (const SyncKind& sync : kSyncs) {
      for (const IoKind& io : kIos) {
        const Key key{io.label, shards, sync.label};
        if (runs[key].empty()) {
          if (failed.count(key) != 0) {
            t.add_row({Cell::str(io.label), Cell::num(shards, 0), Cell::str(sync.label),
                       Cell::str("failed: " + failed[key])});
          }
          continue;
        }
        const EndToEnd m = med_e2e(key);
        t.add_row({Cell::str(io.label), Cell::num(shards, 0), Cell::str(sync.label),
                   Cell::num(m.records_per_s() / 1e6, 2), Cell::num(mb_per_s(m), 0),
                   ratio(key, baseline, rate), Cell::num(m.seconds, 3),
                   Cell::num(m.per_million(m.backend_cpu_s), 3), Cell::num(med_files(key), 0),
                   Cell::num(m.bytes_per_record(), 1)});
      }
    }
  }
  t.add_note(
      "baseline: io_uring, 1 shard, sync none; 'vs baseline' = median over repetitions of "
      "records/s "
      "divided by the baseline's records/s of the same repetition");
  t.add_note(
      "timed from the first call until ~Engine returns (all files closed, and synced per the "
      "policy); "
      "one producer thread per shard; MB = 10^6 bytes of files");
  report.add(std::move(t));

  Table c("io_costs",
          "Same-run ratios of records/s: io_uring vs pwritev, and each sync policy vs none",
          {"shards", "sync", "io_uring/pwritev", "io_uring: vs none", "pwritev: vs none"});
  for (const unsigned shards : shard_counts) {
    for (const SyncKind& sync : kSyncs) {
      const Key u{"io_uring", shards, sync.label}, p{"pwritev", shards, sync.label};
      const Key un{"io_uring", shards, "none"}, pn{"pwritev", shards, "none"};
      if (runs[u].empty() && runs[p].empty()) continue;
      c.add_row({Cell::num(shards, 0), Cell::str(sync.label), ratio(u, p, rate), ratio(u, un, rate),
                 ratio(p, pn, rate)});
    }
  }
  c.add_note(
      "each figure: median over repetitions of the ratio within one repetition (> 1: the first is "
      "faster)");
  report.add(std::move(c));
  return failed.empty() ? 0 : 1;
}

}  // namespace lynx::bench
