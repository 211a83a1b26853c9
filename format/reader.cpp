#include "format/reader.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "compress/zstd_dictionary.hpp"
#include "format/bytes.hpp"
#include "format/format.hpp"
#include "format/varint.hpp"
#include "lynx/detail/template_check.hpp"
#include "record/codecs.hpp"
#include "record/structured.hpp"

namespace lynx::format {

using detail::ArgType;

static_assert(kMaxCallSiteArgs == detail::kMaxArgs, "format.hpp mirrors the compile-time check");

namespace {

// Reads from the source in pieces of at least this size (fewer syscalls on pipes and files).
constexpr std::size_t kReadChunk = 64 * 1024;
// Resyncing reads this much more per step while it looks for the next sync marker.
constexpr std::size_t kScanChunk = 64 * 1024;

std::string num(std::uint64_t n) { return std::to_string(n); }

// a + b without overflow (saturating).
std::int64_t add_sat(std::int64_t a, std::int64_t b) {
  std::int64_t r;
  if (!__builtin_add_overflow(a, b, &r)) return r;
  return b > 0 ? INT64_MAX : INT64_MIN;
}

}  // namespace

// --- BlockReader ----------------------------------------------------------------------------

BlockReader::BlockReader(std::string path, std::unique_ptr<ByteSource> source)
    : path_(std::move(path)), source_(std::move(source)) {}

std::size_t BlockReader::fill(std::uint64_t from, std::size_t n) {
  const std::uint64_t end = base_ + filled_;
  if (from + n <= end) return static_cast<std::size_t>(end - from);
  // Keep only [from, end): the bytes before it are used up.
  const std::size_t drop = static_cast<std::size_t>(from - base_);
  const std::size_t keep = filled_ - drop;
  const std::size_t want = std::max(n, kReadChunk);
  if (buf_.size() < want || buf_.size() > 2 * want) {
    // Grow for a big block; give memory back after one.
    std::vector<std::byte> next(want);
    if (keep != 0) std::memcpy(next.data(), buf_.data() + drop, keep);
    buf_.swap(next);
  } else if (drop != 0 && keep != 0) {
    std::memmove(buf_.data(), buf_.data() + drop, keep);
  }
  base_ = from;
  filled_ = keep;
  while (filled_ < n) {
    std::size_t got = 0;
    if (Status s = source_->read(buf_.data() + filled_, buf_.size() - filled_, &got); !s.ok()) {
      error_ = std::move(s);
      break;
    }
    if (got == 0) break;  // end of the bytes (for now, when growing)
    filled_ += got;
  }
  summary_.bytes = std::max<std::uint64_t>(summary_.bytes, base_ + filled_);
  return filled_;
}

void BlockReader::release_buffers() {
  if (in_data_) return;  // the records of the current block point into them
  std::vector<std::byte>().swap(scratch_);
  if (damage_at_ != kNoDamage) return;
  // Keep what was read ahead of pos_ (a pipe cannot give it again).
  const std::size_t keep = static_cast<std::size_t>(base_ + filled_ - pos_);
  std::vector<std::byte> rest(at(pos_), at(pos_) + keep);
  buf_.swap(rest);
  base_ = pos_;
  filled_ = keep;
}

Status BlockReader::open() {
  if (opened_) return {};
  std::size_t need = 16;  // magic, version and header_size
  std::size_t have = fill(0, need);
  if (!error_.ok()) return error_;
  if (have >= 16) {
    need = std::clamp<std::size_t>(get<std::uint32_t>(at(12)), 16, kMaxFileHeaderSize);
    have = fill(0, need);
    if (!error_.ok()) return error_;
  }
  if (growing_ && have < need &&
      std::memcmp(at(0), kFileMagic.data(), std::min(have, kFileMagic.size())) == 0 &&
      (have < 16 || (get<std::uint16_t>(at(8)) <= kVersionMajor &&
                     get<std::uint32_t>(at(12)) >= kFileHeaderFixedSize + 4))) {
    return Status::error(Status::Code::unavailable,
                         path_ + ": file header not completely written yet");
  }
  // What a running program's file holds before its first flush: not damage. (The header goes
  // out with the first blocks, so a file cut inside its header is damage.)
  if (have == 0)
    return Status::error(Status::Code::unavailable, path_ + ": empty (nothing flushed yet)");
  std::size_t size = 0;
  Status s = decode_file_header(at(0), have, &header_, &size);
  if (!s.ok() && recover_file_header(at(0), have, &header_, &size)) {
    open_problem_ = Problem{0, 12, 0,
                            "damaged file header (" + s.message() +
                                "): its magic or version bytes are wrong, the rest is intact"};
    has_open_problem_ = true;
  } else if (!s.ok() && s.code() != Status::Code::unsupported) {
    // Not repairable: look for the blocks that follow where a header can end. A growing file is
    // searched only once all of that range is there (or it stopped growing), so that the block
    // found is the one a reader of the whole file finds.
    const std::size_t range = kMaxFileHeaderSize + kBlockHeaderSize;
    if (fill(0, range) < range && growing_ && error_.ok()) {
      return Status::error(Status::Code::unavailable,
                           path_ + ": damaged file header; waiting for the first block");
    }
    if (!error_.ok()) return error_;
    const std::uint64_t first = find_block(kFileHeaderFixedSize + 4);
    if (first == 0) return Status::error(s.code(), path_ + ": " + s.message());
    header_ = FileHeader{};
    header_from_metadata_ = true;
    open_problem_ = Problem{0, first, 0,
                            "damaged file header (" + s.message() +
                                "); skipped to the first block (" + num(first) + " bytes)"};
    has_open_problem_ = true;
    size = static_cast<std::size_t>(first);
  } else if (!s.ok()) {
    return Status::error(s.code(), path_ + ": " + s.message());
  }
  pos_ = size;
  opened_ = true;
  return {};
}

std::uint64_t BlockReader::find_block(std::uint64_t from) const {
  BlockHeader h;
  for (std::uint64_t i = from; i + kBlockHeaderSize <= base_ + filled_; ++i) {
    if (has_block_sync(at(i)) && decode_block_header(at(i), &h)) return i;
  }
  return 0;
}

Status BlockReader::set_dictionary(const std::vector<std::byte>& dictionary) {
  Status s = zstd_.set_dictionary(dictionary);
  if (s.ok()) {
    dictionary_id_ = compress::dictionary_id(dictionary);
    zstd_has_dictionary_ = true;
  }
  return s;
}

compress::ZstdDecompressor& BlockReader::zstd_for(std::uint32_t block_dictionary) {
  if (block_dictionary != 0 || !zstd_has_dictionary_) return zstd_;
  if (!plain_zstd_) plain_zstd_ = std::make_unique<compress::ZstdDecompressor>();
  return *plain_zstd_;
}

BlockReader::Step BlockReader::report(std::uint64_t at, std::uint64_t bytes, std::uint64_t lost,
                                      std::string message) {
  ++summary_.problems;
  problem_ = Problem{at, bytes, lost, std::move(message)};
  return Step::problem;
}

BlockReader::Next BlockReader::next() {
  if (!error_.ok()) return Next::error;
  if (has_open_problem_) {
    has_open_problem_ = false;
    ++summary_.problems;
    problem_ = std::move(open_problem_);
    return Next::problem;
  }
  for (;;) {
    const Step step = in_data_                  ? decode_record()
                      : damage_at_ != kNoDamage ? scan_for_sync()
                                                : read_block();
    switch (step) {
      case Step::again: continue;
      case Step::record: return Next::record;
      case Step::problem: return Next::problem;
      case Step::not_yet: return Next::not_yet;
      case Step::end: return Next::end;
      case Step::error: return Next::error;
    }
  }
}

BlockReader::Step BlockReader::scan_for_sync() {
  std::byte sync[8];
  put<std::uint64_t>(sync, kBlockSync);
  for (;;) {
    const std::uint64_t end = base_ + filled_;
    if (end >= scan_at_ + 8) {
      for (std::uint64_t i = scan_at_; i + 8 <= end; ++i) {
        const std::byte* p = at(i);
        if (*p == sync[0] && std::memcmp(p, sync, 8) == 0) {
          const std::uint64_t from = damage_at_;
          damage_at_ = kNoDamage;
          pos_ = i;
          return report(from, i - from, 0, damage_skip_);
        }
      }
      scan_at_ = end - 7;  // a marker may start in the last 7 bytes
    }
    fill(scan_at_, static_cast<std::size_t>(end - scan_at_) + kScanChunk);
    if (!error_.ok()) return Step::error;
    if (base_ + filled_ == end) {  // no more bytes
      if (growing_) return Step::not_yet;
      const std::uint64_t from = damage_at_;
      damage_at_ = kNoDamage;
      pos_ = end;
      return report(from, end - from, 0,
                    damage_tail_ + " (" + num(end - from) + " bytes at the end could not be used)");
    }
  }
}

bool BlockReader::outside_time_range(const BlockHeader& h) const {
  const std::int64_t lo = std::min(h.first_ts, h.last_ts), hi = std::max(h.first_ts, h.last_ts);
  return add_sat(hi, kTimeRangeSlack) < since_ || add_sat(lo, -kTimeRangeSlack) >= until_;
}

BlockReader::Step BlockReader::read_block() {
  const std::size_t have = fill(pos_, kBlockHeaderSize);
  if (!error_.ok()) return Step::error;
  if (have == 0) return growing_ ? Step::not_yet : Step::end;
  if (have < kBlockHeaderSize) {
    if (growing_) return Step::not_yet;
    const std::uint64_t from = pos_;
    pos_ += have;
    return report(
        from, have, 0,
        "file ends inside a block header (" + num(have) + " bytes at the end could not be used)");
  }
  // Resyncs at the next sync marker after pos_, reporting the bytes skipped.
  auto resync = [&](const char* skip, const char* tail) {
    damage_at_ = pos_;
    scan_at_ = pos_ + 1;
    damage_skip_ = skip;
    damage_tail_ = tail;
    return Step::again;
  };
  BlockHeader h;
  const bool intact = decode_block_header(at(pos_), &h);
  const char* damaged =
      has_block_sync(at(pos_)) ? "damaged or cut-off block header" : "damaged block header";
  constexpr const char* kSkipped = "damaged block header; skipped to the next block";
  if (!intact || h.header_size < kBlockHeaderSize) return resync(kSkipped, damaged);
  if (fill(pos_, h.header_size) < h.header_size) {
    if (!error_.ok()) return Step::error;
    if (growing_) return Step::not_yet;
    return resync(kSkipped, damaged);
  }
  // A payload no writer can produce: not buffered, the header is not trusted.
  if (h.stored_size > kMaxBlockStoredSize) {
    return resync("block claims an impossible size; skipped to the next block",
                  "block claims an impossible size");
  }
  block_ = h;
  const std::size_t block_size = std::size_t{h.header_size} + h.stored_size;
  const std::uint32_t lost = holds_records(h.kind) ? h.record_count : 0;
  const std::size_t whole = fill(pos_, block_size);
  if (!error_.ok()) return Step::error;
  if (whole < block_size) {
    if (growing_) return Step::not_yet;
    const std::uint64_t from = pos_;
    pos_ += whole;
    return report(from, whole, lost,
                  "file is cut off inside a block (" + num(whole) +
                      " bytes at the end could not be used, " + num(lost) + " records lost)");
  }
  const std::uint64_t block_at = pos_;
  const std::byte* body = at(pos_) + h.header_size;
  pos_ += block_size;
  if (holds_records(h.kind) && outside_time_range(h)) {
    ++summary_.skipped_blocks;
    return Step::again;
  }
  const std::uint32_t stored = h.stored_size, raw = h.raw_size;
  if (XXH3_64bits(body, stored) != h.payload_checksum) {
    return report(block_at, block_size, lost,
                  "block checksum mismatch (" + num(lost) + " records lost)");
  }
  if (raw > kMaxBlockRawSize)
    return report(block_at, block_size, lost, "block claims an impossible size");
  const std::uint32_t min_record = holds_packed(h.kind) ? kMinPackedRecordSize : kMinRecordSize;
  if (holds_records(h.kind) && h.record_count > raw / min_record) {
    return report(block_at, block_size, lost,
                  "malformed data block (" + num(h.record_count) + " records cannot fit in " +
                      num(raw) + " bytes; " + num(lost) + " records lost)");
  }
  if (h.kind == BlockKind::dictionary) {
    Status s = h.codec == Codec::raw && raw == stored
                   ? zstd_.set_dictionary(std::vector<std::byte>(body, body + stored))
                   : Status::error(Status::Code::corrupt, "malformed dictionary block");
    if (!s.ok()) return report(block_at, block_size, 0, s.message());
    dictionary_id_ = h.dictionary_id;
    zstd_has_dictionary_ = true;
    ++summary_.blocks;
    return Step::again;
  }
  // Blocks without a dictionary (id 0) decode with or without one loaded: `--dictionary` given
  // for a set of files must not break the files that do not use it.
  if (h.codec == Codec::zstd && h.dictionary_id != 0 && h.dictionary_id != dictionary_id_) {
    return report(block_at, block_size, lost,
                  "block needs zstd dictionary " + num(h.dictionary_id) +
                      ", which the file does not carry: pass it with --dictionary (" + num(lost) +
                      " records not decoded)");
  }
  const std::byte* payload = body;
  if (h.codec == Codec::zstd) {
    Status s = zstd_for(h.dictionary_id).decompress(body, stored, raw, &scratch_);
    if (!s.ok()) return report(block_at, block_size, lost, s.message());
    payload = scratch_.data();
  } else if (h.codec != Codec::raw) {
    return report(block_at, block_size, lost, "unknown block codec " + num(int(h.codec)));
  } else if (raw != stored) {
    return report(block_at, block_size, lost, "raw block sizes disagree");
  }
  ++summary_.blocks;
  if (payload_hook_) payload_hook_(h.kind, payload, raw);
  if (h.kind == BlockKind::metadata) {
    std::string error = decode_metadata(payload, raw);
    if (!error.empty()) return report(block_at, block_size, 0, std::move(error));
  } else if (holds_records(h.kind)) {
    // The records are delivered one per next(); no fill() runs until they are done, so the
    // payload stays where it is.
    in_data_ = true;
    packed_ = holds_packed(h.kind);
    ++block_number_;
    packed_site_ = nullptr;
    packed_thread_ = nullptr;
    block_at_ = block_at;
    block_size_ = block_size;
    payload_ = payload;
    payload_size_ = raw;
    payload_pos_ = 0;
    has_extras_ = h.kind == BlockKind::packed_extras;
    if (has_extras_) {
      Cursor c(payload, raw);
      if (!decode_extras(c, h.record_count)) {
        in_data_ = false;
        return report(block_at, block_size, lost,
                      "malformed data block (bad record extras; " + num(lost) + " records lost)");
      }
      payload_pos_ = static_cast<std::size_t>(c.pos() - payload);
    }
    records_left_ = h.record_count;
    records_done_ = 0;
    ts_ = h.first_ts;
  }  // other kinds: from a newer minor version; skipped by design
  return Step::again;
}

BlockReader::Step BlockReader::decode_record() {
  if (records_left_ == 0) {
    in_data_ = false;
    if (payload_pos_ != payload_size_) {
      return report(block_at_, block_size_, 0, "malformed data block (0 records lost)");
    }
    return Step::again;
  }
  Cursor c(payload_ + payload_pos_, payload_size_ - payload_pos_);
  bool keep = true;
  if (!(packed_ ? decode_packed(c, &keep) : decode_v1(c, &keep))) {
    in_data_ = false;
    const std::uint64_t lost = block_.record_count - records_done_;
    return report(block_at_, block_size_, lost,
                  "malformed data block (" + num(lost) + " records lost)");
  }
  const auto end = static_cast<std::size_t>(c.pos() - payload_);
  record_.encoded_size = static_cast<std::uint32_t>(end - payload_pos_);
  payload_pos_ = end;
  record_.context = {};
  record_.suppressed = 0;
  record_.backtrace = false;
  if (has_extras_) apply_extras();  // also for a dropped record: it may carry its thread's context
  --records_left_;
  ++records_done_;
  ++summary_.records;
  return keep ? Step::record : Step::again;
}

namespace {

// The gate's verdict on a record (keep without a gate), counted in the summary.
RecordGate::Verdict judge(RecordGate* gate, const CallSiteInfo& site, const ThreadInfo& thread,
                          std::int64_t ts, ReadSummary& summary) {
  if (gate == nullptr) return RecordGate::Verdict::keep;
  const RecordGate::Verdict v = gate->judge(site, thread, ts);
  if (v != RecordGate::Verdict::keep) ++summary.dropped;
  return v;
}

}  // namespace

bool BlockReader::decode_v1(Cursor& c, bool* keep) {
  std::uint64_t site_id, thread_id, delta;
  if (!c.varint(&site_id) || !c.varint(&thread_id) || !c.varint(&delta)) return false;
  const auto site = sites_.find(static_cast<std::uint32_t>(site_id));
  const auto thread = threads_.find(static_cast<std::uint32_t>(thread_id));
  if (site == sites_.end() || thread == threads_.end()) return false;
  // Wrapping arithmetic: a crafted delta must not be undefined behaviour.
  ts_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(ts_) +
                                  static_cast<std::uint64_t>(unzigzag(delta)));
  record_.ts_ns = ts_;
  record_.site = site->second.get();
  record_.thread = thread->second.get();
  record_.args.resize(record_.site->types.size());
  // Format 1 stores no sizes apart from the values: a dropped record's are read to step over them.
  *keep = judge(gate_, *record_.site, *record_.thread, ts_, summary_) == RecordGate::Verdict::keep;
  if (!record::args_from_disk(record_.site->types, c, record_.args.data())) return false;
  return !*keep || record::expand_structured(record_.site->structured, record_.args);
}

bool BlockReader::decode_packed(Cursor& c, bool* keep) {
  std::uint8_t control;
  if (!c.bytes(&control, 1)) return false;
  if (control & record::kNewSite) {
    std::uint64_t id;
    if (!c.varint(&id)) return false;
    const auto site = sites_.find(static_cast<std::uint32_t>(id));
    if (site == sites_.end()) return false;
    packed_site_ = site->second.get();
  }
  if (control & record::kNewThread) {
    std::uint64_t id;
    if (!c.varint(&id)) return false;
    const auto thread = threads_.find(static_cast<std::uint32_t>(id));
    if (thread == threads_.end()) return false;
    packed_thread_ = thread->second.get();
  }
  if (packed_site_ == nullptr || packed_thread_ == nullptr) return false;
  CallSiteInfo& site = *packed_site_;
  const std::size_t n = site.types.size();
  std::uint64_t zero = control >> 2;
  for (std::size_t i = 0; i < record::extra_flag_bytes(n); ++i) {
    std::uint8_t b;
    if (!c.bytes(&b, 1)) return false;
    zero |= std::uint64_t{b} << (record::kControlArgs + 8 * i);
  }
  std::uint64_t delta;
  if (!c.varint(&delta)) return false;
  ts_ = static_cast<std::int64_t>(static_cast<std::uint64_t>(ts_) +
                                  static_cast<std::uint64_t>(unzigzag(delta)));
  site.packed.enter_block(block_number_);
  record_.ts_ns = ts_;
  record_.site = &site;
  record_.thread = packed_thread_;
  switch (judge(gate_, site, *packed_thread_, ts_, summary_)) {
    case RecordGate::Verdict::drop_site:
      // No later record of the site is wanted, so its predictions need not be kept: only the
      // sizes of the residuals are read.
      *keep = false;
      ++summary_.undecoded;
      return site.packed.skip(c, zero);
    case RecordGate::Verdict::drop:
      *keep = false;
      record_.args.resize(n);  // the predictions move on; structured values stay unexpanded
      return site.packed.decode(c, zero, record_.args.data());
    case RecordGate::Verdict::keep: break;
  }
  record_.args.resize(n);
  return site.packed.decode(c, zero, record_.args.data()) &&
         record::expand_structured(site.structured, record_.args);
}

bool BlockReader::decode_extras(Cursor& c, std::uint32_t record_count) {
  extras_.clear();
  next_extras_ = 0;
  context_fields_.clear();
  thread_context_.clear();
  std::uint64_t size;
  const std::byte* table;
  if (!c.varint(&size) || size > c.remaining() || !c.view(&table, size)) return false;
  Cursor t(table, size);
  std::uint64_t index = 0;
  while (t.remaining() != 0) {
    ExtrasEntry e;
    std::uint64_t delta;
    if (!t.varint(&delta) || !t.bytes(&e.flags, 1)) return false;
    if (!extras_.empty() && delta == 0) return false;  // strictly increasing record indexes
    index += delta;
    if (index >= record_count ||
        (e.flags & ~(kExtraContext | kExtraSuppressed | kExtraBacktrace)) != 0)
      return false;
    e.record = static_cast<std::uint32_t>(index);
    if (e.flags & kExtraContext) {
      std::uint64_t n;
      // Each field takes at least 3 bytes (an empty name, the type, a 1-byte value).
      if (!t.varint(&n) || n > t.remaining() / 3) return false;
      e.context_begin = static_cast<std::uint32_t>(context_fields_.size());
      e.context_size = static_cast<std::uint32_t>(n);
      for (std::uint64_t i = 0; i < n; ++i) {
        std::uint64_t name_size;
        const std::byte* name;
        std::uint8_t type;
        if (!t.varint(&name_size) || !t.view(&name, name_size) || !t.bytes(&type, 1) ||
            !record::known_arg_type(type))
          return false;
        record::ContextEntry field;
        field.name = std::string_view(reinterpret_cast<const char*>(name), name_size);
        if (!record::visit(static_cast<detail::ArgType>(type),
                           [&](auto codec) { return codec.from_disk(t, &field.value); }))
          return false;
        context_fields_.push_back(field);
      }
    }
    if ((e.flags & kExtraSuppressed) && !t.varint(&e.suppressed)) return false;
    extras_.push_back(e);
  }
  return true;
}

void BlockReader::apply_extras() {
  if (next_extras_ < extras_.size() && extras_[next_extras_].record == records_done_) {
    const ExtrasEntry& e = extras_[next_extras_++];
    if (e.flags & kExtraContext)
      thread_context_[record_.thread] = {e.context_begin, e.context_size};
    record_.suppressed = e.suppressed;
    record_.backtrace = (e.flags & kExtraBacktrace) != 0;
  }
  const auto it = thread_context_.find(record_.thread);
  if (it != thread_context_.end())
    record_.context = {context_fields_.data() + it->second.first, it->second.second};
}

namespace {

constexpr const char* kMalformedMetadata = "malformed metadata block";

// A str field; its size is checked against kMaxMetadataStringSize. *error says why it failed.
bool read_str(Cursor& c, std::string* out, std::string* error) {
  std::uint64_t n;
  const std::byte* p;
  if (!c.varint(&n)) return false;
  if (n > kMaxMetadataStringSize) {
    *error = std::string(kMalformedMetadata) + " (a string of " + num(n) + " bytes; at most " +
             num(kMaxMetadataStringSize) + ")";
    return false;
  }
  if (!c.view(&p, n)) return false;
  out->assign(reinterpret_cast<const char*>(p), n);
  return true;
}

// A call site entry repeated unchanged (a format 2 checkpoint): the known one stays, with
// everything that points to it.
bool same_definition(const CallSiteInfo& a, const CallSiteInfo& b) {
  return a.level == b.level && a.line == b.line && a.types == b.types && a.logger == b.logger &&
         a.file == b.file && a.function == b.function && a.format == b.format &&
         a.type_desc == b.type_desc;
}

}  // namespace

std::string BlockReader::decode_metadata(const std::byte* data, std::size_t n) {
  Cursor c(data, n);
  std::string error;
  auto malformed = [&] { return error.empty() ? std::string(kMalformedMetadata) : error; };
  auto count = [&](std::size_t bytes) {
    definition_bytes_ += bytes;
    if (definition_bytes_ <= kMaxDefinitionBytes) return true;
    error = std::string(kMalformedMetadata) + " (more than " + num(kMaxDefinitionBytes >> 20) +
            " MiB of call site and thread definitions in one file)";
    return false;
  };
  while (c.remaining() > 0) {
    std::uint8_t type;
    std::uint64_t size;
    const std::byte* body;
    if (!c.bytes(&type, 1) || !c.varint(&size) || !c.view(&body, size)) return malformed();
    Cursor e(body, size);
    if (type == static_cast<std::uint8_t>(EntryType::call_site)) {
      auto site = std::make_unique<CallSiteInfo>();
      std::uint64_t id, line, nargs;
      std::uint8_t level;
      if (!e.varint(&id) || !e.bytes(&level, 1) || !read_str(e, &site->logger, &error) ||
          !read_str(e, &site->file, &error) || !e.varint(&line) ||
          !read_str(e, &site->function, &error) || !read_str(e, &site->format, &error) ||
          !e.varint(&nargs)) {
        return malformed();
      }
      if (nargs > kMaxCallSiteArgs) {
        return std::string(kMalformedMetadata) + " (call site " + num(id) + " has " + num(nargs) +
               " arguments; at most " + num(kMaxCallSiteArgs) + ")";
      }
      if (nargs > e.remaining()) return malformed();
      site->id = static_cast<std::uint32_t>(id);
      site->level = static_cast<Level>(level);
      site->line = static_cast<std::uint32_t>(line);
      site->types.resize(nargs);
      for (auto& t : site->types) {
        std::uint8_t v;
        if (!e.bytes(&v, 1) || !record::known_arg_type(v)) return malformed();
        t = static_cast<ArgType>(v);
      }
      // Format 2.1: the descriptors of the structured arguments follow (required when there is
      // one; a 2.0 entry ends here).
      const bool structured = std::find(site->types.begin(), site->types.end(),
                                        ArgType::structured) != site->types.end();
      if (structured && (!read_str(e, &site->type_desc, &error) ||
                         !site->structured.parse(site->types, site->type_desc))) {
        if (!error.empty()) return error;
        return std::string(kMalformedMetadata) + " (call site " + num(id) +
               ": a malformed type descriptor)";
      }
      const auto known = sites_.find(site->id);
      if (known != sites_.end() && same_definition(*known->second, *site)) continue;  // checkpoint
      site->packed.plan(site->types);
      site->parsed = parse_template(site->format);
      if (!site->parsed.limit_error.empty()) {
        return std::string(kMalformedMetadata) + " (call site " + num(id) + ": " +
               site->parsed.limit_error + ")";
      }
      if (!count(sizeof(CallSiteInfo) + site->logger.size() + site->file.size() +
                 site->function.size() + 3 * site->format.size() + nargs +
                 site->structured.bytes() + site->parsed.names.size() * sizeof(std::string))) {
        return error;
      }
      auto& slot = sites_[site->id];
      if (slot) retired_sites_.push_back(std::move(slot));  // earlier records may still point to it
      slot = std::move(site);
    } else if (type == static_cast<std::uint8_t>(EntryType::thread)) {
      auto th = std::make_unique<ThreadInfo>();
      std::uint64_t id;
      if (!e.varint(&id) || !e.varint(&th->os_tid) || !read_str(e, &th->name, &error)) {
        return malformed();
      }
      th->id = static_cast<std::uint32_t>(id);
      const auto known = threads_.find(th->id);
      if (known != threads_.end() && known->second->os_tid == th->os_tid &&
          known->second->name == th->name) {
        continue;  // repeated by a checkpoint
      }
      if (!count(sizeof(ThreadInfo) + th->name.size())) return error;
      auto& slot = threads_[th->id];
      if (slot) retired_threads_.push_back(std::move(slot));
      slot = std::move(th);
    } else if (type == static_cast<std::uint8_t>(EntryType::file_info)) {
      FileHeader h;
      std::uint64_t pid, shard, created, anchor_ns;
      if (!e.varint(&pid) || !e.varint(&shard) || !e.varint(&h.sequence) || !e.varint(&created) ||
          !e.varint(&h.clock_anchor_ticks) || !e.varint(&anchor_ns) ||
          !e.bytes(&h.clock_ns_per_tick, 8) || !read_str(e, &h.program, &error)) {
        return malformed();
      }
      if (header_from_metadata_) {  // the file header was damaged: these are its fields
        h.version_major = kVersionMajor;
        h.pid = static_cast<std::uint32_t>(pid);
        h.shard = static_cast<std::uint32_t>(shard);
        h.created_unix_ns = unzigzag(created);
        h.clock_anchor_unix_ns = unzigzag(anchor_ns);
        header_ = std::move(h);
        header_from_metadata_ = false;
      }
    }  // unknown entry types are skipped
  }
  return {};
}

// --- FileReader -----------------------------------------------------------------------------

FileReader::FileReader(std::string path)
    : path_(std::move(path)),
      reader_(std::make_unique<BlockReader>(path_, std::make_unique<MemorySource>())) {}

Status FileReader::open() {
  std::unique_ptr<FdSource> source;
  if (Status s = FdSource::open(path_, &source); !s.ok()) return s;
  return open_source(std::move(source));
}

Status FileReader::open_bytes(std::vector<std::byte> bytes) {
  return open_source(std::make_unique<MemorySource>(std::move(bytes)));
}

Status FileReader::open_source(std::unique_ptr<ByteSource> source) {
  reader_ = std::make_unique<BlockReader>(path_, std::move(source));
  return reader_->open();
}

ReadSummary read_to_end(BlockReader& reader, const std::function<void(const Record&)>& on_record,
                        const std::function<void(const Problem&)>& on_problem) {
  for (;;) {
    switch (reader.next()) {
      case BlockReader::Next::record: on_record(reader.record()); continue;
      case BlockReader::Next::problem: on_problem(reader.problem()); continue;
      case BlockReader::Next::error: {
        ReadSummary sum = reader.summary();
        sum.error = reader.error();
        return sum;
      }
      case BlockReader::Next::end:
      case BlockReader::Next::not_yet: return reader.summary();
    }
  }
}

ReadSummary FileReader::read(const RecordFn& on_record, const ProblemFn& on_problem) {
  return read_to_end(*reader_, on_record, on_problem);
}

}  // namespace lynx::format
