#include "tools/ship_dedup.hpp"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <limits>
#include <map>
#include <thread>

#include <xxhash.h>

#include "format/reader.hpp"

namespace lynx::tools {

namespace {

// A record of a file can be earlier than one before it by less than this (the backend merges
// threads by time): format::BlockReader::kTimeRangeSlack, in whole seconds of the `time` column.
constexpr std::int64_t kSlackSeconds =
    (format::BlockReader::kTimeRangeSlack + 999'999'999) / 1'000'000'000;

// Per source of a batch: its lowest and highest lynx_seq and its earliest time.
struct Span {
  std::uint64_t lo = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t hi = 0;
  std::int64_t min_time = std::numeric_limits<std::int64_t>::max();
};

std::map<std::uint64_t, Span> spans(const std::vector<ShipRow>& ids) {
  std::map<std::uint64_t, Span> out;
  for (const ShipRow& id : ids) {
    Span& s = out[id.source];
    s.lo = std::min(s.lo, id.seq);
    s.hi = std::max(s.hi, id.seq);
    s.min_time = std::min(s.min_time, id.time);
  }
  return out;
}

// Removes from the batch the rows `held` lists (sorted lynx_seq per source); returns how many.
template <typename Held>
std::size_t drop_rows_in(const Held& held, fmt::memory_buffer* rows, std::vector<ShipRow>* ids) {
  return keep_rows(rows, ids, [&](const ShipRow& id) {
    const auto it = held.find(id.source);
    return it == held.end() || !std::binary_search(it->second.begin(), it->second.end(), id.seq);
  });
}

}  // namespace

ShipDedup::ShipDedup(HttpClient& http, std::string table, std::string_view shipper)
    : http_(http), table_(std::move(table)) {
  prefix_ = fmt::format("lynx-ship-{:016x}-", XXH3_64bits(shipper.data(), shipper.size()));
}

std::string ShipDedup::next_query_id() {
  return fmt::format("{}{}-{}", prefix_, ::getpid(), ++inserts_);
}

Status ShipDedup::wait_quiet() {
  if (!processes_readable_) return Status();
  // The prefix is hex digits and '-': nothing LIKE would read as a wildcard.
  const std::string sql =
      "SELECT count() FROM system.processes WHERE query_id LIKE '" + prefix_ + "%'";
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    std::string answer;
    const Status s = http_.post(sql, "", "", &answer);
    if (s.code() == Status::Code::invalid_argument) {
      processes_readable_ = false;  // e.g. a user without access to system tables
      return Status();
    }
    if (!s.ok()) return s;
    if (std::strtoull(answer.c_str(), nullptr, 10) == 0) return Status();
    // Still waiting: say so (the caller reports it and asks again after its backoff).
    if (std::chrono::steady_clock::now() > give_up) {
      return Status::error(Status::Code::unavailable,
                           "an INSERT of this shipper is still running on the server "
                           "(system.processes, query_id " +
                               prefix_ + "...)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

Status ShipDedup::held(std::uint64_t source, std::uint64_t from, std::uint64_t to,
                       std::int64_t min_time, std::vector<std::uint64_t>* seqs) {
  seqs->clear();
  std::string sql = fmt::format(
      "SELECT lynx_seq FROM {} WHERE time >= toDateTime({}) AND lynx_source = {} AND lynx_seq >= "
      "{}",
      table_, std::max<std::int64_t>(min_time, 0), source, from);
  if (to != std::numeric_limits<std::uint64_t>::max())
    sql += fmt::format(" AND lynx_seq <= {}", to);
  sql += " FORMAT TabSeparated";
  // Whatever the user's profile says: a shard that cannot be reached is an error (retried), not
  // an empty answer, and the answer is never cut short; either would send held rows again.
  std::string answer;
  if (Status s = http_.post(sql, "skip_unavailable_shards=0&max_result_rows=0", "", &answer);
      !s.ok()) {
    return s;
  }
  const char* p = answer.c_str();
  while (*p != '\0') {
    char* end = nullptr;
    const std::uint64_t v = std::strtoull(p, &end, 10);
    if (end == p) {
      return Status::error(
          Status::Code::invalid_argument,
          "ClickHouse answered something else than lynx_seq values: " + answer.substr(0, 200));
    }
    seqs->push_back(v);
    p = end;
    while (*p == '\n') ++p;
  }
  std::sort(seqs->begin(), seqs->end());
  return Status();
}

Status ShipDedup::drop_known(fmt::memory_buffer* rows, std::vector<ShipRow>* ids,
                             std::uint64_t* dropped) {
  const auto batch = spans(*ids);
  for (const auto& [source, span] : batch) {
    if (seen_.contains(source)) continue;
    // Everything from the file's first unshipped row on, not only this batch's rows: an older
    // checkpoint can be many batches behind what the table holds.
    std::vector<std::uint64_t> seqs;
    if (Status s = held(source, span.lo, std::numeric_limits<std::uint64_t>::max(),
                        span.min_time - kSlackSeconds, &seqs);
        !s.ok()) {
      return s;
    }
    seen_.insert(source);
    if (!seqs.empty()) known_[source] = std::move(seqs);
  }
  if (known_.empty()) return Status();
  *dropped += drop_rows_in(known_, rows, ids);
  // Rows are read in file order: once a batch reached a source's last held row, later batches
  // hold none of them.
  for (const auto& [source, span] : batch) {
    const auto it = known_.find(source);
    if (it != known_.end() && span.hi >= it->second.back()) known_.erase(it);
  }
  return Status();
}

Status ShipDedup::drop_held(fmt::memory_buffer* rows, std::vector<ShipRow>* ids,
                            std::uint64_t* dropped) {
  std::map<std::uint64_t, std::vector<std::uint64_t>> found;
  for (const auto& [source, span] : spans(*ids)) {
    std::vector<std::uint64_t> seqs;
    if (Status s = held(source, span.lo, span.hi, span.min_time, &seqs); !s.ok()) return s;
    if (!seqs.empty()) found[source] = std::move(seqs);
  }
  if (found.empty()) return Status();
  *dropped += drop_rows_in(found, rows, ids);
  return Status();
}

}  // namespace lynx::tools
