// `lynx-bench latency`: how long one log call keeps the calling thread busy.
//
// Method (that of the public logger benchmarks, e.g. Quill's hot-path benchmark): every producer
// thread makes batches of 20 calls; between batches it busy-waits 200-220 us (--pause-us), so the
// backend keeps up and the queue never fills: this measures the call, not back-pressure. Even
// batches time each call on its own (LFENCE+RDTSC around it), odd batches time the 20 calls as a
// whole and divide by 20 (Quill's published figures; finer than the TSC's step). Ticks become ns
// with a calibrated TSC rate. The timer floor is an empty call measured the same way in the same
// run; "net" figures subtract its p50. Each repetition runs every logger once per (threads,
// workload), in turn, so slow drifts of the machine hit all loggers alike; tables show medians over
// repetitions.
#include <cstdio>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "bench/modes.hpp"
#include "bench/percentiles.hpp"
#include "bench/producers.hpp"
#include "bench/sinks.hpp"
#include "bench/sys_probe.hpp"
#include "bench/tsc_clock.hpp"
#include "bench/workloads.hpp"

namespace lynx::bench {

namespace {

constexpr std::size_t kBatch = 20;

struct EmptySession {
  static constexpr std::string_view kName = "timer floor";
  EmptySink sink() const { return {}; }
  void ready() {}
  void finish() {}
};

struct Plan {
  std::uint64_t iterations =
      0;  // batches per thread; even ones timed per call, odd ones as a whole
  double pause_ns = 0;
  unsigned warmup = kBatch;
  bool pin = true;
  TscClock clock;
};

// One run's distributions: every call of the even batches timed on its own, and the odd batches
// timed as a whole and divided by kBatch (the published Quill method, which has sub-tick
// resolution).
struct Sample {
  Percentiles call;
  Percentiles batch;
};

template <class Workload, class Session>
Sample measure(Session& session, unsigned threads, const Plan& plan) {
  const std::uint64_t call_batches = (plan.iterations + 1) / 2, whole_batches = plan.iterations / 2;
  std::vector<std::vector<std::uint64_t>> calls(threads), batches(threads);
  for (auto& t : calls) t.resize(call_batches * kBatch);
  for (auto& t : batches) t.resize(whole_batches);
  run_producers<Workload>(
      session, threads, plan.warmup, plan.pin, [] {},
      [&](unsigned t, auto& sink, const typename Workload::State& state, std::uint64_t i) {
        std::uint64_t* call = calls[t].data();
        std::uint64_t* batch = batches[t].data();
        std::uint64_t rng = 0x9E3779B97F4A7C15ull * (t + 1);
        for (std::uint64_t it = 0; it < plan.iterations; ++it) {
          if (it % 2 == 0) {
            for (std::size_t j = 0; j < kBatch; ++j) {
              const std::uint64_t t0 = tsc_fenced();
              Workload::log(sink, i++, state);
              const std::uint64_t t1 = tsc_fenced();
              *call++ = t1 - t0;
            }
          } else {
            const std::uint64_t t0 = tsc_fenced();
            for (std::size_t j = 0; j < kBatch; ++j) Workload::log(sink, i++, state);
            const std::uint64_t t1 = tsc_fenced();
            *batch++ = t1 - t0;
          }
          rng ^= rng << 13;
          rng ^= rng >> 7;
          rng ^= rng << 17;
          plan.clock.spin_for_ns(plan.pause_ns *
                                 (1.0 + 0.1 * static_cast<double>(rng % 1024) / 1024.0));
        }
      });
  session.finish();
  auto merged = [](std::vector<std::vector<std::uint64_t>>& per_thread) {
    std::vector<std::uint64_t> all;
    for (auto& t : per_thread) all.insert(all.end(), t.begin(), t.end());
    return all;
  };
  auto all_calls = merged(calls), all_batches = merged(batches);
  return {percentiles(all_calls, plan.clock.ns_per_tick()),
          percentiles(all_batches, plan.clock.ns_per_tick() / kBatch)};
}

// (threads, workload, logger) -> one Sample per repetition.
using Key = std::tuple<unsigned, std::string, std::string>;
using Results = std::map<Key, std::vector<Sample>>;

std::vector<Percentiles> pick(const std::vector<Sample>& runs, bool batch) {
  std::vector<Percentiles> v;
  for (const Sample& s : runs) v.push_back(batch ? s.batch : s.call);
  return v;
}

double median_net_p50(const std::vector<Sample>& runs, const std::vector<Sample>& floor,
                      bool batch) {
  std::vector<double> v;
  for (std::size_t r = 0; r < runs.size() && r < floor.size(); ++r) {
    v.push_back(batch ? runs[r].batch.p50() - floor[r].batch.p50()
                      : runs[r].call.p50() - floor[r].call.p50());
  }
  return median(std::move(v));
}

std::vector<Cell> percentile_cells(const Percentiles& p) {
  std::vector<Cell> cells;
  for (double ns : p.ns) cells.push_back(Cell::num(ns, ns < 100 ? 1 : 0));
  return cells;
}

std::vector<unsigned> default_thread_counts() {
  std::vector<unsigned> counts = {1, 2};
  // More producers only where each (and the backend) can have a core of its own.
  for (unsigned n = 4; n + 1 <= online_cpus(); n *= 2) counts.push_back(n);
  return counts;
}

const std::vector<std::string>& workload_names() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> v;
    for_each_workload([&](auto w) { v.emplace_back(decltype(w)::kName); });
    return v;
  }();
  return names;
}

Table latency_table(Results& results, unsigned threads, bool batch, unsigned reps,
                    const Plan& plan) {
  std::vector<std::string> columns = {"workload", "logger"};
  for (auto n : kPercentileNames) columns.emplace_back(n);
  columns.emplace_back("net p50");
  const auto& floor = results[{threads, "", "timer floor"}];
  const std::string per_run =
      batch ? std::to_string(plan.iterations / 2 * threads) + " batches per run"
            : std::to_string((plan.iterations + 1) / 2 * kBatch * threads) + " calls per run";
  Table t(std::string(batch ? "latency_batch_t" : "latency_t") + std::to_string(threads),
          std::string(batch ? "Latency per call averaged over a batch of 20 (Quill's method), ns, "
                            : "Latency of one call, timed alone, ns, ") +
              std::to_string(threads) + " producer thread(s) (median of " + std::to_string(reps) +
              " runs; " + per_run + ")",
          columns);
  std::vector<Cell> row = {Cell::str("-"), Cell::str("timer floor")};
  for (Cell& c : percentile_cells(median(pick(floor, batch)))) row.push_back(std::move(c));
  row.push_back(Cell::num(0, 1));
  t.add_row(std::move(row));
  for (const std::string& w : workload_names()) {
    for (const char* logger : {"lynx", "spdlog", "fprintf"}) {
      const auto& runs = results[{threads, w, logger}];
      if (runs.empty()) continue;  // filtered out
      std::vector<Cell> r = {Cell::str(w), Cell::str(logger)};
      for (Cell& c : percentile_cells(median(pick(runs, batch)))) r.push_back(std::move(c));
      r.push_back(Cell::num(median_net_p50(runs, floor, batch), 1));
      t.add_row(std::move(r));
    }
  }
  t.add_note(
      "net p50 = p50 minus the timer floor's p50 of the same repetition (median over repetitions)");
  return t;
}

}  // namespace

int run_latency(const BenchArgs& args, Report& report) {
  Plan plan{.iterations = args.iterations != 0 ? args.iterations : (args.quick ? 200 : 10000),
            .pause_ns = 1000 * (args.pause_us >= 0 ? args.pause_us : (args.quick ? 20 : 200)),
            .warmup = args.warmup != 0 ? static_cast<unsigned>(args.warmup)
                                       : static_cast<unsigned>(kBatch),
            .pin = args.pin,
            .clock = args.quick ? TscClock::calibrate(std::chrono::milliseconds(2), 5)
                                : TscClock::calibrate()};
  const unsigned reps = args.reps != 0 ? args.reps : (args.quick ? 1 : 5);
  const std::vector<unsigned> thread_counts =
      args.threads.empty() ? default_thread_counts() : args.threads;
  ScratchDir scratch("latency");
  const double resolution = plan.clock.resolution_ns(), rdtsc_cost = plan.clock.rdtsc_cost_ns();
  report.set("tsc", Cell::num(1.0 / plan.clock.ns_per_tick(), 4).text +
                        " GHz, advances in steps of " + Cell::num(resolution, 1).text +
                        " ns, one rdtsc costs " + Cell::num(rdtsc_cost, 1).text +
                        " ns back to back");
  std::printf(
      "\nlatency: %u repetitions, %llu batches of %zu calls per thread, pause %.0f us, %u warm-up "
      "calls\n"
      "  TSC %.4f GHz, advances in steps of %.1f ns; one rdtsc costs %.1f ns back to back\n",
      reps, static_cast<unsigned long long>(plan.iterations), kBatch, plan.pause_ns / 1000,
      plan.warmup, 1.0 / plan.clock.ns_per_tick(), resolution, rdtsc_cost);

  Results results;
  for (unsigned rep = 0; rep < reps; ++rep) {
    for (const unsigned threads : thread_counts) {
      std::printf("  repetition %u/%u, %u producer thread(s)...\n", rep + 1, reps, threads);
      std::fflush(stdout);
      {
        EmptySession s;
        results[{threads, "", "timer floor"}].push_back(measure<IntIntDouble>(s, threads, plan));
      }
      for_each_workload([&](auto w) {
        using W = decltype(w);
        const std::string name(W::kName);
        if (!selected(args.workloads, name)) return;
        if (selected(args.loggers, "lynx")) {
          LynxSession s(
              lynx::Options{.directory = scratch.fresh("lynx").string(), .name = "bench"});
          results[{threads, name, "lynx"}].push_back(measure<W>(s, threads, plan));
        }
        if (selected(args.loggers, "spdlog")) {
          SpdlogSession s(scratch.fresh("spdlog"));
          results[{threads, name, "spdlog"}].push_back(measure<W>(s, threads, plan));
        }
        if (selected(args.loggers, "fprintf")) {
          FprintfSession s(scratch.fresh("fprintf"));
          results[{threads, name, "fprintf"}].push_back(measure<W>(s, threads, plan));
        }
      });
    }
  }

  for (const unsigned threads : thread_counts) {
    Table t = latency_table(results, threads, false, reps, plan);
    t.add_note("the TSC advances in steps of " + Cell::num(resolution, 1).text +
               " ns here: single-call figures are multiples of it");
    report.add(std::move(t));
    report.add(latency_table(results, threads, true, reps, plan));
  }

  Table ratios("latency_ratios", "Latency ratios (median net p50 and p99.9 of single calls, ns)",
               {"threads", "workload", "lynx net p50", "spdlog net p50", "lynx/spdlog",
                "spdlog÷lynx", "fprintf net p50", "fprintf÷lynx", "lynx p99.9", "spdlog p99.9",
                "lynx/spdlog p99.9", "batch: lynx net", "batch: spdlog net", "batch: spdlog÷lynx"});
  for (const unsigned threads : thread_counts) {
    const auto& floor = results[{threads, "", "timer floor"}];
    for (const std::string& w : workload_names()) {
      const auto& lx = results[{threads, w, "lynx"}];
      const auto& sp = results[{threads, w, "spdlog"}];
      const auto& fp = results[{threads, w, "fprintf"}];
      if (lx.empty() || sp.empty() || fp.empty()) continue;  // filtered out
      const double l = median_net_p50(lx, floor, false), s = median_net_p50(sp, floor, false);
      const double f = median_net_p50(fp, floor, false);
      const double lb = median_net_p50(lx, floor, true), sb = median_net_p50(sp, floor, true);
      const double l999 = median(pick(lx, false)).p999(), s999 = median(pick(sp, false)).p999();
      ratios.add_row({Cell::num(threads, 0), Cell::str(w), Cell::num(l, 1), Cell::num(s, 1),
                      l > 0 && s > 0 ? Cell::num(l / s, 3) : Cell::none(),
                      l > 0 ? Cell::num(s / l, 1) : Cell::none(), Cell::num(f, 1),
                      l > 0 ? Cell::num(f / l, 1) : Cell::none(), Cell::num(l999, 0),
                      Cell::num(s999, 0), s999 > 0 ? Cell::num(l999 / s999, 3) : Cell::none(),
                      Cell::num(lb, 1), Cell::num(sb, 1),
                      lb > 0 ? Cell::num(sb / lb, 1) : Cell::none()});
    }
  }
  report.add(std::move(ratios));

  const auto& lx = results[{1u, std::string(IntIntDouble::kName), "lynx"}];
  const auto& sp = results[{1u, std::string(IntIntDouble::kName), "spdlog"}];
  if (!lx.empty() && !sp.empty()) {
    const auto& floor = results[{1u, "", "timer floor"}];
    const double net = median_net_p50(lx, floor, false), snet = median_net_p50(sp, floor, false);
    const double bnet = median_net_p50(lx, floor, true);
    const double p999 = median(pick(lx, false)).p999();
    Table targets("latency_targets", "Latency targets: 1 producer thread, workload (a)",
                  {"target", "goal", "measured", "met"});
    auto row = [&](const char* what, const char* goal, double v, int decimals, bool met) {
      targets.add_row({Cell::str(what), Cell::str(goal), Cell::num(v, decimals),
                       Cell::str(met ? "yes" : "NO")});
    };
    row("net p50 (ns)", "<= 10", net, 1, net <= 10);
    row("  same, batch-averaged (ns)", "<= 10", bnet, 1, bnet <= 10);
    row("p99.9 as measured (ns)", "<= 250", p999, 0, p999 <= 250);
    row("spdlog net p50 / lynx net p50", ">= 20", net > 0 ? snet / net : 0, 1,
        net > 0 && snet / net >= 20);
    targets.add_note("timer floor p50 " + Cell::num(median(pick(floor, false)).p50(), 1).text +
                     " ns (subtracted for net); one rdtsc alone costs " +
                     Cell::num(rdtsc_cost, 1).text + " ns here");
    report.add(std::move(targets));
  }
  return 0;
}

}  // namespace lynx::bench
