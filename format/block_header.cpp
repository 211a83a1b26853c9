#include "format/block_header.hpp"

#include <xxhash.h>

#include "format/bytes.hpp"

namespace lynx::format {

namespace f = block_field;

void encode_block_header(const BlockHeader& h, std::byte* dst) {
  put<std::uint64_t>(dst + f::kSync, kBlockSync);
  put<std::uint8_t>(dst + f::kKind, static_cast<std::uint8_t>(h.kind));
  put<std::uint8_t>(dst + f::kCodec, static_cast<std::uint8_t>(h.codec));
  put<std::uint16_t>(dst + f::kHeaderSize, static_cast<std::uint16_t>(kBlockHeaderSize));
  put<std::uint32_t>(dst + f::kStoredSize, h.stored_size);
  put<std::uint32_t>(dst + f::kRawSize, h.raw_size);
  put<std::uint32_t>(dst + f::kRecordCount, h.record_count);
  put<std::int64_t>(dst + f::kFirstTs, h.first_ts);
  put<std::int64_t>(dst + f::kLastTs, h.last_ts);
  put<std::uint64_t>(dst + f::kPayloadChecksum, h.payload_checksum);
  put<std::uint32_t>(dst + f::kDictionaryId, h.dictionary_id);
  put<std::uint32_t>(dst + f::kHeaderChecksum, XXH32(dst, f::kHeaderChecksum, 0));
}

bool has_block_sync(const std::byte* p) { return get<std::uint64_t>(p + f::kSync) == kBlockSync; }

bool decode_block_header(const std::byte* p, BlockHeader* h) {
  h->kind = static_cast<BlockKind>(get<std::uint8_t>(p + f::kKind));
  h->codec = static_cast<Codec>(get<std::uint8_t>(p + f::kCodec));
  h->header_size = get<std::uint16_t>(p + f::kHeaderSize);
  h->stored_size = get<std::uint32_t>(p + f::kStoredSize);
  h->raw_size = get<std::uint32_t>(p + f::kRawSize);
  h->record_count = get<std::uint32_t>(p + f::kRecordCount);
  h->first_ts = get<std::int64_t>(p + f::kFirstTs);
  h->last_ts = get<std::int64_t>(p + f::kLastTs);
  h->payload_checksum = get<std::uint64_t>(p + f::kPayloadChecksum);
  h->dictionary_id = get<std::uint32_t>(p + f::kDictionaryId);
  return has_block_sync(p) &&
         XXH32(p, f::kHeaderChecksum, 0) == get<std::uint32_t>(p + f::kHeaderChecksum);
}

}  // namespace lynx::format
