// Per-thread single-producer/single-consumer byte ring. One application thread writes records;
// the backend thread reads them. HOT PATH on the producer side: reserve()/commit() are inline,
// noexcept, allocation-free and lock-free; a full ring is a nullptr return, not an exception.
//
// Invariants
// - capacity_ is a power of two; positions are unbounded byte counters (offset = pos & mask_).
// - Every record starts at an 8-byte aligned offset with a u32 size (a multiple of 8). A record
//   never wraps: when it does not fit before the end, the producer writes a padding marker
//   (size == kPadding) at the current offset and the record starts at offset 0.
// - read_pos_ <= write_pos_ <= read_pos_ + capacity_.
// - Field groups are separated by 64 bytes so that producer-written, consumer-written and
//   read-mostly fields never share a cache line.
// - A thread's rings form a chain (next()): a thread whose ring is too small moves to a bigger
//   one (engine/lifecycle.cpp, reserve_slow) and links it as the old ring's successor; it never
//   writes to the old ring again. The backend drains the old ring to its end before it reads the
//   successor, so the thread's records stay in program order.
#pragma once

#include <atomic>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lynx::detail {

struct CallSite;

// What the producer writes in front of each record's argument bytes. Read it only through the
// accessors below (the layout is the producer's business; the backend needs the four values).
struct RecordHeader {
  std::uint32_t size;  // whole record incl. header, multiple of 8; kPadding = skip to ring end
  std::uint32_t logger_id;
  const CallSite* site;
  std::uint64_t ticks;  // raw timestamp (TSC on x86-64)
};
static_assert(sizeof(RecordHeader) == 24);

inline constexpr std::uint32_t kPadding = 0;
inline constexpr std::size_t kRecordAlign = 8;
inline constexpr std::size_t kMaxRecord = 8u << 20;
// No engine creates a smaller ring (engine/engine_impl.cpp clamps Options::buffer_bytes to it), so
// every record with only fixed-size arguments (at most 24 + 64 * 8 bytes) is below max_record()
// and the producer need not compare against it.
inline constexpr std::size_t kMinRingBytes = 4096;

constexpr std::size_t align_record(std::size_t n) noexcept {
  return (n + kRecordAlign - 1) & ~(kRecordAlign - 1);
}

// ---- record header access (producer writes, backend reads) ----

inline void write_record_header(std::byte* p, std::uint32_t size, std::uint32_t logger_id,
                                const CallSite* site, std::uint64_t ticks) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    // One 8-byte store for size and logger id (size first, where peek() reads it).
    const std::uint64_t word0 = size | (std::uint64_t{logger_id} << 32);
    std::memcpy(p, &word0, sizeof word0);
  } else {
    std::memcpy(p + offsetof(RecordHeader, size), &size, sizeof size);
    std::memcpy(p + offsetof(RecordHeader, logger_id), &logger_id, sizeof logger_id);
  }
  std::memcpy(p + offsetof(RecordHeader, site), &site, sizeof site);
  std::memcpy(p + offsetof(RecordHeader, ticks), &ticks, sizeof ticks);
}
inline std::uint32_t record_size(const std::byte* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p + offsetof(RecordHeader, size), sizeof v);
  return v;
}
inline std::uint32_t record_logger_id(const std::byte* p) noexcept {
  std::uint32_t v;
  std::memcpy(&v, p + offsetof(RecordHeader, logger_id), sizeof v);
  return v;
}
inline const CallSite* record_site(const std::byte* p) noexcept {
  const CallSite* v;
  std::memcpy(&v, p + offsetof(RecordHeader, site), sizeof v);
  return v;
}
inline std::uint64_t record_ticks(const std::byte* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p + offsetof(RecordHeader, ticks), sizeof v);
  return v;
}
// The argument bytes of a record and their length.
inline const std::byte* record_args(const std::byte* p) noexcept {
  return p + sizeof(RecordHeader);
}
inline std::size_t record_args_size(const std::byte* p) noexcept {
  return record_size(p) - sizeof(RecordHeader);
}

class Ring {
 public:
  // `storage` holds `capacity` bytes (a power of two >= 64), aligned to 64. Owned by the pool
  // (engine/ring_pool.cpp maps and unmaps it).
  Ring(std::byte* storage, std::size_t capacity) noexcept
      : data_(storage),
        capacity_(capacity),
        mask_(capacity - 1),
        max_record_(capacity / 2 < kMaxRecord ? capacity / 2 : kMaxRecord) {}
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // ---- producer side ----

  // Space for a record of `n` bytes (n = align_record(...), n <= max_record()), or nullptr when
  // the ring is full. Pair with commit(n).
  std::byte* reserve(std::size_t n) noexcept {
    std::uint64_t pos = write_local_;
    std::size_t offset = pos & mask_;
    const std::size_t to_end = capacity_ - offset;
    const std::size_t need = n <= to_end ? n : to_end + n;
    if (pos + need - cached_read_ > capacity_) {
      // Pairs with the consumer's release in publish_read(): the bytes it gave back are free.
      cached_read_ = read_pos_.load(std::memory_order_acquire);
      if (pos + need - cached_read_ > capacity_) return nullptr;
    }
    if (n > to_end) {
      const std::uint32_t pad = kPadding;
      std::memcpy(data_ + offset, &pad, sizeof pad);
      pos += to_end;
      offset = 0;
    }
    reserved_pos_ = pos;
    // Until the next reserve(), try_write() may go up to the end of this lap or the last known
    // free byte, whichever comes first.
    const std::uint64_t lap_end = (pos & ~static_cast<std::uint64_t>(mask_)) + capacity_;
    const std::uint64_t free_end = cached_read_ + capacity_;
    fast_limit_ = lap_end < free_end ? lap_end : free_end;
    return data_ + offset;
  }

  // The log call's fast path, reserve + write + commit in one: when n bytes fit below
  // fast_limit_ (before the end of the ring and inside the space already known to be free), calls
  // write(space) and publishes the record; otherwise returns false and the caller goes through
  // reserve() (which wraps, re-reads the consumer's position and renews fast_limit_). The new
  // write position stays in a register across write(), whose byte stores may alias anything.
  template <class Write>
  bool try_write(std::size_t n, Write&& write) noexcept {
    const std::uint64_t pos = write_local_;
    const std::uint64_t end = pos + n;
    if (end > fast_limit_) return false;
    write(data_ + (pos & mask_));
    write_local_ = end;
    // Pairs with the consumer's acquire in snapshot(), as in commit().
    write_pos_.store(end, std::memory_order_release);
    return true;
  }

  // Publishes the record written into the last reserve(). Pairs with the consumer's acquire in
  // peek(): the record's bytes are visible before the new write position is.
  void commit(std::size_t n) noexcept {
    write_local_ = reserved_pos_ + n;
    write_pos_.store(write_local_, std::memory_order_release);
  }

  std::size_t capacity() const noexcept { return capacity_; }
  std::byte* storage() const noexcept { return data_; }

  // Bounded so that one record always fits a file block (format::kMaxBlockRawSize).
  std::size_t max_record() const noexcept { return max_record_; }

  // Records this thread dropped (OnFull::drop or a record too big for the ring). Producer-written,
  // backend-read; relaxed is enough for a counter that is reported, not synchronised on.
  void count_drop() noexcept {
    dropped_.store(dropped_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }
  // The same, for a record of `site` and logger `logger_id`: counted per (site, logger) in the
  // first kDropSlots pairs that drop, so the backend's notice names them (engine/backend.cpp).
  // The slot first, then the total (release): a backend that sees the total sees the slot.
  void count_drop(const CallSite* site, std::uint32_t logger_id) noexcept {
    for (DropSlot& slot : drop_slots_) {
      const CallSite* s = slot.site.load(std::memory_order_relaxed);
      if (s == nullptr) {
        slot.logger.store(logger_id, std::memory_order_relaxed);
        slot.site.store(site, std::memory_order_release);
        s = site;
      }
      if (s == site && slot.logger.load(std::memory_order_relaxed) == logger_id) {
        slot.count.store(slot.count.load(std::memory_order_relaxed) + 1, std::memory_order_release);
        break;
      }
    }
    count_drop();
  }
  static constexpr int kDropSlots = 4;
  // Consumer: slot `i`'s pair and count (site nullptr: unused yet).
  const CallSite* drop_site(int i) const noexcept {
    return drop_slots_[i].site.load(std::memory_order_acquire);
  }
  std::uint32_t drop_logger(int i) const noexcept {
    return drop_slots_[i].logger.load(std::memory_order_relaxed);
  }
  std::uint64_t drop_count(int i) const noexcept {
    return drop_slots_[i].count.load(std::memory_order_acquire);
  }
  // Records this thread did not log because a sampled site or a rate limit suppressed them, per
  // level (Stats::records_suppressed). Producer-written, backend-read, like dropped_.
  void count_suppressed(unsigned level) noexcept {
    std::atomic<std::uint64_t>& c = suppressed_[level < kLevels ? level : kLevels - 1];
    c.store(c.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }
  // The next try_write() fails, so the next log call takes its cold path (LogCall::log_slow),
  // where the thread resynchronises its context after a context event could not be written.
  void force_slow_path() noexcept { fast_limit_ = 0; }

  // ---- consumer side (backend thread only) ----

  // The next committed record, or nullptr when the ring is empty up to `limit` (a write position
  // snapshot taken with snapshot()). Skips padding.
  const std::byte* peek(std::uint64_t limit) noexcept {
    while (read_local_ < limit) {
      const std::size_t offset = read_local_ & mask_;
      std::uint32_t size;
      std::memcpy(&size, data_ + offset, sizeof size);
      if (size != kPadding) return data_ + offset;
      read_local_ += capacity_ - offset;
    }
    return nullptr;
  }
  // Pairs with commit(): every record committed before this load is readable.
  std::uint64_t snapshot() noexcept { return write_pos_.load(std::memory_order_acquire); }
  void advance(std::size_t n) noexcept { read_local_ += n; }
  // Bytes consumed so far (advance()d), published or not.
  std::uint64_t read_position() const noexcept { return read_local_; }
  // Gives consumed bytes back to the producer. Pairs with the acquire in reserve(). Needed only
  // once per batch of records, but often enough that a producer waiting for room gets it.
  void publish_read() noexcept { read_pos_.store(read_local_, std::memory_order_release); }
  bool empty_up_to(std::uint64_t limit) const noexcept { return read_local_ >= limit; }
  std::uint64_t dropped() const noexcept { return dropped_.load(std::memory_order_acquire); }
  std::uint64_t suppressed(unsigned level) const noexcept {
    return suppressed_[level].load(std::memory_order_relaxed);
  }
  static constexpr unsigned kLevels = 6;  // trace .. critical

  // ---- lifecycle (cold) ----

  // Set by the engine when it stops; the producer then drops its ring and asks for a new one.
  bool closed() const noexcept { return closed_.load(std::memory_order_relaxed); }
  void close() noexcept { closed_.store(true, std::memory_order_release); }

  // Two owners: the producer thread and the engine. Whoever drops the last reference frees the
  // ring (see engine/ring_pool.cpp). refs() == 1 while the engine holds it means the thread is
  // gone.
  std::atomic<int>& refs() noexcept { return refs_; }

  // Reset for reuse by a new thread or as a successor (engine only, when no producer holds it).
  void reset() noexcept {
    write_local_ = reserved_pos_ = cached_read_ = fast_limit_ = 0;
    write_pos_.store(0, std::memory_order_relaxed);
    read_local_ = 0;
    read_pos_.store(0, std::memory_order_relaxed);
    dropped_.store(0, std::memory_order_relaxed);
    for (DropSlot& slot : drop_slots_) {
      slot.site.store(nullptr, std::memory_order_relaxed);
      slot.count.store(0, std::memory_order_relaxed);
    }
    for (auto& c : suppressed_) c.store(0, std::memory_order_relaxed);
    closed_.store(false, std::memory_order_relaxed);
    finished_.store(false, std::memory_order_relaxed);
    final_drops_ = 0;
    next_.store(nullptr, std::memory_order_relaxed);
  }

  // Exact accounting at stop (engine/lifecycle.cpp). The backend, after its last pass over this
  // closed ring, says how many of its drops it reported (release; pairs with finished()). The
  // producer then counts what it committed or dropped after that pass: records_unread() and
  // dropped() - final_drops().
  void finish(std::uint64_t drops_reported) noexcept {
    final_drops_ = drops_reported;
    finished_.store(true, std::memory_order_release);
  }
  bool finished() const noexcept { return finished_.load(std::memory_order_acquire); }
  std::uint64_t final_drops() const noexcept { return final_drops_; }
  // Producer, once finished(): records committed that the backend never took.
  std::uint64_t records_unread() const noexcept {
    std::uint64_t n = 0;
    for (std::uint64_t pos = read_pos_.load(std::memory_order_acquire); pos < write_local_;) {
      const std::size_t offset = pos & mask_;
      std::uint32_t size;
      std::memcpy(&size, data_ + offset, sizeof size);
      if (size == kPadding) {
        pos += capacity_ - offset;
      } else {
        pos += size;
        ++n;
      }
    }
    return n;
  }

  // The ring this thread moved to when this one was too small, or nullptr. Set once by the
  // producer (release, before it lets go of this ring); read by the backend (acquire) once this
  // ring is drained, so every record committed here is visible before the successor is read.
  Ring* next() const noexcept { return next_.load(std::memory_order_acquire); }
  void set_next(Ring* ring) noexcept { next_.store(ring, std::memory_order_release); }

  // Set at registration (cold) or copied to a successor, read by the backend.
  std::uint64_t os_tid = 0;
  std::uint32_t shard = 0;
  bool block_when_full = true;
  char thread_name[16] = {};
  // Cold, producer side: the largest ring this thread may move to (Options::buffer_bytes), and the
  // engine the ring belongs to (compared, never dereferenced, by the producer's cold path).
  std::size_t max_capacity = 0;
  const void* owner = nullptr;

 private:
  // Read-mostly: written at construction, once at close, once when the thread moves on (next_).
  std::byte* const data_;
  const std::size_t capacity_;
  const std::size_t mask_;
  const std::size_t max_record_;  // computed once: the log call compares against it
  std::atomic<bool> closed_{false};
  std::atomic<bool> finished_{false};
  std::uint64_t final_drops_ = 0;  // written before finished_ (release)
  std::atomic<int> refs_{0};
  std::atomic<Ring*> next_{nullptr};

  // Producer-written.
  alignas(64) std::atomic<std::uint64_t> write_pos_{0};
  std::uint64_t write_local_ = 0;
  std::uint64_t reserved_pos_ = 0;
  std::uint64_t cached_read_ = 0;
  std::uint64_t fast_limit_ = 0;  // try_write() bound, set by reserve(); 0 = "call reserve()"
  std::atomic<std::uint64_t> dropped_{0};
  struct DropSlot {
    std::atomic<const CallSite*> site{nullptr};
    std::atomic<std::uint32_t> logger{0};
    std::atomic<std::uint64_t> count{0};
  };
  DropSlot drop_slots_[kDropSlots];
  std::atomic<std::uint64_t> suppressed_[kLevels] = {};

  // Consumer-written.
  alignas(64) std::atomic<std::uint64_t> read_pos_{0};
  std::uint64_t read_local_ = 0;
};

}  // namespace lynx::detail
