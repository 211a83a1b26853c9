#include "format/block_builder.hpp"

#include <xxhash.h>

#include <cstring>

#include "format/block_header.hpp"
#include "format/bytes.hpp"
#include "format/varint.hpp"
#include "record/codecs.hpp"

namespace lynx::format {

using detail::ArgType;

std::size_t write_block_header(BlockKind kind, Codec codec, std::size_t stored, std::size_t raw,
                               std::uint32_t count, std::int64_t first_ts, std::int64_t last_ts,
                               std::uint32_t dictionary_id, std::byte* dst);

BlockBuilder::BlockBuilder(compress::ZstdCompressor* compressor, std::size_t block_bytes)
    : compressor_(compressor), block_bytes_(block_bytes) {
  meta_.reserve(4096);
  data_.reserve(block_bytes + 4096);  // a block and the record that fills it, usually
}

namespace {

// Appends a metadata entry: u8 type, varint body size, body (built by `fill` into a scratch).
class EntryWriter {
 public:
  void varint(std::uint64_t v) {
    std::byte tmp[kMaxVarintSize];
    body_.insert(body_.end(), tmp, put_varint(tmp, v));
  }
  void u8(std::uint8_t v) { body_.push_back(static_cast<std::byte>(v)); }
  void str(std::string_view s) {
    varint(s.size());
    const auto* b = reinterpret_cast<const std::byte*>(s.data());
    body_.insert(body_.end(), b, b + s.size());
  }
  void finish(EntryType type, std::vector<std::byte>& out) {
    out.push_back(static_cast<std::byte>(type));
    std::byte tmp[kMaxVarintSize];
    out.insert(out.end(), tmp, put_varint(tmp, body_.size()));
    out.insert(out.end(), body_.begin(), body_.end());
  }

 private:
  std::vector<std::byte> body_;
};

}  // namespace

void BlockBuilder::add_call_site(std::uint32_t id, Level level, std::string_view logger,
                                 std::string_view file, std::uint32_t line,
                                 std::string_view function, std::string_view format,
                                 const ArgType* types, std::size_t arg_count) {
  EntryWriter e;
  e.varint(id);
  e.u8(static_cast<std::uint8_t>(level));
  e.str(logger);
  e.str(file);
  e.varint(line);
  e.str(function);
  e.str(format);
  e.varint(arg_count);
  for (std::size_t i = 0; i < arg_count; ++i) e.u8(static_cast<std::uint8_t>(types[i]));
  e.finish(EntryType::call_site, meta_);
  ++meta_count_;
}

void BlockBuilder::add_thread(std::uint32_t id, std::uint64_t os_tid, std::string_view name) {
  EntryWriter e;
  e.varint(id);
  e.varint(os_tid);
  e.str(name);
  e.finish(EntryType::thread, meta_);
  ++meta_count_;
}

void BlockBuilder::add_record(std::uint32_t site, std::uint32_t thread, std::int64_t ts_ns,
                              const ArgType* types, std::size_t arg_count, const std::byte* args,
                              std::size_t args_size) {
  if (data_count_ == 0) first_ts_ = prev_ts_ = ts_ns;
  // The file encoding is never larger than the ring layout plus kMaxDiskGrowth per argument, plus
  // the three header varints.
  const std::size_t bound = 3 * kMaxVarintSize + args_size + arg_count * record::kMaxDiskGrowth;
  std::byte* const start = data_.extend(bound);
  std::byte* p = start;
  p = put_varint(p, site);
  p = put_varint(p, thread);
  p = put_varint(p, zigzag(ts_ns - prev_ts_));
  prev_ts_ = ts_ns;
  p = record::args_to_disk({types, arg_count}, args, p);
  data_.shrink_by(bound - static_cast<std::size_t>(p - start));
  ++data_count_;
}

std::size_t BlockBuilder::seal_bound() const {
  auto one = [&](std::size_t raw) {
    return raw == 0 ? 0
                    : kBlockHeaderSize + (compressor_ ? compress::ZstdCompressor::bound(raw) : raw);
  };
  return one(meta_.size()) + one(data_.size());
}

std::size_t BlockBuilder::seal(std::byte* dst, SealStats* stats) {
  std::size_t n = 0;
  if (meta_count_ != 0) {
    n += seal_one(BlockKind::metadata, meta_, meta_count_, 0, 0, dst);
    meta_.clear();
    meta_count_ = 0;
  }
  if (data_count_ != 0) {
    stats->records += data_count_;
    stats->raw_bytes += data_.size();
    n += seal_one(BlockKind::data, {data_.data(), data_.size()}, data_count_, first_ts_, prev_ts_,
                  dst + n);
    data_.clear();
    data_count_ = 0;
  }
  stats->stored_bytes += n;
  return n;
}

std::size_t BlockBuilder::seal_one(BlockKind kind, std::span<const std::byte> payload,
                                   std::uint32_t count, std::int64_t first_ts, std::int64_t last_ts,
                                   std::byte* dst) {
  std::byte* const body = dst + kBlockHeaderSize;
  Codec codec = Codec::raw;
  std::size_t stored = payload.size();
  if (compressor_ != nullptr) {
    std::size_t z = 0;
    const Status s = compressor_->compress(payload.data(), payload.size(), body,
                                           compress::ZstdCompressor::bound(payload.size()), &z);
    // Keep the compressed form only when it is smaller; a failure leaves the block raw.
    if (s.ok() && z < payload.size()) {
      codec = Codec::zstd;
      stored = z;
    }
  }
  if (codec == Codec::raw) std::memcpy(body, payload.data(), payload.size());
  return write_block_header(kind, codec, stored, payload.size(), count, first_ts, last_ts,
                            codec == Codec::zstd ? dictionary_id_ : 0, dst);
}

std::size_t BlockBuilder::write_dictionary_block(const std::vector<std::byte>& dictionary,
                                                 std::uint32_t id, std::byte* dst) {
  std::memcpy(dst + kBlockHeaderSize, dictionary.data(), dictionary.size());
  return write_block_header(BlockKind::dictionary, Codec::raw, dictionary.size(), dictionary.size(),
                            0, 0, 0, id, dst);
}

// The block header in front of stored bytes already at dst + kBlockHeaderSize; returns the block
// size.
std::size_t write_block_header(BlockKind kind, Codec codec, std::size_t stored, std::size_t raw,
                               std::uint32_t count, std::int64_t first_ts, std::int64_t last_ts,
                               std::uint32_t dictionary_id, std::byte* dst) {
  BlockHeader h;
  h.kind = kind;
  h.codec = codec;
  h.stored_size = static_cast<std::uint32_t>(stored);
  h.raw_size = static_cast<std::uint32_t>(raw);
  h.record_count = count;
  h.first_ts = first_ts;
  h.last_ts = last_ts;
  h.payload_checksum = XXH3_64bits(dst + kBlockHeaderSize, stored);
  h.dictionary_id = dictionary_id;
  encode_block_header(h, dst);
  return kBlockHeaderSize + stored;
}

}  // namespace lynx::format
