// Micro-benchmarks of redaction (engine/redact.hpp), the backend's cost per record when
// Options::redact_fields / redact_patterns are set (docs/sinks.md quotes the figures).
//   BM_Redact<W>/fields       redact_fields only, on records of workload W that name no listed
//                             field (the per-site plan says "nothing": one lookup and a branch)
//   BM_Redact<W>/detectors    email | card | bearer over every string value, nothing matching
//   BM_RedactMatch            the same detectors on a 60-byte string holding one e-mail address
//                             (the record's arguments are rewritten into the scratch copy)
#include <benchmark/benchmark.h>

#include <cstring>
#include <string>
#include <vector>

#include "bench/micro_support.hpp"
#include "bench/workloads.hpp"
#include "engine/redact.hpp"

namespace lynx::bench {
namespace {

const detail::SiteEntry& no_derived(const detail::SiteEntry& base, const detail::CallSite*) {
  return base;  // the workloads have no listed non-string field
}

template <class W>
void BM_Redact(benchmark::State& state) {
  const bool detectors = state.range(0) != 0;
  const auto records = capture_records<W>(1024);
  detail::RecordRedactor redactor(
      detail::Redactor({"password", "card", "token"},
                       detectors ? Detect::email | Detect::card | Detect::bearer : Detect::none),
      no_derived);
  detail::SiteEntry site{0, records.front().site, "micro"};
  detail::ThreadEntry thread{0, 1, "micro"};
  std::size_t i = 0, changed = 0;
  for (auto _ : state) {
    const RingRecord& r = records[i++ & 1023];
    const detail::SinkRecord record{site, thread, 1, r.args.data(), r.args.size(), 0};
    const detail::SinkRecord& out = redactor.apply(record);
    changed += &out != &record;
    benchmark::DoNotOptimize(out.args);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["changed"] = static_cast<double>(changed);
}
BENCHMARK(BM_Redact<IntIntDouble>)->ArgName("detectors")->Arg(0)->Arg(1);
BENCHMARK(BM_Redact<IntIntDoubleString>)->ArgName("detectors")->Arg(0)->Arg(1);
BENCHMARK(BM_Redact<EightMixed>)->ArgName("detectors")->Arg(0)->Arg(1);

void BM_RedactMatch(benchmark::State& state) {
  static constexpr detail::ArgType kTypes[] = {detail::ArgType::string};
  static constexpr detail::CallSite kSite{"mail {body}", "micro", "micro", 1,
                                          Level::info,   1,       kTypes,  {}};
  const std::string body = "please write to jane.doe@example.com before the end of today";
  std::vector<std::byte> args(4 + body.size());
  const auto len = static_cast<std::uint32_t>(body.size());
  std::memcpy(args.data(), &len, 4);
  std::memcpy(args.data() + 4, body.data(), body.size());
  detail::RecordRedactor redactor(
      detail::Redactor({}, Detect::email | Detect::card | Detect::bearer), no_derived);
  detail::SiteEntry site{0, &kSite, "micro"};
  detail::ThreadEntry thread{0, 1, "micro"};
  for (auto _ : state) {
    const detail::SinkRecord record{site, thread, 1, args.data(), args.size(), 0};
    benchmark::DoNotOptimize(redactor.apply(record).args);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_RedactMatch);

}  // namespace
}  // namespace lynx::bench
