// What the backend keeps per producer thread beyond its ring, for the features that travel as
// control events (lynx/detail/control.hpp): the thread's context frames and the effective context
// its records carry, a suppressed count waiting for the thread's next record, and the records kept
// for backtraces (one ring per logger). Created on a thread's first control event or kept record;
// threads that use none of it cost nothing. Backend thread only.
//
// Why backtraces are kept here and not by the producer: the producer does for a kept record what
// it does for any record (one copy into its ring), with no second per-thread area sized by
// capacity x record size to allocate or bound, and no state another thread would need to read for
// flush_backtrace(); the backend then keeps them in order with the thread's other records and its
// context at the time. The price is ring space and backend time for records mostly never written.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "engine/redact.hpp"
#include "engine/sink.hpp"
#include "lynx/logger.hpp"

namespace lynx::detail {

class ThreadContext {
 public:
  // A context_push event: frames of `depth` and deeper go, then this one is added.
  void push(std::uint32_t depth, const std::byte* fields, std::size_t size, std::uint64_t id);
  // Options::redact_fields / redact_patterns, applied to every context field before any sink or
  // file sees it (nullptr: none). Set before the first push.
  void set_redactor(const Redactor* redactor) { redactor_ = redactor; }
  // A context_pop event: frames of `depth` and deeper go.
  void pop(std::uint32_t depth, std::uint64_t id);
  // The effective context (never null once an event was applied).
  const std::shared_ptr<const RecordContext>& current() const { return current_; }

 private:
  void rebuild(std::uint64_t id);
  struct Frame {
    std::uint32_t depth = 0;
    std::vector<std::byte> fields;  // ring form (record::parse_ring_fields)
  };
  std::vector<Frame> frames_;
  std::shared_ptr<const RecordContext> current_;
  const Redactor* redactor_ = nullptr;
};

// The last `capacity` records of one (thread, logger) kept for its backtrace, oldest first.
class BacktraceRing {
 public:
  struct Kept {
    const SiteEntry* site = nullptr;
    std::int64_t ts_ns = 0;
    std::vector<std::byte> args;  // ring layout
    std::shared_ptr<const RecordContext> context;
  };
  BacktraceRing(std::uint32_t logger, const Logger* logger_object)
      : logger_(logger), logger_object_(logger_object) {}
  std::uint32_t logger() const { return logger_; }
  // Keeps a copy of a record; the oldest goes when the ring holds the logger's capacity.
  void keep(const SiteEntry& site, std::int64_t ts_ns, const std::byte* args, std::size_t size,
            const std::shared_ptr<const RecordContext>& context);
  // Calls f(const Kept&) for each kept record, oldest first, and empties the ring.
  template <class F>
  void drain(F&& f) {
    for (std::size_t i = 0; i < count_; ++i) f(slots_[(first_ + i) % slots_.size()]);
    first_ = count_ = 0;
  }

 private:
  std::uint32_t logger_;
  const Logger* logger_object_;
  std::vector<Kept> slots_;
  std::size_t first_ = 0;
  std::size_t count_ = 0;
};

struct ThreadState {
  ThreadContext context;
  RecordExtras extras;  // extras.context follows context.current()
  std::uint64_t pending_suppressed = 0;
  std::vector<BacktraceRing> backtraces;

  BacktraceRing& backtrace_for(std::uint32_t logger);
};

}  // namespace lynx::detail
