// Writer side of the file format (2.0): collects metadata entries and records of one file, and
// seals them into checksummed (optionally zstd-compressed) blocks: records in the packed encoding
// (record/packed.hpp), definitions in metadata blocks, repeated in checkpoints. One per shard,
// reused across the shard's files (start_file() at each). Used by the backend thread only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "base/status.hpp"
#include "compress/zstd_codec.hpp"
#include "format/byte_buffer.hpp"
#include "format/file_header.hpp"
#include "format/format.hpp"
#include "lynx/detail/arg_types.hpp"
#include "lynx/level.hpp"
#include "record/context.hpp"
#include "record/packed.hpp"

namespace lynx::format {

struct SealStats {
  std::uint64_t records = 0;
  std::uint64_t raw_bytes = 0;  // record payload bytes before compression
  std::uint64_t stored_bytes = 0;
};

class BlockBuilder {
 public:
  // `compressor` may be null (Codec::raw). `block_bytes`: raw size at which a data block is full.
  BlockBuilder(compress::ZstdCompressor* compressor, std::size_t block_bytes);

  // Every zstd block sealed from now on names this dictionary (the compressor must use it).
  void set_dictionary_id(std::uint32_t id) { dictionary_id_ = id; }
  // Writes a dictionary block (kMaxDictionaryBytes at most) to dst; returns its size, which is
  // kBlockHeaderSize + dictionary size.
  static std::size_t write_dictionary_block(const std::vector<std::byte>& dictionary,
                                            std::uint32_t id, std::byte* dst);

  // A new file begins (after its header and dictionary block): its definitions start afresh, and
  // the header's fields are its first metadata entry (EntryType::file_info), so that a damaged
  // file header costs nothing. Nothing may be pending (seal() first).
  void start_file(const FileHeader& header);

  // Definitions: written before the first record that needs them, and again in every checkpoint.
  // Ids are small and dense (the engine numbers sites and threads from 0).
  void add_call_site(std::uint32_t id, Level level, std::string_view logger, std::string_view file,
                     std::uint32_t line, std::string_view function, std::string_view format,
                     const detail::ArgType* types, std::size_t arg_count,
                     std::string_view type_desc = {});
  void add_thread(std::uint32_t id, std::uint64_t os_tid, std::string_view name);

  // Appends one record. `args` are the record's argument bytes in the ring layout of
  // lynx/detail/arg_types.hpp (`args_size` bytes); they are packed (record/packed.hpp). BACKEND
  // HOT PATH. `site` must have been defined with add_call_site (its types are those given).
  void add_record(std::uint32_t site, std::uint32_t thread, std::int64_t ts_ns,
                  const detail::ArgType* types, std::size_t arg_count, const std::byte* args,
                  std::size_t args_size);

  // Format 2.1, called right before add_record() of a record that carries extras: its thread's
  // context (`context_id` names it: the same id, the same fields; an empty context is stated only
  // to end one stated before in the block), the records suppressed before it, whether it comes
  // from a backtrace. A block holding any becomes a packed_extras block (format.hpp). Returns the
  // bytes added.
  std::size_t add_extras(std::uint32_t thread, std::uint64_t context_id,
                         std::span<const record::RingField> context, std::uint64_t suppressed,
                         bool backtrace);

  bool data_full() const { return data_.size() + extras_.size() >= block_bytes_; }
  bool empty() const { return data_count_ == 0 && meta_count_ == 0; }
  std::size_t pending_raw() const { return data_.size() + extras_bytes() + meta_payload_size(); }

  // Upper bound of what seal() writes now.
  std::size_t seal_bound() const;
  // Writes the pending metadata block (if any) and then the pending data block (if any) to dst
  // and starts new ones. Returns the bytes written (<= seal_bound()).
  std::size_t seal(std::byte* dst, SealStats* stats);

 private:
  // The metadata payload seal() writes now: the pending entries, or a whole checkpoint.
  bool checkpoint_due() const;
  std::size_t extras_bytes() const { return extras_.empty() ? 0 : extras_.size() + kMaxVarintSize; }
  std::size_t meta_payload_size() const { return checkpoint_due() ? defs_.size() : meta_.size(); }
  void add_entry(const std::vector<std::byte>& entry);
  record::PackedSite& site_state(std::uint32_t site, const detail::ArgType* types,
                                 std::size_t arg_count) {
    if (site < sites_.size() && sites_[site].arg_count() == arg_count) [[likely]] {
      return sites_[site];
    }
    return replan(site, types, arg_count);
  }
  record::PackedSite& replan(std::uint32_t site, const detail::ArgType* types,
                             std::size_t arg_count);
  std::size_t seal_one(BlockKind kind, std::span<const std::byte> payload, std::uint32_t count,
                       std::int64_t first_ts, std::int64_t last_ts, std::byte* dst);

  compress::ZstdCompressor* compressor_;
  std::size_t block_bytes_;
  std::vector<std::byte> meta_;
  std::uint32_t meta_count_ = 0;
  ByteBuffer data_;  // not zero-filled: see byte_buffer.hpp
  std::uint32_t data_count_ = 0;
  std::int64_t first_ts_ = 0;
  std::int64_t prev_ts_ = 0;
  std::uint32_t dictionary_id_ = 0;

  // Packing state: per site id, its plan and predictions; the previous record's ids; the block
  // number that resets predictions (record/packed.hpp).
  std::vector<record::PackedSite> sites_;
  std::uint32_t prev_site_ = 0;
  std::uint32_t prev_thread_ = 0;
  std::uint64_t block_number_ = 0;

  // Record extras of the pending block (format.hpp, "Extras table"): the table, the index of its
  // last entry, and per thread id the context id stated in block `block` (the current one, or
  // not stated yet). `payload_` puts the table and the records together at seal().
  std::vector<std::byte> extras_;
  std::uint32_t extras_last_ = 0;
  struct StatedContext {
    std::uint64_t block = ~std::uint64_t{0};
    std::uint64_t context = 0;
  };
  std::vector<StatedContext> stated_;
  std::vector<std::byte> payload_;

  // Every definition of the current file (file_info first), for checkpoints.
  std::vector<std::byte> defs_;
  std::uint32_t defs_count_ = 0;
  std::uint32_t blocks_since_checkpoint_ = 0;
  std::uint64_t stored_since_checkpoint_ = 0;
};

}  // namespace lynx::format
