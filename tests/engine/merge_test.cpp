// The backend's merge (engine/backend.cpp, drain_once/drain_run) on rings filled by hand with
// chosen timestamps, under a Backend whose only sink records what it is given: records reach the
// sink in timestamp order with each thread's in program order, when threads take turns in long
// runs, when they alternate record by record, on equal timestamps, and when the sink is starved in
// the middle of a run. A producer blocked on a full ring gets room while the backend is still
// writing a long run of that ring (Ring::publish_read() batched, but at least every quarter ring).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <emmintrin.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "engine/backend.hpp"
#include "engine/engine_impl.hpp"
#include "engine/ring_pool.hpp"
#include "test_support.hpp"

namespace {

using lynx::detail::ArgType;
using lynx::detail::Backend;
using lynx::detail::CallSite;
using lynx::detail::EngineShared;
using lynx::detail::RecordHeader;
using lynx::detail::Ring;
using lynx::detail::Sink;
using lynx::detail::SinkRecord;

constexpr ArgType kTypes[] = {ArgType::u32, ArgType::u64};
constexpr CallSite kSite{
    "ring {ring} seq {seq}", "merge_test.cpp", "f", 1, lynx::Level::info, 2, kTypes, {}};
constexpr std::size_t kRecordBytes = lynx::detail::align_record(sizeof(RecordHeader) + 4 + 8);

// Writes one record of kSite (ring tag, sequence number) with the given raw timestamp, the way a
// producer would; false when the ring is full.
bool put(Ring& ring, std::uint32_t logger, std::uint64_t ticks, std::uint32_t tag,
         std::uint64_t seq) {
  std::byte* p = ring.reserve(kRecordBytes);
  if (p == nullptr) return false;
  RecordHeader h{};
  h.size = static_cast<std::uint32_t>(kRecordBytes);
  h.logger_id = logger;
  h.site = &kSite;
  h.ticks = ticks;
  std::memcpy(p, &h, sizeof h);
  std::memcpy(p + sizeof h, &tag, 4);
  std::memcpy(p + sizeof h + 4, &seq, 8);
  ring.commit(kRecordBytes);
  return true;
}

struct Seen {
  std::int64_t ts_ns;
  std::uint32_t thread;
  std::uint32_t tag;
  std::uint64_t seq;
};

// Keeps every record. Optionally starved after every `starve_every`-th record until the next
// tick(); optionally runs `on_record` (on the backend thread) for each record.
class CaptureSink final : public Sink {
 public:
  bool write(const SinkRecord& r) override {
    Seen s{r.ts_ns, r.thread.index, 0, 0};
    std::memcpy(&s.tag, r.args, 4);
    std::memcpy(&s.seq, r.args + 4, 8);
    seen.push_back(s);
    count.store(seen.size(), std::memory_order_release);
    if (on_record) on_record(seen.size());
    if (starve_every != 0 && seen.size() % starve_every == 0) starved_ = true;
    return !starved_;
  }
  void tick(std::int64_t, std::int64_t) override { starved_ = false; }
  void flush() override {}
  bool starved() const override { return starved_; }
  void close() override {}

  std::vector<Seen> seen;
  std::atomic<std::size_t> count{0};  // seen.size(), for the test's thread
  std::size_t starve_every = 0;
  std::function<void(std::size_t)> on_record;

 private:
  bool starved_ = false;
};

// An engine's shared state and a Backend on `sink`, not yet running: rings are filled first and
// handed over with add_ring(), then run_until_drained() starts the backend thread, asks for a
// flush, waits for the records and stops it.
struct Harness {
  explicit Harness(const lynx::test::TempDir& dir, std::unique_ptr<CaptureSink> s,
                   std::size_t buffer_bytes = 1u << 20)
      : shared(lynx::detail::normalise(
            {.directory = dir.path(), .name = "m", .buffer_bytes = buffer_bytes})),
        sink(s.get()) {
    std::vector<std::unique_ptr<Sink>> sinks;
    sinks.push_back(std::move(s));
    backend = std::make_unique<Backend>(shared, std::move(sinks));
  }
  ~Harness() {
    backend.reset();
    for (Ring* r : rings) lynx::detail::unref_ring(r);  // the "thread's" reference
  }

  Ring& add_ring() {
    Ring* r = shared.pool.acquire(shared.pool.max_bytes());
    rings.push_back(r);
    shared.new_rings.enqueue(r);
    return *r;
  }

  void start() {
    thread = std::thread([this] { backend->run(); });
  }
  // Runs the backend until the sink has `expected` records (a flush() leaves records that a
  // starved sink could not take in the rings), then stops it.
  void run_until_drained(std::size_t expected) {
    if (!thread.joinable()) start();
    const std::uint64_t ticket = shared.flush_requested.fetch_add(1) + 1;
    shared.wake();
    while (shared.flush_done.load() < ticket) std::this_thread::yield();
    while (sink->count.load(std::memory_order_acquire) < expected) {
      shared.wake();
      std::this_thread::yield();
    }
    shared.stop.store(true);
    shared.wake();
    thread.join();
  }

  EngineShared shared;
  CaptureSink* sink;
  std::unique_ptr<Backend> backend;
  std::vector<Ring*> rings;
  std::thread thread;
};

// Records in timestamp order overall, each ring's sequence numbers 0, 1, 2, ... in order, each
// ring always under one thread, and `total` records in all.
void check_merged(const std::vector<Seen>& seen, std::size_t rings, std::uint64_t total) {
  REQUIRE(seen.size() == total);
  std::vector<std::uint64_t> next(rings, 0);
  std::vector<std::int64_t> thread_of(rings, -1);
  std::uint64_t bad_tag = 0, backwards = 0, out_of_order = 0, wrong_thread = 0;
  for (std::size_t i = 0; i < seen.size(); ++i) {
    const Seen& s = seen[i];
    if (s.tag >= rings) {
      ++bad_tag;
      continue;
    }
    if (i > 0 && s.ts_ns < seen[i - 1].ts_ns) ++backwards;
    if (s.seq != next[s.tag]) ++out_of_order;
    next[s.tag] = s.seq + 1;
    if (thread_of[s.tag] < 0) thread_of[s.tag] = s.thread;
    if (thread_of[s.tag] != static_cast<std::int64_t>(s.thread)) ++wrong_thread;
  }
  CHECK(bad_tag == 0);
  CHECK(backwards == 0);
  CHECK(out_of_order == 0);
  CHECK(wrong_thread == 0);
}

// Four rings take turns: run j (of `run` records, consecutive timestamps) goes to ring j % 4, and
// each run starts on the timestamp the one before ended with (a tie between two rings).
void fill_turns(Harness& h, std::uint32_t logger, std::uint64_t run, std::uint64_t runs) {
  std::vector<Ring*> rings;
  for (int i = 0; i < 4; ++i) rings.push_back(&h.add_ring());
  std::vector<std::uint64_t> seq(4, 0);
  for (std::uint64_t j = 0; j < runs; ++j) {
    const auto tag = static_cast<std::uint32_t>(j % 4);
    for (std::uint64_t k = 0; k < run; ++k)
      REQUIRE(put(*rings[tag], logger, 1000 + j * run + k - (k == 0 && j > 0), tag, seq[tag]++));
  }
}

}  // namespace

TEST_CASE("long runs taking turns between four rings come out in time order, each ring in order") {
  lynx::test::TempDir dir("merge");
  const std::uint32_t logger = lynx::logger("merge").id();
  for (const std::uint64_t run : {1ull, 2ull, 7ull, 500ull, 3000ull}) {
    CAPTURE(run);
    Harness h(dir, std::make_unique<CaptureSink>());
    const std::uint64_t runs = std::max<std::uint64_t>(8, 12000 / run);
    fill_turns(h, logger, run, runs);
    h.run_until_drained(run * runs);
    check_merged(h.sink->seen, 4, run * runs);
  }
}

TEST_CASE("a sink starved in the middle of runs: the merge resumes where it stopped, in order") {
  lynx::test::TempDir dir("merge");
  const std::uint32_t logger = lynx::logger("merge").id();
  for (const std::size_t starve_every : {1u, 3u, 777u}) {
    CAPTURE(starve_every);
    auto sink = std::make_unique<CaptureSink>();
    sink->starve_every = starve_every;
    Harness h(dir, std::move(sink));
    fill_turns(h, logger, 1000, 12);
    h.run_until_drained(12000);
    check_merged(h.sink->seen, 4, 12000);
  }
}

TEST_CASE("one ring alone and one ring among empty ones: drained straight, in order") {
  lynx::test::TempDir dir("merge");
  const std::uint32_t logger = lynx::logger("merge").id();
  Harness h(dir, std::make_unique<CaptureSink>());
  h.add_ring();
  Ring& busy = h.add_ring();
  h.add_ring();
  for (std::uint64_t k = 0; k < 20000; ++k) REQUIRE(put(busy, logger, 5 + k / 3, 1, k));
  h.run_until_drained(20000);
  check_merged(h.sink->seen, 3, 20000);
}

TEST_CASE("a producer blocked on a full ring gets room while the backend writes a long run") {
  // A 64 KiB ring filled to the brim is one run of about 2,000 records for the backend. When the
  // sink has taken 3/4 of them, it waits for the blocked producer to get a record in: that can
  // only happen if the backend gave bytes back before the run ended.
  lynx::test::TempDir dir("merge");
  const std::uint32_t logger = lynx::logger("merge").id();
  auto sink = std::make_unique<CaptureSink>();
  CaptureSink* raw = sink.get();
  Harness h(dir, std::move(sink), 64u << 10);
  Ring& ring = h.add_ring();
  std::uint64_t seq = 0;
  while (put(ring, logger, 100 + seq, 0, seq)) ++seq;
  const std::uint64_t full = seq;
  REQUIRE(full > 1000);

  std::atomic<bool> got_in{false};
  bool waited_in_vain = false;
  raw->on_record = [&](std::size_t n) {
    if (n != full * 3 / 4) return;
    const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (!got_in.load() && std::chrono::steady_clock::now() < give_up) std::this_thread::yield();
    waited_in_vain = !got_in.load();
  };
  h.start();
  std::thread producer([&] {
    while (!put(ring, logger, 100 + seq, 0, seq)) _mm_pause();
    ++seq;
    got_in.store(true);
  });
  producer.join();
  h.run_until_drained(full + 1);
  CHECK_FALSE(waited_in_vain);
  check_merged(h.sink->seen, 1, full + 1);
}
