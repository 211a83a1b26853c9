// lynx-bench: LynxLogger's speed, side by side with spdlog's async logger and plain fprintf, in
// one run. See bench_args.cpp for the command line and docs/benchmarks.md for the method and the
// figures.
#include <cstdio>
#include <ctime>
#include <exception>
#include <string>

#include "bench/bench_args.hpp"
#include "bench/modes.hpp"
#include "bench/report.hpp"
#include "bench/sys_probe.hpp"

namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace lynx::bench;
  BenchArgs args;
  try {
    args = parse_args(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lynx-bench: %s\n%s", e.what(), kUsage);
    return 2;
  }
  if (args.mode == "memory-child") return run_memory_child(args);

  Report report;
  report.set("mode", args.mode + (args.quick ? " (quick)" : ""));
  report.set("date", utc_now());
  report.set("cpu", cpu_model());
  report.set("cpus", std::to_string(online_cpus()));
  report.set("compiler", __VERSION__);
  report.set("load",
             load_average() + " at start (other work on the machine makes figures noisier)");
#if defined(NDEBUG)
  report.set("build", "optimised, NDEBUG");
#elif defined(__OPTIMIZE__)
  report.set("build", "optimised, assertions on");
#else
  report.set("build", "NOT optimised: figures are meaningless");
#endif
  report.print_header(stdout);

  int status = 0;
  try {
    const bool all = args.mode == "all";
    bool known = all;
    if (all || args.mode == "latency") known = true, status |= run_latency(args, report);
    if (all || args.mode == "throughput") known = true, status |= run_throughput(args, report);
    if (all || args.mode == "compression") known = true, status |= run_compression(args, report);
    if (all || args.mode == "memory") known = true, status |= run_memory(args, report);
    if (all || args.mode == "io") known = true, status |= run_io(args, report);
    if (!known) {
      std::fprintf(stderr, "lynx-bench: unknown mode '%s'\n%s", args.mode.c_str(), kUsage);
      return 2;
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lynx-bench: %s\n", e.what());
    return 1;
  }
  report.set("load at end", load_average());
  std::printf("\nload at end: %s\n", load_average().c_str());
  if (!args.json.empty() && !report.write_json(args.json)) {
    std::fprintf(stderr, "lynx-bench: cannot write %s\n", args.json.c_str());
    return 1;
  }
  return status;
}
