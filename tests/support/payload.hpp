// Record payloads whose size on disk is what the test says. Format 2 stores a string that repeats
// its call site's previous value in one bit (docs/format.md, "Packed data block payload"), so a
// test that needs records of a known size (to make files rotate, buffers fill) logs these: `n`
// bytes that share no prefix with the payload of record i - 1, so all n are stored.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace lynx::test {

inline std::string payload(std::size_t n, std::uint64_t i, char fill = 'p') {
  std::string s(n, fill);
  if (n != 0) s[0] = static_cast<char>('a' + i % 26);
  return s;
}

}  // namespace lynx::test
