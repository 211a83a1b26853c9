// The ClickHouse table of `lynx ship` (docs/fleet.md): its CREATE TABLE statements and one record
// as a JSONEachRow line. Works with ClickHouse 18.16 (Debian 12: no DateTime64, no Map, no
// insert_deduplication_token) and current versions.
//
// Exactly once: every row carries its identity, lynx_source (a hash of the host, the file's name,
// creation time and pid) and lynx_seq (the record's index in its file). Before rows whose fate is
// uncertain are sent again, the shipper asks the table which of them it holds
// (tools/ship_dedup.hpp) and sends only the others. The identity is also the end of the sorting
// key of a ReplacingMergeTree, the safety net for what that cannot see (docs/fleet.md): identical
// copies collapse when parts merge. A Distributed table shards by the same identity, so that both
// copies of a row land on the same shard.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "record/record_view.hpp"
#include "render/render.hpp"

namespace lynx::tools {

// CREATE TABLE for `table`; with a `cluster`, `<table>_local` on every server of it plus the
// Distributed `<table>` over them (statements separated by ";\n\n").
std::string ship_schema(std::string_view table, std::string_view cluster);

// What a row needs beyond the record.
struct RowSource {
  std::string_view host;
  std::string_view program;
  std::uint64_t source = 0;  // lynx_source
};

class RowEncoder {
 public:
  // Appends one JSONEachRow line (ending in '\n') for `r`, the `seq`-th record of its file.
  void row(fmt::memory_buffer& out, const record::RecordView& r, const RowSource& src,
           std::uint64_t seq);

 private:
  render::Renderer renderer_;
  fmt::memory_buffer text_;
  fmt::memory_buffer json_;
  fmt::memory_buffer name_;
};

// lynx_source of a file: xxh3 of host, file name, creation time and pid.
std::uint64_t ship_source_id(std::string_view host, std::string_view file_name,
                             std::int64_t created_unix_ns, std::uint32_t pid);

}  // namespace lynx::tools
