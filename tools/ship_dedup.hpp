// Exactly once at insert time for `lynx ship` (docs/fleet.md, "Exactly once"): before a row is
// sent whose fate is uncertain, ask the table whether it already holds it, and send only the rows
// it does not. Every row carries its identity (lynx_source, lynx_seq: tools/ship_table.hpp), so
// "does the table hold it" is a SELECT of lynx_seq for a lynx_source over a range of lynx_seq,
// restricted by time so that the day partitions and the parts' min-max index of `time` prune the
// scan. ClickHouse 18.16 has no insert deduplication token for non-Replicated tables; this is the
// equivalent, and it also covers an insert into a Distributed table that some shards applied and
// others did not.
//
// Uncertain are:
//   - at startup, the rows of every file beyond its checkpoint (the last run may have been killed
//     after the server acknowledged a batch and before the checkpoint's rename; the checkpoint
//     may even be an older copy): the first batch that holds rows of a file asks for every row of
//     that file the table holds from there on, and later batches skip them too;
//   - after an insert that failed (a timeout, a dropped connection, an error of the server): the
//     server may have applied it, in whole or, through a Distributed table, in part; the retry
//     asks for the batch's own rows first.
// Before asking, it waits until the server runs no INSERT of this shipper any more (every INSERT
// has a query_id with a prefix of this shipper's: system.processes shows the ones in flight), so
// that an insert still being written cannot be missed by the SELECT and then sent twice.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>

#include "base/status.hpp"
#include "tools/ship_http.hpp"
#include "tools/ship_source.hpp"

namespace lynx::tools {

class ShipDedup {
 public:
  // `table`: the table the rows go to (a Distributed table asks all its shards); `shipper`: what
  // names this shipper among others (host and checkpoint path), for its query ids.
  ShipDedup(HttpClient& http, std::string table, std::string_view shipper);

  // A new query_id for an INSERT, e.g. "lynx-ship-0123456789abcdef-4711-17".
  std::string next_query_id();

  // Waits (polling every 100 ms) while the server runs an INSERT with this shipper's prefix.
  // Code::unavailable when the server cannot be asked, or after 10 s of waiting (retry later: the
  // caller reports it); a server that does not let us read system.processes is not waited for.
  Status wait_quiet();

  // Removes from the batch the rows the table is known to hold, first asking the server about
  // every source seen for the first time in this run (from its first row in the batch on).
  // *dropped counts the rows removed.
  Status drop_known(fmt::memory_buffer* rows, std::vector<ShipRow>* ids, std::uint64_t* dropped);

  // After a failed insert of this batch: asks the server which of its rows it holds and removes
  // them. *dropped counts them.
  Status drop_held(fmt::memory_buffer* rows, std::vector<ShipRow>* ids, std::uint64_t* dropped);

 private:
  // The lynx_seq of `source` in [from, to] with time >= min_time that the table holds, sorted.
  Status held(std::uint64_t source, std::uint64_t from, std::uint64_t to, std::int64_t min_time,
              std::vector<std::uint64_t>* seqs);

  HttpClient& http_;
  std::string table_;
  std::string prefix_;  // of the query ids
  std::uint64_t inserts_ = 0;
  bool processes_readable_ = true;
  std::unordered_set<std::uint64_t> seen_;  // sources asked about in this run
  std::unordered_map<std::uint64_t, std::vector<std::uint64_t>> known_;  // held, not yet passed
};

// Keeps the rows of the batch for which keep(id) is true (in order); returns how many it removed.
template <typename Keep>
std::size_t keep_rows(fmt::memory_buffer* rows, std::vector<ShipRow>* ids, Keep keep) {
  fmt::memory_buffer out;
  std::vector<ShipRow> out_ids;
  std::size_t begin = 0;
  for (ShipRow id : *ids) {
    const std::size_t end = id.end;
    if (keep(id)) {
      out.append(rows->data() + begin, rows->data() + end);
      id.end = out.size();
      out_ids.push_back(id);
    }
    begin = end;
  }
  const std::size_t removed = ids->size() - out_ids.size();
  if (removed != 0) {
    *rows = std::move(out);
    *ids = std::move(out_ids);
  }
  return removed;
}

}  // namespace lynx::tools
