// Reader side of the file format: decodes one lynx file, block by block, tolerating damage.
// A damaged block (bad header or payload checksum, undecodable payload) is reported as a Problem
// and skipped by resyncing at the next sync marker; a cut-off tail is reported with its size.
//
// BlockReader pulls one file from any ByteSource (a file, a pipe, standard input, bytes in memory)
// in bounded memory: the block being decoded (at most kMaxBlockStoredSize stored plus
// kMaxBlockRawSize decompressed), a read buffer and the file's definitions (kMaxDefinitionBytes),
// never the whole file. It can be told that the file is still growing: then a block, block header
// or file header cut short by the end of the bytes is "not yet there" (retried from the same
// offset when called again), not damage. FileReader is the whole-file callback API on top of it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.hpp"
#include "compress/zstd_codec.hpp"
#include "format/block_header.hpp"
#include "format/byte_source.hpp"
#include "format/file_header.hpp"
#include "format/format.hpp"
#include "format/template_parse.hpp"
#include "lynx/detail/arg_types.hpp"
#include "lynx/level.hpp"
#include "record/packed.hpp"
#include "record/record_view.hpp"
#include "record/type_desc.hpp"
#include "record/value.hpp"

namespace lynx::format {

struct CallSiteInfo {
  std::uint32_t id = 0;
  Level level = Level::info;
  std::string logger;
  std::string file;
  std::uint32_t line = 0;
  std::string function;
  std::string format;
  std::vector<detail::ArgType> types;
  std::string type_desc;         // format 2.1: the structured arguments' descriptors, as stored
  record::SiteTypes structured;  // ... parsed (decoded values point into it)
  ParsedTemplate parsed;         // field names and fmt pattern
  // Packed blocks (format 2): the site's packing plan and its predictions in the current block.
  record::PackedSite packed;
  // Its identity for renderers' caches (record::Site::uid): each definition read gets its own.
  std::uint64_t uid = record::next_site_uid();

  // The record-model view of this site (valid while this object lives, unchanged).
  record::Site view() const {
    record::Site s{level,  logger, file,      line,         function,
                   format, types,  parsed.ok, parsed.names, parsed.fmt_pattern};
    s.uid = uid;
    return s;
  }
  // The same view, built at the first call and kept: what renders every record of the site
  // (`lynx cat`) without building it each time. The fields must be final by the first call, and
  // only one thread may call it (a copy of this object builds its own).
  const record::Site& cached_view() const {
    if (view_of_ != this) {
      view_ = view();
      view_of_ = this;
    }
    return view_;
  }
  mutable record::Site view_;  // cached_view()'s, when view_of_ is this
  mutable const CallSiteInfo* view_of_ = nullptr;
};

struct ThreadInfo {
  std::uint32_t id = 0;
  std::uint64_t os_tid = 0;
  std::string name;
};

using record::Value;

// A decoded record. `site` and `thread` stay valid as long as the reader; `args[i].s` (string
// values) only until the next call of BlockReader::next() (or during the FileReader callback).
struct Record {
  std::int64_t ts_ns = 0;
  const CallSiteInfo* site = nullptr;
  const ThreadInfo* thread = nullptr;
  std::vector<Value> args;
  // Format 2.1 record extras (empty / 0 / false for older blocks); valid like args' strings.
  std::span<const record::ContextEntry> context;  // the thread's context (lynx::Context)
  std::uint64_t suppressed = 0;                   // records suppressed before it at its site
  bool backtrace = false;                         // written from a backtrace
  std::uint32_t encoded_size = 0;  // its bytes in the decoded block (`lynx stats`: cost per site)
};

// Judges a record from its metadata alone, after its site, thread and timestamp are decoded and
// before its arguments are (BlockReader::set_gate): `lynx cat --level`, `--logger`, `--thread`,
// `--since`/`--until`. A dropped record is never delivered.
class RecordGate {
 public:
  enum class Verdict {
    keep,       // decode the arguments and deliver the record
    drop,       // skip it: its arguments are decoded only as far as later records need them
                // (packed blocks predict each value from the site's previous record)
    drop_site,  // skip it, and no record of this site is ever wanted: its arguments are not
                // decoded at all, only stepped over by their sizes. Must then be the verdict on
                // every record of the site for the rest of the reader's life.
  };
  virtual Verdict judge(const CallSiteInfo& site, const ThreadInfo& thread, std::int64_t ts) = 0;

 protected:
  ~RecordGate() = default;
};

struct Problem {
  std::uint64_t offset = 0;        // byte offset in the file where the damage starts
  std::uint64_t bytes = 0;         // bytes that could not be used
  std::uint64_t records_lost = 0;  // when known from an intact block header
  std::string message;
};

struct ReadSummary {
  std::uint64_t blocks = 0;
  std::uint64_t records = 0;
  std::uint64_t bytes = 0;
  std::uint64_t problems = 0;
  std::uint64_t skipped_blocks = 0;  // outside the time range (BlockReader::set_time_range)
  std::uint64_t dropped = 0;         // records the gate dropped (BlockReader::set_gate)
  std::uint64_t undecoded = 0;       // ... of which with their arguments never decoded
  Status error;  // a read error (Code::io_error) that ended the reading early; ok otherwise
};

// Pulls one file, record by record (see the file comment). Not thread-safe; one per file.
//
//   BlockReader r("app.lynx", std::move(source));
//   if (Status s = r.open(); !s.ok()) ...;
//   for (;;) switch (r.next()) {
//     case BlockReader::Next::record: use(r.record()); break;
//     case BlockReader::Next::problem: report(r.problem()); break;
//     case BlockReader::Next::not_yet: wait, then call next() again (growing files only)
//     case BlockReader::Next::end: done; case BlockReader::Next::error: r.error()
//   }
class BlockReader {
 public:
  enum class Next {
    record,   // record() holds the next record
    problem,  // problem() holds damage found; reading goes on after it
    end,      // the end of the file (never when growing)
    not_yet,  // growing file: the next block is not (completely) written yet; retry later
    error,    // reading the source failed: error(); nothing more comes
  };

  BlockReader(std::string path, std::unique_ptr<ByteSource> source);
  BlockReader(const BlockReader&) = delete;
  BlockReader& operator=(const BlockReader&) = delete;

  // Reads the file header (format 1.x or 2.x). Errors: not a lynx file (Code::corrupt), newer
  // major version (Code::unsupported), the source failed (Code::io_error); messages start with the
  // path. Code::unavailable while the header is not completely there: growing files, call again
  // later; otherwise for an empty file ("empty (nothing flushed yet)": a running program's file
  // before its first flush). A damaged header is not an
  // error when the file's blocks can be found: damage confined to the magic or version bytes is
  // repaired through the checksum; otherwise reading starts at the first intact block header, and
  // header() is filled in from the file's metadata (format 2 files repeat the header's fields
  // there: EntryType::file_info) once that is read. Either way the first next() reports the damage
  // as a problem. A file header that is only an empty prefix of one, or not a lynx file at all,
  // stays an error.
  Status open();
  const FileHeader& header() const { return header_; }
  const std::string& path() const { return path_; }

  // Growing: the end of the bytes is where the writer is, not the end of the file. Turning it off
  // (the writer has moved on) makes a cut-off tail damage again at the next call.
  void set_growing(bool growing) { growing_ = growing; }

  // Only records in [since, until) are wanted: a data block whose header's time range
  // (first_ts, last_ts) lies more than kTimeRangeSlack outside of it is skipped whole, neither
  // checked nor decompressed (summary().skipped_blocks). The slack covers records of a block
  // that are out of order (the backend merges threads by time; a record can only be late by
  // the time its thread was held between reading the clock and publishing). Records of the
  // blocks that are read still need to be filtered by the caller.
  static constexpr std::int64_t kTimeRangeSlack = 1'000'000'000;
  void set_time_range(std::int64_t since, std::int64_t until) {
    since_ = since;
    until_ = until;
  }

  // Records the gate drops are skipped (counted in summary().records, dropped and undecoded);
  // null: none. The gate must outlive the reader's use of it.
  void set_gate(RecordGate* gate) { gate_ = gate; }

  // A zstd dictionary for files whose blocks need one but that do not carry it themselves
  // (`lynx cat --dictionary`). A dictionary block inside the file takes precedence.
  Status set_dictionary(const std::vector<std::byte>& dictionary);

  // Called with every intact metadata and data block's decoded payload (e.g. to train a
  // dictionary).
  using PayloadFn = std::function<void(BlockKind kind, const std::byte* payload, std::size_t size)>;
  void set_payload_hook(PayloadFn hook) { payload_hook_ = std::move(hook); }

  Next next();
  const Record& record() const { return record_; }
  const Problem& problem() const { return problem_; }
  const Status& error() const { return error_; }
  // The header of the last block read (while records of a data block come: that block's).
  const BlockHeader& block() const { return block_; }
  // Blocks, records and problems so far; bytes: the bytes read from the source so far.
  const ReadSummary& summary() const { return summary_; }
  // Frees the read and decompression buffers (they are rebuilt if needed); definitions stay, so
  // records already delivered keep their site and thread.
  void release_buffers();

 private:
  enum class Step { again, record, problem, not_yet, end, error };
  Step read_block();
  Step scan_for_sync();
  bool outside_time_range(const BlockHeader& h) const;
  Step decode_record();  // the next record of the current block, in either encoding
  // A format 1 record (BlockKind::data) or a packed record (BlockKind::packed) into record_;
  // *keep false when the gate dropped it (its arguments are then not in record_).
  bool decode_v1(Cursor& c, bool* keep);
  bool decode_packed(Cursor& c, bool* keep);
  // Format 2.1: the extras table at the start of a packed_extras payload; false when malformed.
  bool decode_extras(Cursor& c, std::uint32_t record_count);
  void apply_extras();  // the extras of the record just decoded (the records_done_-th)
  // The offset of the first intact block header in [from, end of the buffered bytes), or 0.
  std::uint64_t find_block(std::uint64_t from) const;
  Step report(std::uint64_t at, std::uint64_t bytes, std::uint64_t lost, std::string message);
  // Makes file bytes [from, from + n) available in buf_ when the source has them; drops the bytes
  // before `from`. Returns the bytes available from `from` (less than n: no more for now).
  std::size_t fill(std::uint64_t from, std::size_t n);
  const std::byte* at(std::uint64_t offset) const { return buf_.data() + (offset - base_); }
  std::string decode_metadata(const std::byte* p, std::size_t n);
  // The decompressor for a zstd block naming `block_dictionary` (0: none).
  compress::ZstdDecompressor& zstd_for(std::uint32_t block_dictionary);

  std::string path_;
  std::unique_ptr<ByteSource> source_;
  bool growing_ = false;
  bool opened_ = false;
  std::int64_t since_ = INT64_MIN, until_ = INT64_MAX;
  FileHeader header_;

  // Read buffer: file bytes [base_, base_ + filled_) in buf_[0, filled_).
  std::vector<std::byte> buf_;
  std::uint64_t base_ = 0;
  std::size_t filled_ = 0;
  std::uint64_t pos_ = 0;  // the next block starts here
  static constexpr std::uint64_t kNoDamage = ~std::uint64_t{0};
  std::uint64_t damage_at_ = kNoDamage;  // resyncing: where the damaged region started
  std::uint64_t scan_at_ = 0;            // resyncing: no sync marker starts before this
  std::string damage_skip_;              // resyncing: the message when a marker is found
  std::string damage_tail_;              // resyncing: how the message starts when none is

  // The data block whose records are being delivered.
  BlockHeader block_;
  std::uint64_t block_at_ = 0;
  std::size_t block_size_ = 0;
  const std::byte* payload_ = nullptr;
  std::size_t payload_size_ = 0;
  std::size_t payload_pos_ = 0;
  std::uint32_t records_left_ = 0;
  std::uint32_t records_done_ = 0;
  bool in_data_ = false;
  bool packed_ = false;  // the block's records are packed (BlockKind::packed)
  std::int64_t ts_ = 0;
  std::uint64_t block_number_ = 0;       // resets the packed predictions of every site
  CallSiteInfo* packed_site_ = nullptr;  // the previous record's, within the block
  const ThreadInfo* packed_thread_ = nullptr;
  // Extras of the current packed_extras block: entries by record index, their context fields,
  // and each thread's context from its last context entry so far in the block.
  struct ExtrasEntry {
    std::uint32_t record = 0;
    std::uint8_t flags = 0;
    std::uint32_t context_begin = 0;
    std::uint32_t context_size = 0;
    std::uint64_t suppressed = 0;
  };
  bool has_extras_ = false;
  std::vector<ExtrasEntry> extras_;
  std::size_t next_extras_ = 0;
  std::vector<record::ContextEntry> context_fields_;
  std::unordered_map<const ThreadInfo*, std::pair<std::uint32_t, std::uint32_t>> thread_context_;

  bool header_from_metadata_ = false;  // the header was damaged: take it from EntryType::file_info
  bool has_open_problem_ = false;      // open() found damage, reported by the first next()
  Problem open_problem_;

  std::unordered_map<std::uint32_t, std::unique_ptr<CallSiteInfo>> sites_;
  std::unordered_map<std::uint32_t, std::unique_ptr<ThreadInfo>> threads_;
  // Definitions replaced by a later entry with the same id; kept so that Record::site and
  // Record::thread stay valid for the reader's whole life (within kMaxDefinitionBytes).
  std::vector<std::unique_ptr<CallSiteInfo>> retired_sites_;
  std::vector<std::unique_ptr<ThreadInfo>> retired_threads_;
  std::size_t definition_bytes_ = 0;
  compress::ZstdDecompressor zstd_;
  bool zstd_has_dictionary_ = false;  // once a dictionary is loaded into zstd_
  std::unique_ptr<compress::ZstdDecompressor> plain_zstd_;  // blocks without one, then
  std::vector<std::byte> scratch_;
  std::uint32_t dictionary_id_ = 0;  // of the dictionary loaded into zstd_, 0 for none
  PayloadFn payload_hook_;
  RecordGate* gate_ = nullptr;
  Record record_;
  Problem problem_;
  Status error_;
  ReadSummary summary_;
};

// Drives `reader` to the end of its file: records to on_record, problems to on_problem. A read
// error ends it early and is in the summary's `error`. A growing reader stops at not_yet.
ReadSummary read_to_end(BlockReader& reader, const std::function<void(const Record&)>& on_record,
                        const std::function<void(const Problem&)>& on_problem);

// The whole-file callback API: one BlockReader driven to the end of the file.
class FileReader {
 public:
  using RecordFn = std::function<void(const Record&)>;
  using ProblemFn = std::function<void(const Problem&)>;

  explicit FileReader(std::string path);
  // Opens the file and reads its header (BlockReader::open). Errors: cannot open or read
  // (Code::io_error), not a lynx file or damaged header (Code::corrupt), newer major version
  // (Code::unsupported).
  Status open();
  // Same as open(), for a file already in memory (tests, fuzzing). `path` names it in messages.
  Status open_bytes(std::vector<std::byte> bytes);
  // Same as open(), for any source (a pipe, standard input).
  Status open_source(std::unique_ptr<ByteSource> source);
  const FileHeader& header() const { return reader_->header(); }
  const std::string& path() const { return path_; }

  Status set_dictionary(const std::vector<std::byte>& dictionary) {
    return reader_->set_dictionary(dictionary);
  }
  using PayloadFn = BlockReader::PayloadFn;
  void set_payload_hook(PayloadFn hook) { reader_->set_payload_hook(std::move(hook)); }

  // Decodes every block in file order; records go to on_record, damage to on_problem. A read
  // error ends it early and is in the summary's `error`.
  ReadSummary read(const RecordFn& on_record, const ProblemFn& on_problem);

 private:
  std::string path_;
  std::unique_ptr<BlockReader> reader_;
};

}  // namespace lynx::format
