// libFuzzer target for the file reader: any byte string must decode without crashing, hanging,
// reading out of bounds or allocating without bound. Built only with -Dfuzzing=true and clang.
//   meson setup build-fuzz -Dfuzzing=true --native-file tests/fuzz/clang.ini
//   ninja -C build-fuzz tests/fuzz/reader_fuzz && build-fuzz/tests/fuzz/reader_fuzz tests/fuzz/corpus
#include <cstddef>
#include <cstdint>
#include <vector>

#include "format/reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  lynx::format::FileReader reader("fuzz-input");
  const auto* p = reinterpret_cast<const std::byte*>(data);
  if (!reader.open_bytes(std::vector<std::byte>(p, p + size)).ok()) return 0;
  std::uint64_t sink = 0;
  reader.read(
      [&](const lynx::format::Record& r) {
        sink += static_cast<std::uint64_t>(r.ts_ns) + r.args.size();
        for (const auto& v : r.args) sink += v.s.size();
      },
      [&](const lynx::format::Problem& p) { sink += p.offset; });
  return sink == 42 ? 0 : 0;
}
