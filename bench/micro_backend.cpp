// Micro-benchmarks of the backend and reader side.
//   BM_BackendEncode<W>/raw|zstd  BlockBuilder::add_record for records of workload W as they
//                                 arrive from a ring, sealing 64 KiB blocks (raw, or zstd level 1)
//   BM_ZstdCompress/level         one 64 KiB data block of workload (a), levels -5, 1, 3
//   BM_ZstdDecompress             the same block compressed at level 1
//   BM_DecodeFile                 FileReader over a whole file of workload (a) (zstd level 1)
//   BM_RenderText                 `lynx cat` text rendering of one decoded record (deferred
//                                 formatting: the work lynx moves out of the application)
//   BM_SpdlogCallerFormat         what spdlog's log call formats on the caller's thread (fmt)
//   BM_SpdlogBackendPattern       what spdlog's worker formats per record (the pattern)
#include <benchmark/benchmark.h>
#include <spdlog/details/log_msg.h>
#include <spdlog/pattern_formatter.h>

#include <vector>

#include "bench/micro_support.hpp"
#include "bench/workloads.hpp"
#include "compress/zstd_codec.hpp"
#include "format/block_builder.hpp"
#include "format/reader.hpp"
#include "render/render.hpp"

namespace lynx::bench {
namespace {

template <class W>
void BM_BackendEncode(benchmark::State& state) {
  const bool zstd = state.range(0) != 0;
  const auto records = capture_records<W>(1024);
  compress::ZstdCompressor compressor(1);
  format::BlockBuilder builder(zstd ? &compressor : nullptr, 64 * 1024);
  std::vector<std::byte> out(2 << 20);
  const detail::CallSite& site = *records.front().site;
  builder.add_call_site(0, site.level, "micro", site.file, site.line, site.function, site.format,
                        site.arg_types, site.arg_count);
  builder.add_thread(0, 1, "micro");
  std::int64_t ts = 1'700'000'000'000'000'000;
  std::size_t i = 0, raw = 0, stored = 0;
  for (auto _ : state) {
    const RingRecord& r = records[i++ & 1023];
    ts += 37;
    builder.add_record(0, 0, ts, site.arg_types, site.arg_count, r.args.data(), r.args.size());
    if (builder.data_full()) {
      format::SealStats s;
      stored += builder.seal(out.data(), &s);
      raw += s.raw_bytes;
    }
  }
  state.SetItemsProcessed(state.iterations());
  if (raw > 0)
    state.counters["raw/stored"] = static_cast<double>(raw) / static_cast<double>(stored);
}
BENCHMARK(BM_BackendEncode<IntIntDouble>)->ArgName("zstd")->Arg(0)->Arg(1);
BENCHMARK(BM_BackendEncode<IntIntDoubleString>)->ArgName("zstd")->Arg(0)->Arg(1);
BENCHMARK(BM_BackendEncode<EightMixed>)->ArgName("zstd")->Arg(0)->Arg(1);
BENCHMARK(BM_BackendEncode<NoArgs>)->ArgName("zstd")->Arg(0)->Arg(1);

const std::vector<std::byte>& sample_block() {
  const SampleFile& f = sample_file();
  return f.data_payloads.at(f.data_payloads.size() / 2);  // a full block from the middle
}

void BM_ZstdCompress(benchmark::State& state) {
  const auto& block = sample_block();
  compress::ZstdCompressor c(static_cast<int>(state.range(0)));
  std::vector<std::byte> out(compress::ZstdCompressor::bound(block.size()));
  std::size_t written = 0;
  for (auto _ : state) {
    if (!c.compress(block.data(), block.size(), out.data(), out.size(), &written).ok()) {
      state.SkipWithError("compress failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * block.size()));
  state.counters["ratio"] = static_cast<double>(block.size()) / static_cast<double>(written);
}
BENCHMARK(BM_ZstdCompress)->ArgName("level")->Arg(-5)->Arg(1)->Arg(3);

void BM_ZstdDecompress(benchmark::State& state) {
  const auto& block = sample_block();
  compress::ZstdCompressor c(1);
  std::vector<std::byte> frame(compress::ZstdCompressor::bound(block.size()));
  std::size_t written = 0;
  if (!c.compress(block.data(), block.size(), frame.data(), frame.size(), &written).ok()) {
    state.SkipWithError("compress failed");
    return;
  }
  frame.resize(written);
  compress::ZstdDecompressor d;
  std::vector<std::byte> out;
  for (auto _ : state) {
    if (!d.decompress(frame.data(), frame.size(), block.size(), &out).ok()) {
      state.SkipWithError("decompress failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * block.size()));
}
BENCHMARK(BM_ZstdDecompress);

void BM_DecodeFile(benchmark::State& state) {
  const SampleFile& f = sample_file();
  std::uint64_t records = 0;
  for (auto _ : state) {
    format::FileReader reader("sample");
    if (!reader.open_bytes(f.bytes).ok()) {
      state.SkipWithError("open failed");
      break;
    }
    records += reader
                   .read([](const format::Record& r) { benchmark::DoNotOptimize(r.ts_ns); },
                         [](const format::Problem&) {})
                   .records;
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(records));
}
BENCHMARK(BM_DecodeFile)->Unit(benchmark::kMillisecond);

void BM_RenderText(benchmark::State& state) {
  // Decoded records of workload (a), kept with their own copy of the values.
  struct Decoded {
    std::int64_t ts;
    const format::CallSiteInfo* site;
    std::uint64_t tid;
    std::vector<format::Value> args;
  };
  format::FileReader reader("sample");
  if (!reader.open_bytes(sample_file().bytes).ok()) {
    state.SkipWithError("open failed");
    return;
  }
  std::vector<Decoded> decoded;
  reader.read(
      [&](const format::Record& r) {
        if (decoded.size() < 4096) decoded.push_back({r.ts_ns, r.site, r.thread->os_tid, r.args});
      },
      [](const format::Problem&) {});
  render::Renderer renderer;
  fmt::memory_buffer out;
  std::size_t i = 0, bytes = 0;
  for (auto _ : state) {
    const Decoded& d = decoded[i++ % decoded.size()];
    out.clear();
    const record::Site site = d.site->view();
    renderer.text(out, record::RecordView{d.ts, &site, {0, d.tid, {}}, d.args});
    bytes += out.size();
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(static_cast<std::int64_t>(bytes));
}
BENCHMARK(BM_RenderText);

void BM_SpdlogCallerFormat(benchmark::State& state) {
  spdlog::memory_buf_t buf;
  int i = 0;
  for (auto _ : state) {
    buf.clear();
    fmt::format_to(std::back_inserter(buf), IntIntDouble::kFormat, i, i * 2, i / 2.0);
    benchmark::DoNotOptimize(buf.data());
    ++i;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpdlogCallerFormat);

void BM_SpdlogBackendPattern(benchmark::State& state) {
  spdlog::pattern_formatter formatter("%Y-%m-%dT%H:%M:%S.%FZ %l %n [%t] %s:%# %v",
                                      spdlog::pattern_time_type::utc);
  const spdlog::details::log_msg msg(spdlog::source_loc{"bench/workloads.hpp", 30, "log"}, "bench",
                                     spdlog::level::info,
                                     "Iteration: 123456 int: 246912 double: 61728");
  spdlog::memory_buf_t buf;
  for (auto _ : state) {
    buf.clear();
    formatter.format(msg, buf);
    benchmark::DoNotOptimize(buf.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_SpdlogBackendPattern);

}  // namespace
}  // namespace lynx::bench
