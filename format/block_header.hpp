// Encoding and decoding of the block header described in format/format.hpp and docs/format.md
// ("Blocks"): the one place that knows where each field sits. The writer (block_builder.cpp) and
// the reader (reader.cpp) both go through it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "format/format.hpp"

namespace lynx::format {

// Byte offsets of the fields of a block header (format 1.0; see format.hpp).
namespace block_field {
inline constexpr std::size_t kSync = 0;
inline constexpr std::size_t kKind = 8;
inline constexpr std::size_t kCodec = 9;
inline constexpr std::size_t kHeaderSize = 10;
inline constexpr std::size_t kStoredSize = 12;
inline constexpr std::size_t kRawSize = 16;
inline constexpr std::size_t kRecordCount = 20;
inline constexpr std::size_t kFirstTs = 24;
inline constexpr std::size_t kLastTs = 32;
inline constexpr std::size_t kPayloadChecksum = 40;
inline constexpr std::size_t kDictionaryId = 48;
inline constexpr std::size_t kHeaderChecksum = 52;  // XXH32 of bytes [0, kHeaderChecksum)
}  // namespace block_field
static_assert(block_field::kHeaderChecksum + 4 == kBlockHeaderSize);

struct BlockHeader {
  BlockKind kind = BlockKind::data;
  Codec codec = Codec::raw;
  std::uint16_t header_size = kBlockHeaderSize;  // as read; always kBlockHeaderSize when written
  std::uint32_t stored_size = 0;
  std::uint32_t raw_size = 0;
  std::uint32_t record_count = 0;
  std::int64_t first_ts = 0;
  std::int64_t last_ts = 0;
  std::uint64_t payload_checksum = 0;
  std::uint32_t dictionary_id = 0;
};

// Writes the kBlockHeaderSize bytes of `h` at dst, with kBlockSync and the header checksum
// (`h.header_size` is ignored: this writer writes format 1.0 headers).
void encode_block_header(const BlockHeader& h, std::byte* dst);

// The sync marker at p (8 bytes readable).
bool has_block_sync(const std::byte* p);

// Reads the kBlockHeaderSize bytes at p into *h, whatever they hold. Returns whether they are an
// intact header: the sync marker and the header checksum match. The sizes are only to be trusted
// when it returns true.
bool decode_block_header(const std::byte* p, BlockHeader* h);

}  // namespace lynx::format
