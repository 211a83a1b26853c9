// Checksum repair for the fuzz targets. Every block (and the file header) carries a checksum, so
// almost every mutation of a payload is rejected as a checksum mismatch before the decoders see
// it. Each target therefore also reads a copy of its input whose checksums have been recomputed,
// which lets mutated metadata, records and zstd frames through to the code that parses them.
#pragma once

#include <xxhash.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "format/block_header.hpp"
#include "format/bytes.hpp"
#include "format/format.hpp"

namespace lynx::fuzz {

// Recomputes the file header checksum and, for every block found by its sync marker, the payload
// and header checksums. Returns false when nothing changed.
inline bool fix_checksums(std::vector<std::byte>& bytes) {
  using format::get;
  using format::put;
  const std::vector<std::byte> before = bytes;
  std::byte* d = bytes.data();
  const std::size_t n = bytes.size();
  std::size_t pos = n;
  if (n >= 16) {
    const std::uint32_t header_size = get<std::uint32_t>(d + 12);
    if (header_size >= format::kFileHeaderFixedSize + 4 && header_size <= n) {
      put<std::uint32_t>(d + header_size - 4, XXH32(d, header_size - 4, 0));
      pos = header_size;
    }
  }
  std::byte sync[8];
  put<std::uint64_t>(sync, format::kBlockSync);
  while (pos + format::kBlockHeaderSize <= n) {
    if (std::memcmp(d + pos, sync, 8) != 0) {
      ++pos;
      continue;
    }
    namespace field = format::block_field;
    const std::size_t header = get<std::uint16_t>(d + pos + field::kHeaderSize);
    const std::size_t stored = get<std::uint32_t>(d + pos + field::kStoredSize);
    const bool whole = header >= format::kBlockHeaderSize && pos + header + stored <= n;
    if (whole) {
      put<std::uint64_t>(d + pos + field::kPayloadChecksum, XXH3_64bits(d + pos + header, stored));
    }
    put<std::uint32_t>(d + pos + field::kHeaderChecksum, XXH32(d + pos, field::kHeaderChecksum, 0));
    pos += whole ? header + stored : 1;
  }
  return bytes != before;
}

}  // namespace lynx::fuzz
