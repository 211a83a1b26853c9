#include "engine/backend.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <functional>
#include <thread>

#include "engine/file_clock.hpp"
#include "engine/file_sink.hpp"
#include "engine/logger_registry.hpp"
#include "engine/sink_factory.hpp"
#include "engine/steady_clock.hpp"
#include "lynx/detail/clock.hpp"
#include "lynx/detail/control.hpp"

namespace lynx::detail {

namespace {

// Engine notices are ordinary records of logger "lynx", so they decode like everything else.
// A drop notice names the level, logger and call site of the records dropped (those of the first
// Ring::kDropSlots pairs that drop on a ring; the rest are counted without a name), in the
// singular for one record.
constexpr ArgType kCountType[] = {ArgType::u64};
constexpr CallSite kDropNotice{
    "{count} records dropped", "lynx", "backend", 0, Level::warn, 1, kCountType, {}};
constexpr CallSite kDropNoticeOne{
    "{count} record dropped", "lynx", "backend", 0, Level::warn, 1, kCountType, {}};
constexpr ArgType kDropSiteTypes[] = {ArgType::u64, ArgType::string, ArgType::string,
                                      ArgType::string, ArgType::u32};
constexpr CallSite kDropSiteNotice{
    "{count} records dropped: {level} of logger {logger} at {file}:{line}",
    "lynx",
    "backend",
    0,
    Level::warn,
    5,
    kDropSiteTypes,
    {}};
constexpr CallSite kDropSiteNoticeOne{
    "{count} record dropped: {level} of logger {logger} at {file}:{line}",
    "lynx",
    "backend",
    0,
    Level::warn,
    5,
    kDropSiteTypes,
    {}};

void append_bytes(std::vector<std::byte>& out, const void* p, std::size_t n) {
  const std::size_t at = out.size();
  out.resize(at + n);
  if (n != 0) std::memcpy(out.data() + at, p, n);
}
void append_string(std::vector<std::byte>& out, std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  append_bytes(out, &n, sizeof n);
  append_bytes(out, s.data(), s.size());
}
template <class T>
void append_value(std::vector<std::byte>& out, T v) {
  append_bytes(out, &v, sizeof v);
}

}  // namespace

Backend::Backend(EngineShared& shared) : Backend(shared, {}) {
  if (shared_.options.binary)
    sinks_.push_back(std::make_unique<FileSink>(shared_.options, clock_, shared_.stats));
  add_formatted_sinks(shared_, sinks_);  // text, JSON, console (engine/sink_factory.hpp)
  only_sink_ = sinks_.size() == 1 ? sinks_[0].get() : nullptr;
}

Backend::Backend(EngineShared& shared, std::vector<std::unique_ptr<Sink>> sinks)
    : shared_(shared), sinks_(std::move(sinks)) {
  clock_.start();
  set_ns_per_tick(clock_.ns_per_tick());
  if (!clock_.reliable()) {
    std::fprintf(stderr,
                 "lynx: the TSC is not invariant on this CPU; timestamps may drift by up to "
                 "a few microseconds between recalibrations\n");
  }
  backend_thread_.index = shared_.next_thread_index.fetch_add(1);
  backend_thread_.name = "lynx-backend";
  if (sinks_.size() == 1) only_sink_ = sinks_[0].get();
  Redactor redactor(shared_.options.redact_fields, shared_.options.redact_patterns);
  if (redactor.active()) {
    redactor_ = std::make_unique<RecordRedactor>(
        std::move(redactor),
        [this](const SiteEntry& base, const CallSite* site) -> const SiteEntry& {
          return derived_site(base, site);
        });
  }
}

namespace {

// Drops the engine's reference to `ring` and to every successor it links (the engine holds one
// reference to each ring of a chain). Rings still referenced by live threads stay alive until
// those threads let go.
void unref_chain(Ring* ring) {
  while (ring != nullptr) {
    Ring* next = ring->next();
    unref_ring(ring);
    ring = next;
  }
}

void close_chain(Ring* ring) {
  for (; ring != nullptr; ring = ring->next()) ring->close();
}

// The backend is done with every ring of the chain: what a producer commits or drops there from
// now on, it counts itself (Ring::finish).
void finish_chain(Ring* ring, std::uint64_t drops_reported) {
  for (; ring != nullptr; ring = ring->next(), drops_reported = 0) ring->finish(drops_reported);
}

}  // namespace

Backend::~Backend() {
  for (ActiveRing& r : rings_) unref_chain(r.ring);
  Ring* ring;
  while (shared_.new_rings.try_dequeue(ring)) {
    close_chain(ring);
    finish_chain(ring, 0);
    unref_chain(ring);
  }
}

// True while every sink can take more (none starved after this record).
bool Backend::write(const SinkRecord& record) {
  bool open = true;
  for (auto& sink : sinks_) open = sink->write(record) && open;
  return open;
}

bool Backend::starved() const {
  for (const auto& sink : sinks_) {
    if (sink->starved()) return true;
  }
  return false;
}

void Backend::tick_sinks() {
  const std::int64_t steady_now = steady_clock_ns();
  const std::int64_t file_now = file_clock_ns();
  for (auto& sink : sinks_) sink->tick(steady_now, file_now);
}

void Backend::adopt_new_rings() {
  Ring* ring;
  while (shared_.new_rings.try_dequeue(ring)) {
    ActiveRing r;
    r.ring = ring;
    r.thread.index = shared_.next_thread_index.fetch_add(1);
    r.thread.os_tid = ring->os_tid;
    r.thread.name.assign(ring->thread_name, strnlen(ring->thread_name, sizeof ring->thread_name));
    r.shard = ring->shard;
    rings_.push_back(std::move(r));
  }
}

const SiteEntry& Backend::site_entry(const CallSite* site, std::uint32_t logger) {
  CacheSlot& slot = site_cache_[((reinterpret_cast<std::uintptr_t>(site) >> 3) ^ (logger * 131u)) %
                                site_cache_.size()];
  if (slot.site == site && slot.logger == logger) return *slot.entry;
  auto& entry = sites_[SiteKey{site, logger}];
  if (!entry) {
    entry = std::make_unique<SiteEntry>();
    entry->id = static_cast<std::uint32_t>(sites_.size() - 1);
    entry->site = site;
    entry->logger = LoggerRegistry::instance().name_of(logger);
  }
  slot = CacheSlot{site, logger, entry.get()};
  return *entry;
}

const SiteEntry& Backend::derived_site(const SiteEntry& base, const CallSite* site) {
  // Keyed by the derived CallSite, unique to its base entry; logger ~0 is no logger's id.
  auto& entry = sites_[SiteKey{site, ~std::uint32_t{0}}];
  if (!entry) {
    entry = std::make_unique<SiteEntry>();
    entry->id = static_cast<std::uint32_t>(sites_.size() - 1);
    entry->site = site;
    entry->logger = base.logger;
  }
  return *entry;
}

namespace {

// The producer's header of the record at `record` (lynx/detail/ring.hpp), and its merge key. The
// backend reads the header nowhere else.
RecordHeader read_header(const std::byte* record) {
  RecordHeader h;
  std::memcpy(&h, record, sizeof h);
  return h;
}
std::uint64_t read_ticks(const std::byte* record) {
  std::uint64_t ticks;
  std::memcpy(&ticks, record + offsetof(RecordHeader, ticks), sizeof ticks);
  return ticks;
}

bool is_control(const CallSite* site) {
  const auto a = reinterpret_cast<std::uintptr_t>(site);
  const auto first = reinterpret_cast<std::uintptr_t>(&kControlSites[0]);
  return a >= first && a < first + sizeof kControlSites;
}

}  // namespace

ThreadState& Backend::state_of(ActiveRing& r) {
  if (!r.state) {
    r.state = std::make_unique<ThreadState>();
    if (redactor_ != nullptr) r.state->context.set_redactor(&redactor_->rule());
  }
  return *r.state;
}

const SiteEntry* Backend::site_miss(ActiveRing& r, const RecordHeader& h, const std::byte* p,
                                    bool& open) {
  if (is_control(h.site)) [[unlikely]] {
    apply_control(r, h, p, open);
    return nullptr;
  }
  const std::uint32_t logger = h.logger_id & kLoggerIdMask;
  const SiteEntry& entry = site_entry(h.site, logger);
  const std::uint32_t marks = h.logger_id & ~kLoggerIdMask;
  const bool suppressed = r.state && r.state->pending_suppressed != 0;
  if (marks == 0 && !suppressed) [[likely]] {
    r.last_site = h.site;
    r.last_logger = logger;
    r.last_entry = &entry;
    return &entry;
  }
  ThreadState& state = state_of(r);
  const std::int64_t ts = clock_.to_ns(h.ticks);
  const std::byte* args = p + sizeof h;
  const std::size_t args_size = h.size - sizeof h;
  if ((marks & kKeepForBacktrace) != 0) {
    state.backtrace_for(logger).keep(entry, ts, args, args_size, state.context.current());
    return nullptr;
  }
  if ((marks & kFlushBacktrace) != 0) flush_backtraces(r, logger, false, open);
  RecordExtras extras = r.extras != nullptr ? *r.extras : RecordExtras{};
  extras.suppressed = state.pending_suppressed;
  state.pending_suppressed = 0;
  const SinkRecord record{entry, r.thread, ts, args, args_size, r.shard, &extras};
  open = only_sink_ != nullptr ? only_sink_->write(record) : write(record);
  return nullptr;
}

void Backend::apply_control(ActiveRing& r, const RecordHeader& h, const std::byte* p, bool& open) {
  ThreadState& state = state_of(r);
  const auto kind = static_cast<Control>(h.site - &kControlSites[0]);
  // u32 payload size, then the payload (lynx/detail/control.hpp).
  const std::byte* payload = p + sizeof h + 4;
  std::uint32_t size;
  std::memcpy(&size, p + sizeof h, 4);
  if (size > h.size - sizeof h - 4) size = 0;  // never for what a producer wrote
  switch (kind) {
    case Control::context_push:
    case Control::context_pop:
      if (kind == Control::context_push)
        state.context.push(h.logger_id, payload, size, next_context_id_++);
      else
        state.context.pop(h.logger_id, next_context_id_++);
      state.extras.context = state.context.current().get();
      r.extras = &state.extras;
      break;
    case Control::suppressed: {
      std::uint64_t n = 0;
      if (size >= sizeof n) std::memcpy(&n, payload, sizeof n);
      state.pending_suppressed += n;
      r.last_site = nullptr;  // the next record takes site_miss(), which attaches the count
      break;
    }
    case Control::backtrace_flush: flush_backtraces(r, h.logger_id, true, open); break;
  }
}

void Backend::flush_backtraces(ActiveRing& r, std::uint32_t logger, bool all_threads, bool& open) {
  auto flush = [&](ActiveRing& t) {
    if (!t.state) return;
    for (BacktraceRing& b : t.state->backtraces) {
      if (b.logger() != logger) continue;
      b.drain([&](const BacktraceRing::Kept& k) {
        RecordExtras extras;
        extras.context = k.context.get();
        extras.backtrace = true;
        const SinkRecord record{*k.site,       t.thread, k.ts_ns, k.args.data(),
                                k.args.size(), t.shard,  &extras};
        open = only_sink_ != nullptr ? only_sink_->write(record) : write(record);
      });
    }
  };
  flush(r);
  if (!all_threads) return;
  for (ActiveRing& t : rings_) {
    if (&t != &r) flush(t);
  }
}

// Takes records of one ring, from `first` (its next record, whose ticks are <= bound) while their
// ticks stay <= `bound` and the sinks can take more, up to the ring's snapshot, and hands each to
// the sinks. Gives the consumed bytes back to the producer at the end, and also after every
// quarter of the ring, so that a producer blocked on a full ring gets room while a long run is
// still being written. HOT on the backend: the loop runs once per record.
Backend::RunEnd Backend::drain_run(ActiveRing& r, const std::byte* first, std::uint64_t bound,
                                   std::size_t& n) {
  Ring& ring = *r.ring;
  const std::uint64_t publish_every = ring.capacity() / 4;
  std::uint64_t published = ring.read_position();
  const std::byte* p = first;
  bool open = true;
  for (;;) {
    const RecordHeader h = read_header(p);
    const SiteEntry* site = h.site == r.last_site && h.logger_id == r.last_logger
                                ? r.last_entry
                                : site_miss(r, h, p, open);
    if (site != nullptr) [[likely]] {
      shared_.stats.add(shared_.stats.records_by_level[static_cast<unsigned>(site->site->level)],
                        1);
      const SinkRecord record{*site,        r.thread,          clock_.to_ns(h.ticks),
                              p + sizeof h, h.size - sizeof h, r.shard,
                              r.extras};
      if (redactor_ != nullptr) [[unlikely]] {
        open = write(redactor_->apply(record));
      } else {
        open = only_sink_ != nullptr ? only_sink_->write(record) : write(record);
      }
    }
    ring.advance(h.size);
    ++n;
    if (ring.read_position() - published >= publish_every) {
      ring.publish_read();
      published = ring.read_position();
    }
    p = ring.peek(r.limit);
    if (p == nullptr || !open || read_ticks(p) > bound) break;
  }
  ring.publish_read();
  // Dry, and the thread moved to a bigger ring: what it wrote there belongs to this pass too (a
  // flush() covers it), after everything in this ring.
  if (p == nullptr && open && ring.next() != nullptr) p = continue_on_successor(r);
  return {open, p};
}

const std::byte* Backend::continue_on_successor(ActiveRing& r) {
  follow_successor(r);
  r.limit = r.ring->snapshot();
  return r.ring->peek(r.limit);
}

// One pass: every ring up to its snapshot, merged by timestamp. With one ring holding records
// there is nothing to merge; with several, the ring with the oldest head gives a run of records up
// to the second-oldest head, so the heap is touched once per run, not once per record. Equal
// timestamps stay with the ring being drained (any order of equal timestamps is a valid merge).
std::size_t Backend::drain_once() {
  heap_.clear();
  for (std::uint32_t i = 0; i < rings_.size(); ++i) {
    ActiveRing& r = rings_[i];
    follow_successor(r);
    r.limit = r.ring->snapshot();
    // The ring's fill as the producer left it (Stats::ring_high_water_bytes).
    shared_.stats.raise(shared_.stats.ring_high_water_bytes, r.limit - r.ring->read_position());
    if (const std::byte* p = r.ring->peek(r.limit)) heap_.emplace_back(read_ticks(p), i);
  }
  // Stops early while a sink is starved: records wait in the rings (Sink::starved).
  if (heap_.empty() || starved()) return 0;
  std::size_t n = 0;
  if (heap_.size() == 1) {
    ActiveRing& r = rings_[heap_[0].second];
    for (RunEnd end{true, r.ring->peek(r.limit)}; end.open && end.next != nullptr;)
      end = drain_run(r, end.next, ~std::uint64_t{0}, n);
    return n;
  }
  const auto later = std::greater<>();
  std::make_heap(heap_.begin(), heap_.end(), later);
  for (;;) {
    std::pop_heap(heap_.begin(), heap_.end(), later);
    const std::uint32_t i = heap_.back().second;
    heap_.pop_back();
    ActiveRing& r = rings_[i];
    // The last ring with records: no bound.
    const std::uint64_t bound = heap_.empty() ? ~std::uint64_t{0} : heap_.front().first;
    const RunEnd end = drain_run(r, r.ring->peek(r.limit), bound, n);
    // (end.next may be a successor's first record, whatever its ticks: the merge goes on with it.)
    if (!end.open || (heap_.empty() && end.next == nullptr)) break;
    if (end.next != nullptr) {
      heap_.emplace_back(read_ticks(end.next), i);
      std::push_heap(heap_.begin(), heap_.end(), later);
    }
  }
  return n;
}

// The thread moved on to a bigger ring (Ring::next): once the old one is drained to its end, its
// successor takes its place under the same thread entry and the old ring is freed.
// The successor's records all come after the old ring's in the thread's program order.
void Backend::follow_successor(ActiveRing& r) {
  while (Ring* next = r.ring->next()) {
    // refs() == 1: the thread let go of the old ring after linking (acquire pairs with its release
    // in unref_ring), so after this load every record it committed there is in the snapshot below.
    if (r.ring->refs().load(std::memory_order_acquire) != 1 ||
        r.ring->peek(r.ring->snapshot()) != nullptr)
      return;
    report_drops(r);  // its drops, before its counter goes
    Ring* old = r.ring;
    r.ring = next;
    r.dropped_seen = 0;
    r.drop_slot_seen = {};
    r.suppressed_seen = {};
    shared_.pool.release(old);  // outgrown: its memory goes back (RingPool::release)
  }
}

void Backend::retire_finished_rings() {
  for (std::size_t i = 0; i < rings_.size();) {
    Ring* ring = rings_[i].ring;
    // refs() == 1: the thread let go (acquire pairs with its release in unref_ring), so after this
    // load every record it committed is visible to the snapshot below, and so is a successor it
    // linked before letting go: then the thread lives on there (follow_successor).
    if (ring->refs().load(std::memory_order_acquire) != 1 ||
        ring->peek(ring->snapshot()) != nullptr || ring->next() != nullptr) {
      ++i;
      continue;
    }
    report_drops(rings_[i]);  // account for its drops before it goes
    shared_.pool.recycle(ring);
    rings_[i] = std::move(rings_.back());
    rings_.pop_back();
  }
}

void Backend::report_drops() {
  for (ActiveRing& r : rings_) report_drops(r);
}

void Backend::report_suppressed(ActiveRing& r) {
  for (unsigned level = 0; level < Ring::kLevels; ++level) {
    const std::uint64_t now = r.ring->suppressed(level);
    if (now == r.suppressed_seen[level]) continue;
    shared_.stats.add(shared_.stats.records_suppressed[level], now - r.suppressed_seen[level]);
    r.suppressed_seen[level] = now;
  }
}

void Backend::report_drops(ActiveRing& r) {
  report_suppressed(r);
  // Acquire (Ring::count_drop): every slot count behind this total is visible.
  const std::uint64_t now = r.ring->dropped();
  if (now == r.dropped_seen) return;
  std::uint64_t remaining = now - r.dropped_seen;
  r.dropped_seen = now;
  shared_.stats.add(shared_.stats.records_dropped, remaining);
  for (int i = 0; i < Ring::kDropSlots && remaining != 0; ++i) {
    const CallSite* site = r.ring->drop_site(i);
    if (site == nullptr) break;
    const std::uint64_t n = std::min(r.ring->drop_count(i) - r.drop_slot_seen[i], remaining);
    if (n == 0) continue;
    r.drop_slot_seen[i] += n;
    remaining -= n;
    shared_.stats.add(shared_.stats.records_dropped_by_level[static_cast<unsigned>(site->level)],
                      n);
    write_drop_notice(r.shard, site, r.ring->drop_logger(i), n);
  }
  if (remaining != 0) write_drop_notice(r.shard, nullptr, 0, remaining);
}

void Backend::write_drop_notice(std::uint32_t shard, const CallSite* dropped, std::uint32_t logger,
                                std::uint64_t count) {
  const CallSite* notice = dropped == nullptr
                               ? (count == 1 ? &kDropNoticeOne : &kDropNotice)
                               : (count == 1 ? &kDropSiteNoticeOne : &kDropSiteNotice);
  const SiteEntry& site = site_entry(notice, LoggerRegistry::instance().get("lynx").id());
  std::vector<std::byte> args;
  append_value(args, count);
  if (dropped != nullptr) {
    append_string(args, to_string(dropped->level));
    append_string(args, LoggerRegistry::instance().name_of(logger));
    append_string(args, dropped->file != nullptr ? dropped->file : "");
    append_value(args, dropped->line);
  }
  if (backend_thread_.os_tid == 0)
    backend_thread_.os_tid = static_cast<std::uint64_t>(::syscall(SYS_gettid));
  write(SinkRecord{site, backend_thread_, static_cast<std::int64_t>(wall_clock_ns()), args.data(),
                   args.size(), shard});
}

void Backend::idle_wait(std::uint32_t& idle_rounds) {
  // Back off from 50 us to 10 ms while nothing arrives; flush/stop/blocked producers wake us.
  const auto wait = std::chrono::microseconds(
      std::min<std::uint64_t>(50ull << std::min(idle_rounds, 8u), 10'000));
  ++idle_rounds;
  shared_.backend_idle.store(true, std::memory_order_release);
  {
    std::unique_lock lock(shared_.wake_mutex);
    shared_.wake_cv.wait_for(lock, wait, [&] {
      return shared_.wake_pending || shared_.crash_requested.load(std::memory_order_relaxed) >
                                         shared_.crash_done.load(std::memory_order_relaxed);
    });
    shared_.wake_pending = false;
  }
  shared_.backend_idle.store(false, std::memory_order_release);
}

void Backend::crash_drain() {
  // A few passes: producers that did not crash may keep logging, the drain must end.
  for (int pass = 0; pass < 4; ++pass) {
    adopt_new_rings();
    if (drain_once() == 0) break;
  }
  report_drops();
  for (auto& sink : sinks_) sink->flush();
}

void Backend::finish() {
  // Producers see closed rings and stop writing to them (a record racing with close may still
  // land; it is drained below if it made it before the final pass).
  adopt_new_rings();
  // No thread links a successor any more (engine/lifecycle.cpp grows rings only while this engine
  // is the running one), so closing every chain reaches every ring a thread may write to.
  for (ActiveRing& r : rings_) close_chain(r.ring);
  // A sink starved by failed writes gets them a last chance, then gives them up within its own
  // deadline (Sink::begin_close), so that stopping never hangs on a full disk.
  for (auto& sink : sinks_) sink->begin_close();
  for (int quiet = 0; quiet < 2;) {
    adopt_new_rings();
    const std::size_t n = drain_once();
    if (starved()) {
      quiet = 0;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      tick_sinks();
      continue;
    }
    quiet = n == 0 ? quiet + 1 : 0;
  }
  report_drops();
  for (ActiveRing& r : rings_) finish_chain(r.ring, r.dropped_seen);
  for (auto& sink : sinks_) sink->close();
}

void Backend::run() {
  backend_thread_.os_tid = static_cast<std::uint64_t>(::syscall(SYS_gettid));
  shared_.backend_tid.store(static_cast<std::int32_t>(backend_thread_.os_tid));
  std::uint32_t idle_rounds = 0;
  std::uint64_t iterations = 0;
  for (;;) {
    const bool stopping = shared_.stop.load(std::memory_order_acquire);
    // Pairs with flush()'s fetch_add: records committed before the request are visible below.
    const std::uint64_t flush_request = shared_.flush_requested.load(std::memory_order_acquire);
    // A flush() is a good moment to find out whether the disk has room again. Before draining:
    // while a sink is starved, drain_once() leaves records in the rings, and once the retry
    // succeeds this pass must take every record the flush covers.
    if (flush_request > flushed_) {
      for (auto& sink : sinks_) sink->retry_now();
    }
    adopt_new_rings();
    const std::size_t n = drain_once();
    retire_finished_rings();
    report_drops();
    if ((++iterations & 63) == 0 || n == 0) {
      clock_.maybe_refresh();
      set_ns_per_tick(clock_.ns_per_tick());
    }
    tick_sinks();
    // A thread is in a fatal signal's handler, waiting for its record and everything before it.
    if (const std::uint64_t crash = shared_.crash_requested.load(std::memory_order_acquire);
        crash > shared_.crash_done.load(std::memory_order_relaxed)) {
      crash_drain();
      shared_.crash_done.store(crash, std::memory_order_release);
    }
    if (stopping) {
      finish();
      shared_.flush_done.store(flush_request, std::memory_order_release);
      shared_.flush_done.notify_all();
      return;
    }
    if (flush_request > flushed_) {
      for (auto& sink : sinks_) sink->flush();
      flushed_ = flush_request;
      shared_.flush_done.store(flush_request, std::memory_order_release);
      shared_.flush_done.notify_all();
    }
    if (n == 0) {
      idle_wait(idle_rounds);
    } else {
      idle_rounds = 0;
    }
  }
}

}  // namespace lynx::detail
