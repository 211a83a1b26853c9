// The seam between the backend and where records go. The backend (engine/backend.cpp) adopts
// producer rings, merges their records by time, interns call sites and threads, turns drops into
// notices and runs the flush()/stop protocol; a Sink receives the records in that order and
// decides how they are stored. Today there is one, FileSink (engine/file_sink.hpp: shards,
// rotation, retention, failed-write recovery, I/O buffers). A new sink (text, JSON, console)
// implements this interface and is added to the list Backend's constructor builds.
//
// Threading: every member is called on the backend thread only. A sink is constructed on the
// Engine's constructing thread before the backend starts (a constructor may throw to fail Engine
// construction) and destroyed after the backend thread was joined. A sink never logs through lynx
// (that would feed the rings it drains); its own diagnostics go to stderr.
//
// Order of calls: write()* and tick() interleave while the engine runs; flush() answers an
// Engine::flush(); at stop begin_close(), then the final write()s and tick()s, then close() once,
// then only the destructor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lynx/detail/call_site.hpp"
#include "record/context.hpp"

namespace lynx::detail {

// A (call site, logger) pair, numbered engine-wide from 0 in order of first use; stable for the
// engine's life (sinks may keep the pointer and index tables by `id`).
struct SiteEntry {
  std::uint32_t id = 0;
  const CallSite* site = nullptr;  // static: template, level, file, line, argument types
  std::string logger;
};

// A producer thread (or the backend itself, for engine notices), numbered engine-wide; stable for
// the engine's life.
struct ThreadEntry {
  std::uint32_t index = 0;
  std::uint64_t os_tid = 0;
  std::string name;
};

// A thread's context (lynx::Context) as the backend applied it: its effective fields (an inner
// field shadows an outer one of the same name, which keeps its place), in ring form and decoded.
// Immutable once built; every change makes a new one with a new `id` (engine-wide, from 1), so a
// sink can tell whether a thread's context changed by comparing ids.
struct RecordContext {
  std::uint64_t id = 0;
  std::vector<std::byte> bytes;               // owns what `fields` and `entries` point into
  std::vector<record::RingField> fields;      // ring form (what a file stores)
  std::vector<record::ContextEntry> entries;  // decoded (what a renderer shows)
};

// What a record may carry besides its arguments. Records of threads that never had a context
// carry none (SinkRecord::extras == nullptr); once a thread had one, each of its records carries
// its context, possibly empty.
struct RecordExtras {
  const RecordContext* context = nullptr;
  std::uint64_t suppressed = 0;  // records suppressed before it at its site (or rate limit)
  bool backtrace = false;        // kept for a backtrace, written now (Logger::enable_backtrace)
};

// One record as handed to the sinks. Valid only during the write() call: `args` points into the
// producer's ring, which is advanced right after.
struct SinkRecord {
  const SiteEntry& site;
  const ThreadEntry& thread;
  std::int64_t ts_ns;     // Unix ns (ClockCalibration)
  const std::byte* args;  // raw argument bytes in ring layout (lynx/detail/producer.hpp),
  std::size_t args_size;  //   typed by site.site->arg_types[0, arg_count)
  std::uint32_t shard;    // the producer thread's shard, < Options::shards
  const RecordExtras* extras = nullptr;  // context, suppressed count, backtrace mark; or none
};

class Sink {
 public:
  virtual ~Sink() = default;

  // One record. Across calls records come by ts_ns (a k-way merge of the threads' rings), each
  // thread's in program order. Must not wait for I/O longer than it takes to free a buffer.
  // Returns !starved() after taking the record, so the merge loop needs no second call per record.
  virtual bool write(const SinkRecord& record) = 0;

  // Once per backend pass (every few microseconds under load, at least every 10 ms when idle).
  // `steady_now_ns` (engine/steady_clock.hpp) is for intervals such as Options::flush_every;
  // `file_now_ns` (engine/file_clock.hpp) for wall-clock decisions such as time-based rotation.
  // The moment to write what waited long enough and to collect I/O completions.
  virtual void tick(std::int64_t steady_now_ns, std::int64_t file_now_ns) = 0;

  // Engine::flush(), after the drain it covers: everything written so far reaches its
  // destination (for files: handed to the kernel, every completion collected) before it returns.
  // Records held back by a failure (see starved()) may still be held.
  virtual void flush() = 0;

  // Back-pressure, asked before each drain (and after every record through write()'s result):
  // true while the sink cannot take another record without losing it (FileSink: failed writes
  // hold almost every I/O buffer). The backend then leaves records in the rings, where producers
  // meet Options::on_full.
  virtual bool starved() const { return false; }

  // An Engine::flush() was requested; called before the drain the flush covers. A sink holding
  // records back after a failure tries again now, so that drain can take every covered record.
  virtual void retry_now() {}

  // Stop, step 1, before the final drain. From now on starved() must turn false within a bounded
  // time whatever the disk does (FileSink: failed writes are given up after a deadline), or stop
  // would hang; the backend keeps calling tick() (about every 5 ms) while the sink is starved.
  virtual void begin_close() {}

  // Stop, step 2, after the final drain and drop notices: writes out and waits for everything,
  // gives up (counting Stats::records_dropped) what cannot be written in bounded time, releases
  // what it holds. Called once.
  virtual void close() = 0;
};

}  // namespace lynx::detail
