// Micro-benchmarks of the producer side: what one LYNX_INFO is made of.
//   BM_Rdtsc              the timestamp every call takes
//   BM_RingReserveCommit  reserve + commit of an n-byte record in a thread's ring
//   BM_RingTryWrite       the same through try_write(), the log call's fast path
//   BM_Encode<T>          sizing + copying one argument into the ring
//   BM_LogCall<W>         a whole LYNX_INFO of workload W into a private ring (no engine, no timer
//                         fences: the call's own cost, rdtsc included)
//                         (IntDoubleString: issue 17's statement, an int, a double, a std::string)
//   BM_LogCallFiltered    a LYNX_DEBUG below the logger's level (the level check alone)
#include <benchmark/benchmark.h>
#include <x86intrin.h>

#include <cstdlib>
#include <string>

#include "bench/micro_support.hpp"
#include "bench/sinks.hpp"
#include "bench/workloads.hpp"
#include "lynx/detail/producer.hpp"

namespace lynx::bench {
namespace {

void BM_Rdtsc(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(__rdtsc());
}
BENCHMARK(BM_Rdtsc);

void BM_RingReserveCommit(benchmark::State& state) {
  PrivateRing pr;
  const auto n = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    std::byte* p = pr.ring().reserve(n);
    if (p == nullptr) {  // full: nothing consumes here, start over
      pr.ring().reset();
      p = pr.ring().reserve(n);
    }
    benchmark::DoNotOptimize(p);
    pr.ring().commit(n);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RingReserveCommit)->Arg(24)->Arg(40)->Arg(96);

void BM_RingTryWrite(benchmark::State& state) {
  PrivateRing pr;
  const auto n = static_cast<std::size_t>(state.range(0));
  for (auto _ : state) {
    if (!pr.ring().try_write(n, [](std::byte* p) { benchmark::DoNotOptimize(p); })) {
      // the first call of a lap, or full (nothing consumes here: start over)
      if (pr.ring().reserve(n) == nullptr) {
        pr.ring().reset();
        pr.ring().reserve(n);
      }
      pr.ring().commit(n);
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RingTryWrite)->Arg(24)->Arg(40)->Arg(96);

template <class T>
T sample_value() {
  if constexpr (std::is_same_v<T, std::string>)
    return std::string(40, 'x');
  else if constexpr (std::is_same_v<T, const char*>)
    return "XNAS";
  else
    return T(12345);
}

template <class T>
void BM_Encode(benchmark::State& state) {
  T v = sample_value<T>();
  alignas(8) std::byte buf[128];
  for (auto _ : state) {
    benchmark::DoNotOptimize(v);
    const std::size_t len = detail::measure_arg(v);
    std::byte* end = detail::encode_arg(buf, v, len);
    benchmark::DoNotOptimize(end);
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_Encode<int>);
BENCHMARK(BM_Encode<long long>);
BENCHMARK(BM_Encode<double>);
BENCHMARK(BM_Encode<bool>);
BENCHMARK(BM_Encode<const char*>);
BENCHMARK(BM_Encode<std::string>);

// Issue 17's code-size statement (bench/compile_cost.sh): an int, a double and a std::string.
struct IntDoubleString {
  static constexpr char kFormat[] = "Iteration: {} double: {} name: {}";
  static constexpr char kPrintf[] = "Iteration: %d double: %g name: %s\n";
  struct State {
    std::string name = "user-0042";
  };
  template <class Sink>
  static void log(Sink& sink, std::uint64_t i, const State& s) {
    sink.template log<kFormat, kPrintf>(static_cast<int>(i), static_cast<double>(i) / 2, s.name);
  }
};

template <class W>
void BM_LogCall(benchmark::State& state) {
  PrivateRing pr;
  LynxSink sink(lynx::logger("micro"));
  typename W::State st;
  std::uint64_t i = 0;
  for (auto _ : state) {
    W::log(sink, i++, st);
    if ((i & 4095) == 0) pr.ring().reset();  // nothing consumes here; 4096 records fit
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LogCall<IntIntDouble>);
BENCHMARK(BM_LogCall<IntIntDoubleString>);
BENCHMARK(BM_LogCall<IntDoubleString>);
BENCHMARK(BM_LogCall<EightMixed>);
BENCHMARK(BM_LogCall<NoArgs>);

void BM_LogCallFiltered(benchmark::State& state) {
  PrivateRing pr;
  const lynx::Logger& log = lynx::logger("micro");
  int i = 0;
  for (auto _ : state) {
    LYNX_DEBUG(log, "below the level {} {}", i, 2.5);
    ++i;
  }
}
BENCHMARK(BM_LogCallFiltered);

}  // namespace
}  // namespace lynx::bench
