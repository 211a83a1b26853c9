// The modes of lynx-bench; each answers one question and adds its tables to the report.
// Each returns the process exit code (0 ok, 1 a run failed).
#pragma once

#include "bench/bench_args.hpp"
#include "bench/report.hpp"

namespace lynx::bench {

int run_latency(const BenchArgs& args, Report& report);
int run_throughput(const BenchArgs& args, Report& report);
int run_compression(const BenchArgs& args, Report& report);
int run_memory(const BenchArgs& args, Report& report);
int run_io(const BenchArgs& args, Report& report);
// Internal: one memory measurement in a fresh process (`lynx-bench memory-child THREADS`).
int run_memory_child(const BenchArgs& args);

}  // namespace lynx::bench
