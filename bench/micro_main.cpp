// lynx-bench-micro: Google Benchmark micro-benchmarks of the parts (micro_hot_path.cpp,
// micro_backend.cpp). Flags as in Google Benchmark 1.7, e.g. --benchmark_min_time=0.01 (no unit).
#include <benchmark/benchmark.h>

BENCHMARK_MAIN();
