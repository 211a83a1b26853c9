#include "bench/micro_support.hpp"

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <new>
#include <stdexcept>
#include <thread>

#include "bench/sinks.hpp"
#include "bench/sys_probe.hpp"
#include "bench/workloads.hpp"
#include "format/reader.hpp"
#include "lynx/detail/producer.hpp"

namespace lynx::bench {

PrivateRing::PrivateRing() : memory_(std::aligned_alloc(64, kBytes)) {
  if (memory_ == nullptr) throw std::bad_alloc();
  std::memset(memory_, 0, kBytes);  // fault every page in now, not inside a timed loop
  ring_ = new detail::Ring(static_cast<std::byte*>(memory_), kBytes);
  saved_ = detail::tls_ring;
  detail::tls_ring = ring_;
}

PrivateRing::~PrivateRing() {
  detail::tls_ring = saved_;
  delete ring_;
  std::free(memory_);
}

template <class W>
std::vector<RingRecord> capture_records(std::size_t count) {
  PrivateRing pr;
  LynxSink sink(lynx::logger("micro"));
  typename W::State st;
  for (std::size_t i = 0; i < count; ++i) W::log(sink, i, st);
  std::vector<RingRecord> out;
  detail::Ring& ring = pr.ring();
  const std::uint64_t limit = ring.snapshot();
  while (const std::byte* p = ring.peek(limit)) {
    const std::byte* args = detail::record_args(p);
    out.push_back(
        {detail::record_site(p), std::vector<std::byte>(args, args + detail::record_args_size(p))});
    ring.advance(detail::record_size(p));
  }
  if (out.size() != count) throw std::logic_error("capture_records: ring too small for the sample");
  return out;
}
template std::vector<RingRecord> capture_records<IntIntDouble>(std::size_t);
template std::vector<RingRecord> capture_records<IntIntDoubleString>(std::size_t);
template std::vector<RingRecord> capture_records<EightMixed>(std::size_t);
template std::vector<RingRecord> capture_records<NoArgs>(std::size_t);

const SampleFile& sample_file() {
  static const SampleFile file = [] {
    SampleFile f;
    f.records = 200'000;
    ScratchDir dir("micro");
    // A thread of its own, so the benchmark threads never register with this engine.
    std::thread([&] {
      LynxSession session(lynx::Options{.directory = dir.path().string(), .name = "micro"});
      auto sink = session.sink();
      IntIntDouble::State st;
      for (std::uint64_t i = 0; i < f.records; ++i) IntIntDouble::log(sink, i, st);
      session.finish();
    }).join();
    for (const auto& e : std::filesystem::directory_iterator(dir.path())) {
      std::ifstream in(e.path(), std::ios::binary);
      std::vector<char> bytes((std::istreambuf_iterator<char>(in)),
                              std::istreambuf_iterator<char>());
      f.bytes.resize(bytes.size());
      std::memcpy(f.bytes.data(), bytes.data(), bytes.size());
      break;  // one file: 200,000 records never rotate
    }
    format::FileReader reader("sample");
    reader.set_payload_hook([&](format::BlockKind kind, const std::byte* p, std::size_t n) {
      if (format::holds_records(kind)) f.data_payloads.emplace_back(p, p + n);
    });
    if (!reader.open_bytes(f.bytes).ok())
      throw std::runtime_error("sample_file: cannot open the sample");
    reader.read([](const format::Record&) {}, [](const format::Problem&) {});
    return f;
  }();
  return file;
}

}  // namespace lynx::bench
