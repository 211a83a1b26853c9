// The producer side of contexts (lynx/context.hpp), control events (lynx/detail/control.hpp) and
// the cold parts of Logger's backtrace and rate limit. Runs on application threads: nothing here
// allocates, locks or makes a system call once the thread has its ring, except
// Context::capture() (a heap copy, documented) and what acquire_ring() does at registration.
//
// Each thread keeps its live context in a fixed area (ContextArea): frames, one per live Context
// or Restore, in construction order. Each frame is also sent to the backend as a context_push
// event and removed with a context_pop event; the area is what capture() copies and what a new
// ring (a restarted engine) or a lost event (a full ring under OnFull::drop) is resynchronised
// from. The backend keeps its own copy of each thread's frames (engine/thread_context.hpp).
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>

#include "lynx/context.hpp"
#include "lynx/detail/producer.hpp"

namespace lynx::detail {

namespace {

// Frame layout in the area: u32 size of the fields, u32 depth, the fields.
constexpr std::size_t kFrameHeader = 8;

struct ContextArea {
  std::uint32_t top = 0;     // bytes in use
  std::uint32_t frames = 0;  // live frames: the depth of the innermost
  std::byte bytes[kMaxContextBytes + 8 * kFrameHeader] = {};
};
constinit thread_local ContextArea t_area;

std::uint32_t get32(const std::byte* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}

// Writes a control event to `ring` (the calling thread's), waiting or dropping as a log call does.
bool write_control_to(Ring* ring, Control kind, std::uint32_t param, const void* payload,
                      std::size_t size) noexcept {
  // The payload's exact size first: the record's own size is rounded up to 8 bytes.
  const std::size_t bytes = align_record(sizeof(RecordHeader) + 4 + size);
  std::byte* p = bytes <= ring->max_record() ? ring->reserve(bytes) : nullptr;
  if (p == nullptr) {
    p = reserve_slow(ring, bytes, nullptr, 0);
    if (p == nullptr) return false;
    ring = tls_ring;  // the thread may have moved to a bigger ring
  }
  write_record_header(p, static_cast<std::uint32_t>(bytes), param,
                      &kControlSites[static_cast<std::size_t>(kind)], now_ticks());
  const auto size32 = static_cast<std::uint32_t>(size);
  std::memcpy(p + sizeof(RecordHeader), &size32, 4);
  if (size != 0) std::memcpy(p + sizeof(RecordHeader) + 4, payload, size);
  ring->commit(bytes);
  return true;
}

// States every live frame on `ring`: a pop of everything, then each frame's push.
bool replay_context(Ring* ring) noexcept {
  if (!write_control_to(ring, Control::context_pop, 1, nullptr, 0)) return false;
  for (std::uint32_t at = 0; at < t_area.top;) {
    const std::uint32_t size = get32(t_area.bytes + at);
    const std::uint32_t depth = get32(t_area.bytes + at + 4);
    if (!write_control_to(tls_ring, Control::context_push, depth, t_area.bytes + at + kFrameHeader,
                          size))
      return false;
    at += kFrameHeader + size;
  }
  return true;
}

void mark_stale(Ring* ring) noexcept {
  tls_context_stale = true;
  if (ring != nullptr) ring->force_slow_path();
}

std::atomic<double> g_ns_per_tick{1.0};

}  // namespace

Ring* acquire_ring_with_context() noexcept {
  Ring* ring = acquire_ring();
  if (ring != nullptr && (t_area.frames != 0 || tls_context_stale)) resync_context(ring);
  return tls_ring;
}

void resync_context(Ring* ring) noexcept {
  tls_context_stale = false;
  if (!replay_context(ring)) mark_stale(tls_ring);
}

bool write_control(Control kind, std::uint32_t param, const void* payload,
                   std::size_t size) noexcept {
  Ring* ring = tls_ring;
  if (ring == nullptr || ring->closed()) {
    ring = acquire_ring_with_context();
    if (ring == nullptr) return false;
    // A context event is already part of the replay a new ring gets.
    if (kind == Control::context_push || kind == Control::context_pop) return true;
  }
  return write_control_to(ring, kind, param, payload, size);
}

std::byte* context_begin(std::size_t size) noexcept {
  if (t_area.top + kFrameHeader + size > sizeof t_area.bytes ||
      t_area.top + size > kMaxContextBytes) {
    if (Ring* ring = tls_ring) ring->count_drop();
    return nullptr;
  }
  return t_area.bytes + t_area.top + kFrameHeader;
}

std::uint32_t context_commit(std::size_t size) noexcept {
  std::byte* frame = t_area.bytes + t_area.top;
  const auto size32 = static_cast<std::uint32_t>(size);
  const std::uint32_t depth = ++t_area.frames;
  std::memcpy(frame, &size32, 4);
  std::memcpy(frame + 4, &depth, 4);
  t_area.top += static_cast<std::uint32_t>(kFrameHeader + size);
  if (tls_context_stale) {
    if (Ring* ring = tls_ring; ring != nullptr && !ring->closed()) resync_context(ring);
  } else if (!write_control(Control::context_push, depth, frame + kFrameHeader, size)) {
    mark_stale(tls_ring);
  }
  return depth;
}

void context_pop(std::uint32_t depth) noexcept {
  // Frames go in reverse order of construction; a frame destroyed out of order takes the deeper
  // ones with it (they could not shadow it correctly any more).
  std::uint32_t at = 0;
  while (at < t_area.top && get32(t_area.bytes + at + 4) < depth)
    at += kFrameHeader + get32(t_area.bytes + at);
  t_area.top = at;
  t_area.frames = depth - 1;
  Ring* ring = tls_ring;
  if (ring == nullptr || ring->closed()) return;  // a new ring starts from the area
  if (tls_context_stale) {
    resync_context(ring);
  } else if (!write_control_to(ring, Control::context_pop, depth, nullptr, 0)) {
    mark_stale(tls_ring);
  }
}

const std::byte* context_fields(std::size_t* size) noexcept {
  *size = t_area.top;
  return t_area.bytes;
}

void count_suppressed_slow(Level level) noexcept {
  if (Ring* ring = acquire_ring_with_context())
    ring->count_suppressed(static_cast<unsigned>(level));
}

void set_ns_per_tick(double ns_per_tick) noexcept {
  if (ns_per_tick > 0) g_ns_per_tick.store(ns_per_tick, std::memory_order_relaxed);
}
std::uint64_t ticks_to_ns(std::uint64_t ticks) noexcept {
  return static_cast<std::uint64_t>(static_cast<double>(ticks) *
                                    g_ns_per_tick.load(std::memory_order_relaxed));
}

}  // namespace lynx::detail

namespace lynx {

Context::Snapshot Context::capture() {
  Snapshot s;
  std::size_t size = 0;
  const std::byte* area = detail::context_fields(&size);
  // The fields of every frame, without the frame headers: one frame when restored.
  for (std::size_t at = 0; at < size;) {
    const std::uint32_t n = detail::get32(area + at);
    s.bytes_.insert(s.bytes_.end(), area + at + detail::kFrameHeader,
                    area + at + detail::kFrameHeader + n);
    at += detail::kFrameHeader + n;
  }
  return s;
}

Context::Restore::Restore(const Snapshot& snapshot) noexcept {
  if (snapshot.bytes_.empty()) return;
  if (std::byte* p = detail::context_begin(snapshot.bytes_.size())) {
    std::memcpy(p, snapshot.bytes_.data(), snapshot.bytes_.size());
    depth_ = detail::context_commit(snapshot.bytes_.size());
  }
}

void Logger::enable_backtrace(std::uint32_t capacity, Level flush_level) noexcept {
  backtrace_flush_level_.store(static_cast<std::uint8_t>(flush_level));
  backtrace_capacity_.store(capacity);
  if (capacity != 0)
    special_.fetch_or(kBacktrace);
  else
    special_.fetch_and(static_cast<std::uint8_t>(~kBacktrace));
  refresh_gate();
}

void Logger::flush_backtrace() noexcept {
  if (backtrace_capacity() == 0) return;
  detail::write_control(detail::Control::backtrace_flush, id_, nullptr, 0);
}

void Logger::set_rate_limit(double records_per_second, std::uint32_t burst) noexcept {
  if (!(records_per_second > 0) || !std::isfinite(records_per_second)) {
    // Off. While records refused before still wait to be reported, the next record takes the
    // special path once more to carry the count (admit() lets everything through, and clears it).
    rate_interval_ns_.store(0);
    if (rate_suppressed_.load() == 0) special_.fetch_and(static_cast<std::uint8_t>(~kRateLimited));
    return;
  }
  const double interval = std::max(1.0, 1e9 / records_per_second);
  rate_interval_ns_.store(static_cast<std::uint64_t>(std::min(interval, 1e18)));
  rate_burst_.store(std::max<std::uint32_t>(burst, 1));
  rate_tat_ns_.store(0);
  special_.fetch_or(kRateLimited);
}

// GCRA (the token bucket as one timestamp): the bucket is full when tat <= now, and each record
// moves tat one interval on; a record is refused when tat would run more than burst - 1 intervals
// ahead of now. One CAS per admitted record.
bool Logger::admit(std::uint64_t ticks) const noexcept {
  const std::uint64_t now = detail::ticks_to_ns(ticks);
  const std::uint64_t interval = rate_interval_ns_.load(std::memory_order_relaxed);
  if (interval == 0) {  // the limit was removed: this record reports what is left, then off
    special_.fetch_and(static_cast<std::uint8_t>(~kRateLimited));
    return true;
  }
  const std::uint64_t tolerance = interval * (rate_burst_.load(std::memory_order_relaxed) - 1);
  std::uint64_t tat = rate_tat_ns_.load(std::memory_order_relaxed);
  for (;;) {
    const std::uint64_t base = std::max(tat, now);
    if (base - now > tolerance) return false;
    if (rate_tat_ns_.compare_exchange_weak(tat, base + interval, std::memory_order_relaxed))
      return true;
  }
}

}  // namespace lynx
