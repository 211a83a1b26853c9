// The lynx log file format, version 2.0 (readers also read 1.x). This header mirrors docs/format.md
// byte for byte: change both together. Versioning rule: fields are only ever appended (headers
// carry their own size and readers skip bytes they do not know); a new major version means old
// readers must refuse. All integers are little-endian.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>

namespace lynx::format {

inline constexpr std::array<unsigned char, 8> kFileMagic = {'L', 'Y', 'N', 'X',
                                                            'L', 'O', 'G', 0x1A};
inline constexpr std::uint16_t kVersionMajor = 2;
// The oldest major version this reader still reads (golden files of every release stay readable).
inline constexpr std::uint16_t kOldestVersionMajor = 1;
inline constexpr std::uint16_t kVersionMinor =
    1;  // 2.1: record extras (block kind 5), structured arguments
inline constexpr const char* kFileExtension = ".lynx";

// File header: fixed part, then the program name, then a 4-byte XXH32 of everything before it.
//   0  magic[8]
//   8  u16 version_major
//  10  u16 version_minor
//  12  u32 header_size          whole header including name and checksum
//  16  i64 created_unix_ns
//  24  u32 pid
//  28  u32 shard
//  32  u64 sequence
//  40  u64 clock_anchor_ticks    clock calibration at file creation:
//  48  i64 clock_anchor_unix_ns  ns = anchor_ns + (ticks - anchor_ticks) * ns_per_tick
//  56  f64 clock_ns_per_tick
//  64  u16 program_name_size     at most 1024 as written
//  66  program_name bytes
//   .. fields of newer minor versions (none in 1.0 and 2.0), skipped by this reader
//   .. u32 header_checksum       XXH32(seed 0) of bytes [0, header_size - 4); the last 4 bytes
// Readers refuse a newer version_major before looking at anything after byte 12. In format 2 a
// damaged header costs nothing: its fields are repeated in the metadata (EntryType::file_info),
// and the reader goes on at the first intact block header.
// The clock fields are informational: every timestamp in the file is already Unix ns, converted
// by the writer with the calibration of the moment, so re-calibrations are never recorded.
inline constexpr std::size_t kFileHeaderFixedSize = 66;
inline constexpr std::size_t kMaxProgramName = 1024;  // bytes of the program name a writer stores
inline constexpr std::size_t kMaxFileHeaderSize = 64 * 1024;

// Every block starts with this header. The sync marker lets a reader find the next block after
// damage; the header checksum protects the sizes it uses to skip.
//   0  u64 sync                 kBlockSync
//   8  u8  kind                 BlockKind
//   9  u8  codec                Codec
//  10  u16 header_size          kBlockHeaderSize for version 1.0; newer minor versions append
//                               fields after byte 56 (not covered by header_checksum), skipped
//  12  u32 stored_size          bytes that follow the header
//  16  u32 raw_size             bytes after decompression
//  20  u32 record_count         data blocks: records; metadata blocks: entries
//  24  i64 first_ts             unix ns of the first record (0 for other kinds)
//  32  i64 last_ts              unix ns of the last record (0 for other kinds)
//  40  u64 payload_checksum     XXH3_64bits(seed 0) of the stored bytes
//  48  u32 dictionary_id        zstd blocks: the dictionary compressed with, 0 when none (raw: 0);
//                               dictionary blocks: the id of the dictionary they hold
//  52  u32 header_checksum      XXH32(seed 0) of bytes [0, 52)
inline constexpr std::uint64_t kBlockSync = 0xD26E37E13D063715ull;
inline constexpr std::size_t kBlockHeaderSize = 56;
inline constexpr std::uint32_t kMaxBlockRawSize = 16u << 20;  // readers refuse bigger blocks

// dictionary: a raw block holding the zstd dictionary (its id in dictionary_id) that every later
// zstd block of the file with that dictionary_id needs. Written right after the file header.
// data: records in the format 1 encoding (written by 1.x, read by every version).
// packed: records in the packed encoding of format 2 (record/packed.hpp).
// packed_extras (2.1): a packed block whose records carry extras (context, suppressed counts,
// backtrace marks): varint extras_size, the extras table, then the records as in `packed`.
enum class BlockKind : std::uint8_t {
  metadata = 1,
  data = 2,
  dictionary = 3,
  packed = 4,
  packed_extras = 5
};
constexpr bool holds_records(BlockKind kind) noexcept {
  return kind == BlockKind::data || kind == BlockKind::packed || kind == BlockKind::packed_extras;
}
constexpr bool holds_packed(BlockKind kind) noexcept {
  return kind == BlockKind::packed || kind == BlockKind::packed_extras;
}
// Extras table (2.1) of a packed_extras block: entries, by increasing record index, of
//   varint record_delta   the record's index in the block minus the previous entry's (the
//                         first: the index itself); 0 only for the first entry
//   u8 flags              kExtraContext | kExtraSuppressed | kExtraBacktrace, others 0
//   [context]             varint field_count, then per field: str name, u8 arg_type, the value
//                         in the data block (1.0) encoding of that arg_type. From this record
//                         on, until the next context entry of the same thread, the records of
//                         the record's thread in this block carry this context (none before
//                         the first such entry: a block restates what it needs)
//   [suppressed]          varint N: the record had N suppressed records before it
inline constexpr std::uint8_t kExtraContext = 1;
inline constexpr std::uint8_t kExtraSuppressed = 2;
inline constexpr std::uint8_t kExtraBacktrace = 4;
enum class Codec : std::uint8_t { raw = 0, zstd = 1 };

// Metadata block payload: entries of  u8 type, varint body_size, body.  Unknown types are skipped,
// and so are bytes after the fields a reader knows at the end of a known entry's body.
enum class EntryType : std::uint8_t {
  call_site = 1,  // varint id, u8 level, str logger, str file, varint line, str function,
                  // str format, varint arg_count, u8 arg_type[arg_count],
                  // 2.1: [str type_desc] (present when an arg_type is structured; see
                  // detail/structured.hpp and record/type_desc.hpp)
  thread = 2,     // varint id, varint os_tid, str name
  file_info = 3,  // format 2: the file header's fields again (varint pid, varint shard, varint
                  // sequence, zigzag created_unix_ns, varint clock_anchor_ticks, zigzag
                  // clock_anchor_unix_ns, f64 clock_ns_per_tick, str program)
};
// str = varint size, bytes (UTF-8, not terminated)

// Format 2 writers repeat every definition of the file (file_info first) in a checkpoint
// metadata block once at least kCheckpointBlocks record blocks and kCheckpointRatio times the
// definitions' size of stored record bytes followed the last one, so that a damaged metadata block
// costs at most the records up to the next checkpoint.
inline constexpr std::uint32_t kCheckpointBlocks = 16;
inline constexpr std::uint32_t kCheckpointRatio = 8;

// Packed data block payload (format 2; record/packed.hpp), records of
//   u8 control      bit 0: a site id follows; bit 1: a thread id follows (else: the previous
//                   record's); bits 2..7: arguments 0..5 equal their prediction (nothing stored)
//   [varint call_site_id] [varint thread_id]
//   u8 flags[(arg_count - 6 + 7) / 8]   arguments 6.. equal their prediction, bit (i - 6) % 8
//   zigzag-varint ts_delta              from the previous record (the first: from first_ts)
//   the residuals of the arguments whose flag is clear, in order: numbers a zigzag varint of
//   value - (prev + stride) on the 64-bit form; strings varint shared_prefix, varint rest, bytes.
// Predictions start at zero for every site at the start of every block.
inline constexpr std::uint32_t kMinPackedRecordSize = 2;

// Data block payload (format 1): records of
//   varint call_site_id, varint thread_id, zigzag-varint ts_delta, arguments
// ts_delta is relative to the previous record of the block; the first is relative to first_ts.
// Records have no size: new record fields or argument types need a new block kind or major version.
// Arguments, in the call site's arg_type order (values of lynx::detail::ArgType):
//   signed integers: zigzag varint; unsigned integers, pointers: varint;
//   bool, char: 1 byte; f32: 4 bytes; f64: 8 bytes (IEEE 754); string: varint size, bytes.

// Reader limits (docs/format.md, "Reader limits"). A file that exceeds one is damaged (the writer
// never writes such a thing); readers report it as a problem instead of allocating for it.
//   stored_size of a block: no more than a zstd frame of kMaxBlockRawSize can take (a header
//   claiming more is treated as a damaged header: the reader resyncs at the next sync marker)
inline constexpr std::uint32_t kMaxBlockStoredSize = kMaxBlockRawSize + kMaxBlockRawSize / 128;
//   records in a data block: at most raw_size / kMinRecordSize (every record has 3 varints)
inline constexpr std::uint32_t kMinRecordSize = 3;
//   str fields of metadata entries (template, logger, file, function, thread name)
inline constexpr std::size_t kMaxMetadataStringSize = 64 * 1024;
//   arguments of a call site (lynx::detail::kMaxArgs, what the compile-time check allows)
inline constexpr std::size_t kMaxCallSiteArgs = 64;
//   width and precision in a placeholder's spec ({x:>4096}, {x:.4096f})
inline constexpr std::uint32_t kMaxSpecWidth = 4096;
//   call site and thread definitions held per file, counted in bytes of their decoded form
inline constexpr std::size_t kMaxDefinitionBytes = 16u << 20;

}  // namespace lynx::format
