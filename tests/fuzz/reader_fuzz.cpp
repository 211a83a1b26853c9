// libFuzzer target for the file reader: any byte string must decode without crashing, hanging,
// reading out of bounds or allocating without bound, and what the reader reports must be
// consistent (problems inside the file, records counted as delivered). Each input is read as is
// and again with its checksums repaired (fix_checksums.hpp), so mutations reach the decoders.
// Every input is read twice more by format::BlockReader: whole, and as a growing file fed in
// pieces (sizes taken from the input), which must deliver exactly the same records and problems
// once it is told the file stopped growing. Format 2.1 record extras (context, suppressed counts,
// backtrace marks; seeds extras-v2.1-*.lynx) are read and compared the same way.
// Built only with -Dfuzzing=true and clang; run it with scripts/fuzz.sh [SECONDS] (see
// docs/testing.md).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fix_checksums.hpp"
#include "format/reader.hpp"

namespace {

namespace format = lynx::format;

void check(bool ok) {
  if (!ok) std::abort();
}

// What a reader delivered, to compare two ways of reading one input.
struct Trace {
  std::vector<std::int64_t> ts;
  std::vector<std::uint64_t> extras;  // format 2.1: context size, suppressed, backtrace
  std::vector<std::string> problems;  // "offset bytes lost message"
  bool opened = false;
};

void note_problem(Trace& t, const format::Problem& p, std::size_t size) {
  check(p.offset < size);
  check(p.bytes <= size - p.offset);
  check(!p.message.empty());
  t.problems.push_back(std::to_string(p.offset) + " " + std::to_string(p.bytes) + " " +
                       std::to_string(p.records_lost) + " " + p.message);
}

// A record's format 2.1 extras, touched (every context name and string read) and summed.
std::uint64_t extras_of(const format::Record& r) {
  std::uint64_t sum = r.context.size() * 1000003 + r.suppressed * 31 + (r.backtrace ? 7 : 0);
  for (const auto& e : r.context) {
    for (const char c : e.name) sum += static_cast<unsigned char>(c);
    for (const char c : e.value.s) sum += static_cast<unsigned char>(c);
  }
  return sum;
}

Trace read_all(std::vector<std::byte> bytes) {
  Trace t;
  const std::size_t size = bytes.size();
  format::FileReader reader("fuzz-input");
  if (!reader.open_bytes(std::move(bytes)).ok()) return t;
  t.opened = true;
  std::uint64_t records = 0, payload_bytes = 0;
  reader.set_payload_hook([&](format::BlockKind, const std::byte* p, std::size_t n) {
    check(n <= format::kMaxBlockRawSize);
    if (n != 0)
      payload_bytes += static_cast<std::uint64_t>(p[0]) + static_cast<std::uint64_t>(p[n - 1]);
  });
  const format::ReadSummary sum = reader.read(
      [&](const format::Record& r) {
        ++records;
        check(r.site != nullptr && r.thread != nullptr);
        check(r.args.size() == r.site->types.size());
        check(r.args.size() <= format::kMaxCallSiteArgs);
        for (const auto& v : r.args) payload_bytes += v.s.size();
        t.ts.push_back(r.ts_ns);
        t.extras.push_back(extras_of(r));
      },
      [&](const format::Problem& p) { note_problem(t, p, size); });
  check(sum.records == records);
  check(sum.bytes == size);
  check(sum.error.ok());
  return t;
}

// The same input as a growing file: fed in pieces, pulled until "not yet there" after each.
Trace read_growing(const std::vector<std::byte>& bytes) {
  Trace t;
  auto source = std::make_unique<format::MemorySource>();
  format::MemorySource* feed = source.get();
  format::BlockReader reader("fuzz-input", std::move(source));
  reader.set_growing(true);
  std::size_t fed = 0;
  std::size_t step = 0;
  auto pull = [&] {
    for (;;) {
      switch (reader.next()) {
        case format::BlockReader::Next::record:
          t.ts.push_back(reader.record().ts_ns);
          t.extras.push_back(extras_of(reader.record()));
          continue;
        case format::BlockReader::Next::problem:
          note_problem(t, reader.problem(), bytes.size());
          continue;
        case format::BlockReader::Next::error: check(false); return;
        case format::BlockReader::Next::not_yet: check(reader.summary().bytes == fed); return;
        case format::BlockReader::Next::end: return;
      }
    }
  };
  while (fed < bytes.size()) {
    // Piece sizes from the input itself: 1 to 4096 bytes.
    const std::size_t piece =
        1 + (static_cast<std::size_t>(bytes[step % bytes.size()]) * 16 + step) % 4096;
    ++step;
    const std::size_t n = std::min(piece, bytes.size() - fed);
    feed->append(bytes.data() + fed, n);
    fed += n;
    if (!t.opened) {
      const lynx::Status s = reader.open();
      if (s.code() == lynx::Status::Code::unavailable) continue;
      if (!s.ok()) return t;
      t.opened = true;
    }
    pull();
  }
  reader.set_growing(false);
  if (!t.opened) {
    if (!reader.open().ok()) return t;
    t.opened = true;
  }
  pull();
  return t;
}

void read_both(std::vector<std::byte> bytes) {
  const Trace growing = read_growing(bytes);
  const Trace whole = read_all(std::move(bytes));
  check(whole.opened == growing.opened);
  check(whole.ts == growing.ts);
  check(whole.extras == growing.extras);
  check(whole.problems == growing.problems);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto* p = reinterpret_cast<const std::byte*>(data);
  std::vector<std::byte> bytes(p, p + size);
  read_both(bytes);
  if (lynx::fuzz::fix_checksums(bytes)) read_both(std::move(bytes));
  return 0;
}
