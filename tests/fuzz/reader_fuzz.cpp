// libFuzzer target for the file reader: any byte string must decode without crashing, hanging,
// reading out of bounds or allocating without bound, and what the reader reports must be
// consistent (problems inside the file, records counted as delivered). Each input is read as is
// and again with its checksums repaired (fix_checksums.hpp), so mutations reach the decoders.
// Built only with -Dfuzzing=true and clang; run it with scripts/fuzz.sh [SECONDS] (see
// docs/testing.md).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "fix_checksums.hpp"
#include "format/reader.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

void read_all(std::vector<std::byte> bytes) {
  const std::size_t size = bytes.size();
  lynx::format::FileReader reader("fuzz-input");
  if (!reader.open_bytes(std::move(bytes)).ok()) return;
  std::uint64_t records = 0, payload_bytes = 0;
  reader.set_payload_hook([&](lynx::format::BlockKind, const std::byte* p, std::size_t n) {
    check(n <= lynx::format::kMaxBlockRawSize);
    if (n != 0) payload_bytes += static_cast<std::uint64_t>(p[0]) + static_cast<std::uint64_t>(p[n - 1]);
  });
  const lynx::format::ReadSummary sum = reader.read(
      [&](const lynx::format::Record& r) {
        ++records;
        check(r.site != nullptr && r.thread != nullptr);
        check(r.args.size() == r.site->types.size());
        for (const auto& v : r.args) payload_bytes += v.s.size();
      },
      [&](const lynx::format::Problem& p) {
        check(p.offset < size);
        check(p.bytes <= size - p.offset);
        check(!p.message.empty());
      });
  check(sum.records == records);
  check(sum.bytes == size);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto* p = reinterpret_cast<const std::byte*>(data);
  std::vector<std::byte> bytes(p, p + size);
  read_all(bytes);
  if (lynx::fuzz::fix_checksums(bytes)) read_all(std::move(bytes));
  return 0;
}
