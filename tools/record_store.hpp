// Records kept after their reader has moved on: the merge's reorder windows (log_source.hpp) and
// the follower's batches (follow.hpp) hold tens of thousands of them between decoding and
// printing.
//
// What must hold: a record loaded back is the record that was put in (every value, string byte,
// context entry and extra), until it is dropped; memory is what the held records need, in a few
// chunks.
//
// Why compact: a window of 65,536 records held as decoded values (64 bytes each, strings and
// context in vectors of their own) took about 60 MB per 2 shards, far beyond the caches, and
// every record was written when read and read again a window later: cache misses were 40% of
// `lynx cat`'s time. Here a record is one piece of bytes, appended in arrival order to the current
// chunk: a header, then each value as its kind and its payload only (an integer: 9 bytes; a
// string: its bytes inline), then its context. Loading expands it into Values again, into storage
// the caller reuses. Chunks are recycled once no record in them is held.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "format/reader.hpp"
#include "record/context.hpp"
#include "record/value.hpp"

namespace lynx::tools {

class RecordStore {
 public:
  // A held record's header (its values follow it in the chunk).
  struct Held {
    std::int64_t ts_ns = 0;
    std::int64_t order_ns = 0;  // the merge's effective timestamp
    const format::CallSiteInfo* site = nullptr;
    const format::ThreadInfo* thread = nullptr;
    std::uint64_t suppressed = 0;
    std::uint64_t tag = 0;      // the caller's (the number of the file it came from)
    std::uint32_t chunk = 0;    // where it is held
    std::uint32_t size = 0;     // its bytes, header included
    std::uint32_t context = 0;  // counts of what follows (a crafted block can give a record
    std::uint16_t values = 0;   // many context fields; a site has at most kMaxCallSiteArgs values)
    bool backtrace = false;
  };

  // The storage a loaded record's values and context are expanded into; reused by every load.
  struct Loaded {
    std::vector<record::Value> values;
    std::vector<record::ContextEntry> context;
  };

  RecordStore() = default;
  RecordStore(const RecordStore&) = delete;
  RecordStore& operator=(const RecordStore&) = delete;

  // What put() copies in.
  struct Source {
    std::int64_t ts_ns = 0;
    const format::CallSiteInfo* site = nullptr;
    const format::ThreadInfo* thread = nullptr;
    std::span<const record::Value> values;
    std::span<const record::ContextEntry> context;
    std::uint64_t suppressed = 0;
    bool backtrace = false;
  };
  // Copies `r` (its values' and context's bytes too) in; valid until drop() or clear().
  const Held* put(const Source& r, std::int64_t order_ns, std::uint64_t tag);
  const Held* put(const format::Record& r, std::int64_t order_ns, std::uint64_t tag) {
    return put(Source{r.ts_ns, r.site, r.thread, r.args, r.context, r.suppressed, r.backtrace},
               order_ns, tag);
  }
  // Copies a record held in this or another store in as it is (its bytes are position-free):
  // what the pipeline's batches take from the merge's window without expanding it.
  const Held* copy(const Held& h, std::uint64_t tag);
  // Expands `h`'s values and context into `out`: string values point into the store, valid until
  // `h` is dropped.
  static void load(const Held& h, Loaded* out);
  // The record is no longer held; its chunk is recycled when none of its records is.
  void drop(const Held* h);
  // Drops every record at once (the chunks stay for reuse).
  void clear();

  // The bytes of the records held (what a window counts against its limit).
  std::size_t bytes() const { return bytes_; }
  std::size_t held() const { return held_; }
  // The bytes of the chunks allocated (held records, room and chunks kept for reuse).
  std::size_t capacity() const;

 private:
  static constexpr std::size_t kChunkSize = 256u << 10;
  struct Chunk {
    std::unique_ptr<std::byte[]> data;
    std::size_t capacity = 0;
    std::size_t used = 0;
    std::size_t live = 0;  // records held in it
  };
  // A chunk with room for `size` bytes: the current one, else a recycled or a new one.
  Chunk& room_for(std::size_t size);
  // Room for a record of `size` bytes in the current chunk, counted as held (its chunk is
  // current_); the caller writes the record there.
  std::byte* claim(std::size_t size);

  std::vector<Chunk> chunks_;
  std::vector<std::uint32_t> spare_;  // chunks holding nothing, ready for reuse
  std::uint32_t current_ = 0;
  std::size_t bytes_ = 0;
  std::size_t held_ = 0;
};

}  // namespace lynx::tools
