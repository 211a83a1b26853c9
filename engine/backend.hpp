// The backend thread: drains every producer ring, merges the records of all threads by timestamp
// (each thread's records stay in program order), interns their call sites and threads and hands
// them to its sinks (engine/sink.hpp; today one FileSink). It also retires the rings of exited
// threads, reports drops as records, and runs the flush() and stop protocols. Nothing on this
// thread ever logs through lynx itself: its own diagnostics go to stderr.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "engine/clock_calibration.hpp"
#include "engine/engine_shared.hpp"
#include "engine/redact.hpp"
#include "engine/sink.hpp"
#include "engine/thread_context.hpp"

namespace lynx::detail {

class Backend {
 public:
  // Calibrates the clock and creates the sinks (the FileSink opens every shard's first file);
  // throws std::invalid_argument, std::system_error or std::runtime_error with a clear message
  // when that fails (on the Engine's constructing thread).
  explicit Backend(EngineShared& shared);
  // Tests: the same backend with these sinks instead of the FileSink.
  Backend(EngineShared& shared, std::vector<std::unique_ptr<Sink>> sinks);
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  void run();  // the thread body; returns after stop and the final flush
  // A crash (engine/crash_handler.hpp): drains every ring and writes it out now. On the backend
  // thread, or on the crash watcher while the backend thread is stopped at a safe point.
  void crash_drain();

 private:
  // One producer thread as the backend sees it. `ring` is the oldest of the thread's rings that
  // still holds records (see Ring::next()); the site cache remembers the last (call site, logger)
  // of this thread, which in a run of records of one statement is every record's.
  struct ActiveRing {
    Ring* ring = nullptr;
    std::uint64_t limit = 0;  // write position snapshot of this pass
    std::uint64_t dropped_seen = 0;
    std::array<std::uint64_t, Ring::kDropSlots> drop_slot_seen{};  // per Ring drop slot
    std::uint32_t shard = 0;
    const CallSite* last_site = nullptr;
    std::uint32_t last_logger = 0;
    const SiteEntry* last_entry = nullptr;
    ThreadEntry thread;
    // Context, suppressed counts and backtraces (engine/thread_context.hpp): null until the
    // thread's first control event or kept record. `extras` is what its records carry.
    std::unique_ptr<ThreadState> state;
    const RecordExtras* extras = nullptr;
    std::array<std::uint64_t, Ring::kLevels> suppressed_seen{};
  };
  // What drain_run() left: whether the sinks can take more, and the ring's next record, if any.
  struct RunEnd {
    bool open;
    const std::byte* next;
  };
  struct SiteKey {
    const CallSite* site;
    std::uint32_t logger;
    bool operator==(const SiteKey&) const = default;
  };
  struct SiteKeyHash {
    std::size_t operator()(const SiteKey& k) const {
      return std::hash<const void*>()(k.site) ^
             (static_cast<std::size_t>(k.logger) * 0x9E3779B97F4A7C15ull);
    }
  };

  void adopt_new_rings();
  std::size_t drain_once();
  RunEnd drain_run(ActiveRing& r, const std::byte* first, std::uint64_t bound, std::size_t& n);
  // A record whose (site, logger) is not the ring's cached one: the entry to write it with, or
  // nullptr when it was a control event or a record handled here (kept for a backtrace, or one
  // that carries a suppressed count or flushes a backtrace; `open` then says what the sinks said).
  const SiteEntry* site_miss(ActiveRing& r, const RecordHeader& h, const std::byte* p, bool& open);
  void apply_control(ActiveRing& r, const RecordHeader& h, const std::byte* p, bool& open);
  ThreadState& state_of(ActiveRing& r);
  // Writes the records every thread kept for `logger`'s backtrace (r's first).
  void flush_backtraces(ActiveRing& r, std::uint32_t logger, bool all_threads, bool& open);
  void report_suppressed(ActiveRing& r);
  bool write(const SinkRecord& record);
  bool starved() const;
  void tick_sinks();
  const SiteEntry& site_entry(const CallSite* site, std::uint32_t logger);
  // A call site made by the redactor from `base` (engine/redact.hpp), numbered like the others.
  const SiteEntry& derived_site(const SiteEntry& base, const CallSite* site);
  void follow_successor(ActiveRing& r);
  const std::byte* continue_on_successor(ActiveRing& r);
  void retire_finished_rings();
  void report_drops();
  void report_drops(ActiveRing& r);
  void write_drop_notice(std::uint32_t shard, const CallSite* dropped, std::uint32_t logger,
                         std::uint64_t count);
  void finish();
  void idle_wait(std::uint32_t& idle_rounds);

  EngineShared& shared_;
  ClockCalibration clock_;
  std::vector<std::unique_ptr<Sink>> sinks_;  // every record goes to each, in this order
  Sink* only_sink_ = nullptr;                 // sinks_[0] when it is the only one: no loop
  // Options::redact_*: applied to every record before the sinks see it; nullptr when off.
  std::unique_ptr<RecordRedactor> redactor_;

  std::vector<ActiveRing> rings_;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> heap_;  // (ticks, index into rings_)
  std::unordered_map<SiteKey, std::unique_ptr<SiteEntry>, SiteKeyHash> sites_;
  struct CacheSlot {
    const CallSite* site = nullptr;
    std::uint32_t logger = 0;
    const SiteEntry* entry = nullptr;
  };
  std::array<CacheSlot, 512> site_cache_{};
  ThreadEntry backend_thread_;
  std::uint64_t flushed_ = 0;
  std::uint64_t next_context_id_ = 1;
};

}  // namespace lynx::detail
