// Fixtures shared by the micro-benchmarks.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "lynx/detail/call_site.hpp"
#include "lynx/detail/ring.hpp"

namespace lynx::bench {

// A 1 MiB ring owned by the benchmark and installed as the calling thread's ring, so LYNX_* calls
// write into it without an engine (and nothing ever consumes it: callers reset() it).
class PrivateRing {
 public:
  static constexpr std::size_t kBytes = 1u << 20;
  PrivateRing();
  ~PrivateRing();
  PrivateRing(const PrivateRing&) = delete;
  PrivateRing& operator=(const PrivateRing&) = delete;
  detail::Ring& ring() { return *ring_; }

 private:
  void* memory_;
  detail::Ring* ring_;
  detail::Ring* saved_;  // the thread's ring before, put back on destruction
};

// Records as the backend receives them: the argument bytes of each record in ring layout.
struct RingRecord {
  const detail::CallSite* site;
  std::vector<std::byte> args;
};

// `count` records of workload W, captured from real LYNX_INFO calls (see micro_backend.cpp).
template <class W>
std::vector<RingRecord> capture_records(std::size_t count);

// Every data block payload (raw, before compression) and the whole file, of one lynx file holding
// 200,000 records of workload (a) written by a real Engine with zstd level 1. Built once.
struct SampleFile {
  std::vector<std::byte> bytes;                       // the file
  std::vector<std::vector<std::byte>> data_payloads;  // raw data block payloads
  std::uint64_t records = 0;
};
const SampleFile& sample_file();

}  // namespace lynx::bench
