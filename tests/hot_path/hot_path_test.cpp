// Proves the hot-path rule: after a thread's first log calls (registration, and the moves to bigger
// rings that happen at most log2(buffer_bytes / initial_buffer_bytes) times per thread, both cold),
// a log call performs zero heap allocations, zero lock acquisitions and zero syscalls, for every
// supported argument type, with a live context (and contexts and restores made and left in the
// measured loop), on sampled statements (written and suppressed), on a rate-limited logger
// (admitted and suppressed) and on a logger that keeps a backtrace (kept and flushed).
// Each counter is first shown to work (a control allocation, lock and syscall are seen), so the
// zero cannot come from a counter that counts nothing.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <unistd.h>
#include <lynx/lynx.hpp>
#include <optional>
#include <span>
#include <system_error>
#include <tuple>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "alloc_lock_counter.hpp"
#include "syscall_counter.hpp"

namespace {

enum class Named : std::uint8_t { one = 1, two = 2 };
struct Point {
  int x;
  double y;
  std::string tag;
  std::vector<int> ids;
};

}  // namespace

template <>
struct lynx::Fields<Point> {
  static constexpr auto fields =
      lynx::fields(lynx::field("x", &Point::x), lynx::field("y", &Point::y),
                   lynx::field("tag", &Point::tag), lynx::field("ids", &Point::ids));
};
template <>
struct lynx::EnumNames<Named> {
  static constexpr std::pair<Named, std::string_view> names[] = {{Named::one, "one"},
                                                                 {Named::two, "two"}};
};

namespace {

// Arguments of the structured types, built once (building them may allocate; logging them not).
struct Structured {
  std::vector<int> ints{1, 2, 3, 4};
  std::vector<std::string> strings{"a", std::string(40, 'b'), ""};
  Point point{1, 2.5, "tag", {7, 8, 9}};
  std::vector<Point> points{point, point};
  std::filesystem::path path{"/var/log/some/where.log"};
  std::string long_string = std::string(300, 'L');  // cut once max_string_bytes is lowered
};

enum class Side : std::int16_t { buy = 1, sell = -1 };
enum Plain { kPlainA = 7 };

// Every supported argument type, several shapes of call. The same statements run for warm-up and
// for the measured iterations, so their call sites are the same.
void log_everything(lynx::Logger& log, int i, const std::string& s, std::string_view sv,
                    const char* cs) {
  static int local = 0;
  LYNX_INFO(log, "no arguments");
  LYNX_INFO(log, "ints {a} {b} {c} {d}", static_cast<std::int8_t>(i), static_cast<std::int16_t>(i),
            i, static_cast<long long>(i) * 1000);
  LYNX_INFO(log, "uints {a} {b} {c} {d}", static_cast<std::uint8_t>(i),
            static_cast<unsigned short>(i), static_cast<unsigned>(i),
            static_cast<std::uint64_t>(i));
  LYNX_WARN(log, "misc {flag} {ch} {f:.2f} {d}", i % 2 == 0, 'x', 1.5f * i, 2.25 * i);
  LYNX_ERROR(log, "enums {side} {plain}", i % 2 ? Side::buy : Side::sell, kPlainA);
  LYNX_INFO(log, "strings {s} {sv} {cs} {lit}", s, sv, cs, "literal");
  LYNX_INFO(log, "pointers {p} {q} {n}", static_cast<const void*>(&local), &local, nullptr);
  char buffer[8] = "buf";
  char* mutable_cs = buffer;
  LYNX_INFO(log, "more {ld} {buf} {mcs} {null_cs}", 0.5L * i, buffer, mutable_cs,
            static_cast<const char*>(nullptr));
  LYNX_CRITICAL(log, "{} {} {} {} {} {} {} {}", i, 2u, 3.0, 'c', true, s, sv, &local);
}

// The features of docs/api.md, one call each. A context and a restore are made and left; the
// sampled statements write some records and suppress the others; the rate-limited logger lets 2
// through and suppresses the rest; the backtrace logger keeps a debug record and writes it with
// the error that follows.
struct Features {
  lynx::Logger& rated;
  lynx::Logger& traced;
  const lynx::Context::Snapshot& snapshot;
};
void log_features(lynx::Logger& log, const Features& f, int i, const std::string& s) {
  lynx::Context ctx("i", i, "s", s);
  lynx::Context::Restore restore(f.snapshot);
  LYNX_INFO_EVERY_N(log, 3, "every third {i}", i);
  LYNX_INFO_FIRST_N(log, 1, "first {i} {s}", i, s);
  LYNX_INFO_EVERY(log, std::chrono::hours(1), "hourly {i}", i);
  LYNX_INFO(f.rated, "rated {i}", i);
  LYNX_DEBUG(f.traced, "kept {i}", i);
  LYNX_ERROR(f.traced, "flushes {i}", i);
}
// Records log_features() writes in `n` calls, and those it suppresses (all at Level::info).
std::uint64_t feature_records(std::uint64_t n) { return (n + 2) / 3 + 1 + 1 + 2 + 2 * n; }
std::uint64_t feature_suppressed(std::uint64_t n) {
  return (n - (n + 2) / 3) + (n - 1) + (n - 1) + (n - 2);
}

// Every structured type (lynx/types.hpp): containers, optionals, tuples, chrono, error_code,
// named enums, a lynx::Fields type, and a string above max_string_bytes (cut by the call).
void log_structured(lynx::Logger& log, int i, const Structured& a, std::string_view sv) {
  using namespace std::chrono;
  LYNX_INFO(log, "containers {v} {vs} {arr} {sp}", a.ints, a.strings,
            std::array<double, 3>{0.5, 1.5 * i, 2.5}, std::span<const int>(a.ints));
  LYNX_INFO(log, "optional {a} {b} {pair} {tup}", std::optional<int>(i),
            std::optional<std::string>(), std::pair<int, char>(i, 'x'),
            std::tuple<int, double, std::string_view>(i, 2.5, sv));
  LYNX_INFO(log, "time {d} {f} {tp} {ec}", milliseconds(i), duration<double>(0.5 * i),
            system_clock::time_point(nanoseconds(i)), std::error_code(i, std::generic_category()));
  LYNX_INFO(log, "user {p} {ps} {e} {path} {b} {u8}", a.point, a.points,
            i % 2 ? Named::one : Named::two, a.path, std::byte{7}, u8"text");
  LYNX_INFO(log, "cut {s}", a.long_string);
}

// Options::buffer_bytes of the test's engine.
constexpr std::size_t kLargestRing = 16u << 20;

struct Result {
  std::size_t ring_capacity = 0;  // the thread's ring after warm-up
  bool seccomp = false;
  bool wrapped = false;  // the measured calls crossed the end of the ring (its cold path ran)
  int warmup_calls = 0;  // log_everything() calls before the measured ones
  lynx::test::Counts control_counts, counts;
  std::uint64_t control_syscalls = 0, syscalls = 0;
  // Records too large for the largest ring: dropped and counted by (site, logger) for the drop
  // notice (docs/reliability.md), on the same rules.
  lynx::test::Counts drop_counts;
  std::uint64_t drop_syscalls = 0;
};

constexpr int kDropped = 100;

// The measured calls run on a ring whose write position is just before the end of its lap, all
// of it drained: they cross the end (the wrap, through the log call's cold path) without ever
// waiting for space.
constexpr std::size_t kLapMargin = 256u << 10;  // the measured calls write ~3 MiB

Result measure(lynx::Engine& engine, lynx::Logger& log, const Features& f) {
  Result r;
  const std::string s(40, 's');
  const std::string_view sv = "a string view";
  const char* cs = "a C string";
  // A context live through every measured call, whatever its number of fields.
  lynx::Context live("request_id", 42, "tenant", s, "ratio", 0.5, "flag", true);
  const Structured structured;
  auto log_all = [&](int i) {
    log_everything(log, i, s, sv, cs);
    log_features(log, f, i, s);
    log_structured(log, i, structured, sv);
  };
  log_all(0);  // the thread's first calls: registration may allocate and lock
  // Rings start small (Options::initial_buffer_bytes) and a thread moves to a bigger one, in the
  // cold path, when its ring is full or a record needs more than half of it. One record larger
  // than a quarter of the largest ring moves this thread straight to the largest, which no call
  // below fills (they wrap into space the flush emptied): the measured calls are the steady
  // state, where no ring changes.
  LYNX_INFO(log, "warm-up {big}", std::string(kLargestRing / 4 + 1, 'w'));
  r.warmup_calls = 1;
  lynx::detail::Ring* ring = lynx::detail::tls_ring;
  if (ring == nullptr) return r;  // no engine: the test fails on r.wrapped
  r.ring_capacity = ring->capacity();
  const std::size_t capacity = ring->capacity();
  while (ring->snapshot() % capacity < capacity - kLapMargin) {
    log_all(0);
    ++r.warmup_calls;
  }
  // From here on the 300-byte string is cut by every call (the cut's own path is measured too).
  lynx::detail::max_string_bytes.store(100, std::memory_order_relaxed);
  engine.flush();
  const std::uint64_t lap = ring->snapshot() / capacity;

  r.seccomp = lynx::test::install_on_this_thread();
  // Controls: each counter sees what it should.
  lynx::test::reset_counts_on_this_thread();
  lynx::test::reset_this_thread();
  {
    std::mutex m;
    std::lock_guard lock(m);
    void* volatile p = ::operator new(16);  // a direct call: cannot be elided like a new-expression
    ::operator delete(p);
    (void)getppid();
  }
  r.control_counts = lynx::test::counts_on_this_thread();
  r.control_syscalls = lynx::test::syscalls_on_this_thread();

  lynx::test::reset_counts_on_this_thread();
  lynx::test::reset_this_thread();
  for (int i = 1; i <= 2000; ++i) log_all(i);
  r.counts = lynx::test::counts_on_this_thread();
  r.syscalls = lynx::test::syscalls_on_this_thread();
  r.wrapped = lynx::detail::tls_ring == ring && ring->snapshot() / capacity > lap;

  // Records too big for the ring, the string cut off: dropped, not cut.
  lynx::detail::max_string_bytes.store(0xffffffffu, std::memory_order_relaxed);
  const std::string too_big(kLargestRing / 2 + 1, 'd');
  lynx::test::reset_counts_on_this_thread();
  lynx::test::reset_this_thread();
  for (int i = 0; i < kDropped; ++i) LYNX_ERROR(log, "too big {s}", too_big);
  r.drop_counts = lynx::test::counts_on_this_thread();
  r.drop_syscalls = lynx::test::syscalls_on_this_thread();
  return r;
}

}  // namespace

TEST_CASE("a log call allocates nothing, takes no lock and makes no syscall") {
  const auto dir =
      std::filesystem::temp_directory_path() / ("lynx_hot_path_" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  REQUIRE(lynx::test::install_syscall_handler());
  Result r;
  {
    // A largest ring large enough that no measured call waits for the backend: waiting is allowed
    // to sleep.
    lynx::Engine engine({.directory = dir.string(), .name = "hot", .buffer_bytes = kLargestRing});
    lynx::Logger& log = lynx::logger("hot");
    lynx::Logger& rated = lynx::logger("hot.rated");
    rated.set_rate_limit(1e-6, 2);  // 2, then one per ~11 days
    lynx::Logger& traced = lynx::logger("hot.traced");
    traced.enable_backtrace(4, lynx::Level::error);
    lynx::Context::Snapshot snapshot;
    {
      lynx::Context carried("trace_id", "4bf92f3577b34da6a3ce929d0e0e4736");
      snapshot = lynx::Context::capture();  // allocates: outside the measured thread
    }
    const Features features{rated, traced, snapshot};
    std::thread t([&] { r = measure(engine, log, features); });
    t.join();
    engine.flush();
    const lynx::Stats st = engine.stats();
    CHECK(st.records_dropped == kDropped);
    // 9 statements in log_everything(), 5 in log_structured(), the warm-up record, what
    // log_features() writes, and the
    // drop notices (at least one, at most one per dropped record: one per backend pass that saw
    // drops)
    const auto calls = static_cast<std::uint64_t>(r.warmup_calls + 2000);
    const std::uint64_t logged = calls * 14 + 1 + feature_records(calls);
    CHECK(st.records_written >= logged + 1);
    CHECK(st.records_written <= logged + kDropped);
    CHECK(st.records_suppressed[static_cast<int>(lynx::Level::info)] == feature_suppressed(calls));
  }
  CHECK(r.ring_capacity == kLargestRing);  // the ring grew before the measured calls
  std::filesystem::remove_all(dir);

  CHECK(r.wrapped);
  CHECK(r.control_counts.allocations >= 1);
  CHECK(r.control_counts.locks >= 1);
  CHECK(r.counts.allocations == 0);
  CHECK(r.counts.locks == 0);
  CHECK(r.drop_counts.allocations == 0);
  CHECK(r.drop_counts.locks == 0);
  if (r.seccomp) {
    CHECK(r.control_syscalls >= 1);
    CHECK(r.syscalls == 0);
    CHECK(r.drop_syscalls == 0);
  } else {
    MESSAGE("seccomp is unavailable here: syscalls were not counted");
  }
}

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  return context.run();
}
