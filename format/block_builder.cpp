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
  void f64(double v) {
    std::byte tmp[8];
    put<double>(tmp, v);
    body_.insert(body_.end(), tmp, tmp + 8);
  }
  // The whole entry: type, body size, body.
  std::vector<std::byte> finish(EntryType type) const {
    std::vector<std::byte> out;
    out.reserve(body_.size() + 1 + kMaxVarintSize);
    out.push_back(static_cast<std::byte>(type));
    std::byte tmp[kMaxVarintSize];
    out.insert(out.end(), tmp, put_varint(tmp, body_.size()));
    out.insert(out.end(), body_.begin(), body_.end());
    return out;
  }

 private:
  std::vector<std::byte> body_;
};

}  // namespace

void BlockBuilder::add_entry(const std::vector<std::byte>& entry) {
  meta_.insert(meta_.end(), entry.begin(), entry.end());
  ++meta_count_;
  defs_.insert(defs_.end(), entry.begin(), entry.end());
  ++defs_count_;
}

void BlockBuilder::start_file(const FileHeader& h) {
  meta_.clear();
  meta_count_ = 0;
  defs_.clear();
  defs_count_ = 0;
  blocks_since_checkpoint_ = 0;
  stored_since_checkpoint_ = 0;
  EntryWriter e;
  e.varint(h.pid);
  e.varint(h.shard);
  e.varint(h.sequence);
  e.varint(zigzag(h.created_unix_ns));
  e.varint(h.clock_anchor_ticks);
  e.varint(zigzag(h.clock_anchor_unix_ns));
  e.f64(h.clock_ns_per_tick);
  e.str(std::string_view(h.program).substr(0, kMaxProgramName));
  add_entry(e.finish(EntryType::file_info));
}

void BlockBuilder::add_call_site(std::uint32_t id, Level level, std::string_view logger,
                                 std::string_view file, std::uint32_t line,
                                 std::string_view function, std::string_view format,
                                 const ArgType* types, std::size_t arg_count,
                                 std::string_view type_desc) {
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
  if (!type_desc.empty()) e.str(type_desc);  // format 2.1: the structured arguments' types
  add_entry(e.finish(EntryType::call_site));
  if (id >= sites_.size()) sites_.resize(std::size_t{id} + 1);
  sites_[id].plan({types, arg_count});
}

void BlockBuilder::add_thread(std::uint32_t id, std::uint64_t os_tid, std::string_view name) {
  EntryWriter e;
  e.varint(id);
  e.varint(os_tid);
  e.str(name);
  add_entry(e.finish(EntryType::thread));
}

// A site not defined with add_call_site (or redefined with other types) gets its plan here.
record::PackedSite& BlockBuilder::replan(std::uint32_t site, const ArgType* types,
                                         std::size_t arg_count) {
  if (site >= sites_.size()) sites_.resize(std::size_t{site} + 1);
  record::PackedSite& s = sites_[site];
  if (s.arg_count() != arg_count) s.plan({types, arg_count});  // a site defined elsewhere
  return s;
}

void BlockBuilder::add_record(std::uint32_t site, std::uint32_t thread, std::int64_t ts_ns,
                              const ArgType* types, std::size_t arg_count, const std::byte* args,
                              std::size_t args_size) {
  record::PackedSite& state = site_state(site, types, arg_count);
  const bool first = data_count_ == 0;
  if (first) first_ts_ = prev_ts_ = ts_ns;
  state.enter_block(block_number_);
  // control, two ids, the extra flag bytes and the timestamp, then the residuals.
  const std::size_t flag_bytes = record::extra_flag_bytes(arg_count);
  const std::size_t bound = 1 + 3 * kMaxVarintSize + flag_bytes + state.encode_bound(args_size);
  std::byte* const start = data_.extend(bound);
  std::byte* p = start + 1;
  std::uint8_t control = 0;
  if (first || site != prev_site_) {
    control |= record::kNewSite;
    p = put_varint(p, site);
    prev_site_ = site;
  }
  if (first || thread != prev_thread_) {
    control |= record::kNewThread;
    p = put_varint(p, thread);
    prev_thread_ = thread;
  }
  std::byte* const flags = p;
  p = put_varint(p + flag_bytes, zigzag(ts_ns - prev_ts_));
  prev_ts_ = ts_ns;
  std::uint64_t zero = 0;
  p = state.encode(args, p, &zero);
  *start = static_cast<std::byte>(control | static_cast<std::uint8_t>(zero << 2));
  zero >>= record::kControlArgs;
  for (std::size_t i = 0; i < flag_bytes; ++i, zero >>= 8) flags[i] = static_cast<std::byte>(zero);
  data_.shrink_by(bound - static_cast<std::size_t>(p - start));
  ++data_count_;
}

std::size_t BlockBuilder::add_extras(std::uint32_t thread, std::uint64_t context_id,
                                     std::span<const record::RingField> context,
                                     std::uint64_t suppressed, bool backtrace) {
  if (thread >= stated_.size()) stated_.resize(std::size_t{thread} + 1);
  StatedContext& stated = stated_[thread];
  const bool state_context =
      stated.block == block_number_ ? stated.context != context_id : !context.empty();
  if (!state_context && suppressed == 0 && !backtrace) return 0;
  const std::size_t before = extras_.size();
  std::size_t bound = 1 + 2 * kMaxVarintSize + kMaxVarintSize;
  if (state_context) {
    for (const record::RingField& f : context)
      bound += kMaxVarintSize + f.name.size() + 1 + f.value_size + record::kMaxDiskGrowth;
  }
  extras_.resize(before + bound);
  std::byte* const start = extras_.data() + before;
  std::byte* p = put_varint(start, data_count_ - (before == 0 ? 0 : extras_last_));
  extras_last_ = data_count_;
  *p++ = static_cast<std::byte>((state_context ? kExtraContext : 0) |
                                (suppressed != 0 ? kExtraSuppressed : 0) |
                                (backtrace ? kExtraBacktrace : 0));
  if (state_context) {
    stated = StatedContext{block_number_, context_id};
    p = put_varint(p, context.size());
    for (const record::RingField& f : context) {
      p = put_varint(p, f.name.size());
      std::memcpy(p, f.name.data(), f.name.size());
      p += f.name.size();
      *p++ = static_cast<std::byte>(f.type);
      const std::byte* ring = f.value;
      p = record::visit(f.type, [&](auto codec) { return codec.to_disk(ring, p); });
    }
  }
  if (suppressed != 0) p = put_varint(p, suppressed);
  extras_.resize(before + static_cast<std::size_t>(p - start));
  return extras_.size() - before;
}

bool BlockBuilder::checkpoint_due() const {
  return data_count_ != 0 && blocks_since_checkpoint_ >= kCheckpointBlocks &&
         stored_since_checkpoint_ >= std::uint64_t{kCheckpointRatio} * defs_.size();
}

std::size_t BlockBuilder::seal_bound() const {
  auto one = [&](std::size_t raw) {
    return raw == 0 ? 0
                    : kBlockHeaderSize + (compressor_ ? compress::ZstdCompressor::bound(raw) : raw);
  };
  return one(meta_payload_size()) + one(data_.size() + extras_bytes());
}

std::size_t BlockBuilder::seal(std::byte* dst, SealStats* stats) {
  std::size_t n = 0;
  if (checkpoint_due()) {
    // Every definition of the file again (the pending ones are among them).
    n += seal_one(BlockKind::metadata, defs_, defs_count_, 0, 0, dst);
    meta_.clear();
    meta_count_ = 0;
    blocks_since_checkpoint_ = 0;
    stored_since_checkpoint_ = 0;
  } else if (meta_count_ != 0) {
    n += seal_one(BlockKind::metadata, meta_, meta_count_, 0, 0, dst);
    meta_.clear();
    meta_count_ = 0;
  }
  if (data_count_ != 0) {
    BlockKind kind = BlockKind::packed;
    std::span<const std::byte> payload{data_.data(), data_.size()};
    if (!extras_.empty()) {  // 2.1: varint extras size, the extras, the records
      kind = BlockKind::packed_extras;
      payload_.resize(kMaxVarintSize + extras_.size() + data_.size());
      std::byte* p = put_varint(payload_.data(), extras_.size());
      std::memcpy(p, extras_.data(), extras_.size());
      p += extras_.size();
      std::memcpy(p, data_.data(), data_.size());
      payload_.resize(static_cast<std::size_t>(p + data_.size() - payload_.data()));
      payload = payload_;
      extras_.clear();
    }
    stats->records += data_count_;
    stats->raw_bytes += payload.size();
    const std::size_t block = seal_one(kind, payload, data_count_, first_ts_, prev_ts_, dst + n);
    n += block;
    ++blocks_since_checkpoint_;
    stored_since_checkpoint_ += block;
    ++block_number_;  // the next block predicts afresh
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
