// Reader side of the file format: decodes one lynx file, block by block, tolerating damage.
// A damaged block (bad header or payload checksum, undecodable payload) is reported as a Problem and
// skipped by resyncing at the next sync marker; a cut-off tail is reported with its size. Memory
// use is bounded by the file size plus one block (kMaxBlockRawSize).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.hpp"
#include "compress/zstd_codec.hpp"
#include "format/file_header.hpp"
#include "format/format.hpp"
#include "format/template_parse.hpp"
#include "lynx/detail/arg_types.hpp"
#include "lynx/level.hpp"
#include "record/record_view.hpp"
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
  ParsedTemplate parsed;  // field names and fmt pattern

  // The record-model view of this site (valid while this object lives, unchanged).
  record::Site view() const {
    return record::Site{level, logger, file, line, function, format, types,
                        parsed.ok, parsed.names, parsed.fmt_pattern};
  }
};

struct ThreadInfo {
  std::uint32_t id = 0;
  std::uint64_t os_tid = 0;
  std::string name;
};

using record::Value;

// A decoded record. `site` and `thread` stay valid as long as the FileReader; `args[i].s` (string
// values) only during the callback that received the record.
struct Record {
  std::int64_t ts_ns = 0;
  const CallSiteInfo* site = nullptr;
  const ThreadInfo* thread = nullptr;
  std::vector<Value> args;
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
};

class FileReader {
 public:
  using RecordFn = std::function<void(const Record&)>;
  using ProblemFn = std::function<void(const Problem&)>;

  explicit FileReader(std::string path);
  // Reads the file and its header. Errors: cannot read (Code::io_error), not a lynx file or damaged
  // header (Code::corrupt), newer major version (Code::unsupported).
  Status open();
  // Same as open(), for a file already in memory (tests, fuzzing). `path` names it in messages.
  Status open_bytes(std::vector<std::byte> bytes);
  const FileHeader& header() const { return header_; }
  const std::string& path() const { return path_; }

  // A zstd dictionary for files whose blocks need one but that do not carry it themselves
  // (`lynx cat --dictionary`). A dictionary block inside the file takes precedence.
  Status set_dictionary(const std::vector<std::byte>& dictionary);

  // Called with every intact metadata and data block's decoded payload (e.g. to train a dictionary).
  using PayloadFn = std::function<void(BlockKind kind, const std::byte* payload, std::size_t size)>;
  void set_payload_hook(PayloadFn hook) { payload_hook_ = std::move(hook); }

  // Decodes every block in file order; records go to on_record, damage to on_problem.
  ReadSummary read(const RecordFn& on_record, const ProblemFn& on_problem);

 private:
  bool decode_metadata(const std::byte* p, std::size_t n);
  bool decode_data(const std::byte* p, std::size_t n, std::uint32_t count, std::int64_t first_ts,
                   const RecordFn& on_record, std::uint64_t* decoded);
  std::size_t find_sync(std::size_t from) const;
  // The decompressor for a zstd block naming `block_dictionary` (0: none).
  compress::ZstdDecompressor& zstd_for(std::uint32_t block_dictionary);

  std::string path_;
  std::vector<std::byte> bytes_;
  std::size_t header_size_ = 0;
  FileHeader header_;
  std::unordered_map<std::uint32_t, std::unique_ptr<CallSiteInfo>> sites_;
  std::unordered_map<std::uint32_t, std::unique_ptr<ThreadInfo>> threads_;
  // Definitions replaced by a later entry with the same id; kept so that Record::site and
  // Record::thread stay valid for the reader's whole life.
  std::vector<std::unique_ptr<CallSiteInfo>> retired_sites_;
  std::vector<std::unique_ptr<ThreadInfo>> retired_threads_;
  compress::ZstdDecompressor zstd_;
  bool zstd_has_dictionary_ = false;  // once a dictionary is loaded into zstd_
  std::unique_ptr<compress::ZstdDecompressor> plain_zstd_;  // blocks without one, then
  std::vector<std::byte> scratch_;
  std::uint32_t dictionary_id_ = 0;  // of the dictionary loaded into zstd_, 0 for none
  PayloadFn payload_hook_;
  Record record_;
};

}  // namespace lynx::format
