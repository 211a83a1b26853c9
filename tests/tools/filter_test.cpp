// The filters of `lynx cat` (tools/filter.hpp): each one, and combinations, checked against a
// reference computed here from the records the test wrote (not through lynx's code); and the
// reader skipping whole blocks outside a time range.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <random>
#include <string>
#include <vector>

#include "cli_test_support.hpp"
#include "format/reader.hpp"

namespace {

using lynx::Level;
using lynx::test::messages;
using lynx::test::Run;
using lynx::test::run_lynx;
using lynx::test::TempDir;
using lynx::test::TestFile;
using lynx::test::types_of;

// What the test wrote, to compute the expected output from.
struct Rec {
  int i = 0;
  int site = 0;  // 1..4
  std::uint64_t tid = 0;
  std::string thread_name;
  std::int64_t ts = 0;
  long amount = 0;   // site 1
  std::string user;  // sites 1 and 3
  double price = 0;  // site 2
  bool ok = false;   // site 2
  Level level() const {
    static const Level levels[] = {Level::info, Level::info, Level::warn, Level::error,
                                   Level::debug};
    return levels[site];
  }
  std::string logger() const {
    static const char* names[] = {"", "orders", "orders.db", "jobs", "ordersx"};
    return names[site];
  }
  std::string message() const {
    char price_text[64];
    std::snprintf(price_text, sizeof price_text, "%g", price);
    switch (site) {
      case 1:
        return "rec " + std::to_string(i) + " order " + std::to_string(amount) + " by " + user;
      case 2:
        return "rec " + std::to_string(i) + " price " + price_text + " ok " +
               (ok ? "true" : "false");
      case 3: return "rec " + std::to_string(i) + " job " + user;
      default: return "rec " + std::to_string(i) + " other";
    }
  }
};

struct Workload {
  std::vector<Rec> recs;
  std::string path;
};

// 2000 records over 4 sites and 3 threads, one block per 50 records, 1 ms apart from `start`.
Workload make_workload(const TempDir& dir, std::int64_t start, std::int64_t step = 1'000'000) {
  Workload w;
  TestFile f(77, 0, 0, true);
  f.site(1, "rec {i} order {amount} by {user}", types_of<int, long, std::string_view>(),
         Level::info, "orders");
  f.site(2, "rec {i} price {price} ok {ok}", types_of<int, double, bool>(), Level::warn,
         "orders.db");
  f.site(3, "rec {i} job {user}", types_of<int, std::string_view>(), Level::error, "jobs");
  f.site(4, "rec {i} other", types_of<int>(), Level::debug, "ordersx");
  const std::pair<std::uint64_t, const char*> threads[] = {
      {11, "main"}, {22, "worker"}, {33, "io"}};
  for (std::uint32_t t = 0; t < 3; ++t) f.thread(t + 1, threads[t].first, threads[t].second);
  const char* users[] = {"bob", "alice", "bert", "carol"};
  std::mt19937 rng(1234);
  for (int i = 0; i < 2000; ++i) {
    Rec r;
    r.i = i;
    r.site = 1 + static_cast<int>(rng() % 4);
    const std::uint32_t t = rng() % 3;
    r.tid = threads[t].first;
    r.ts = start + i * step;
    r.amount = static_cast<long>(rng() % 200);
    r.user = users[rng() % 4];
    r.price = static_cast<double>(rng() % 40) / 4;
    r.ok = rng() % 2 == 0;
    switch (r.site) {
      case 1: f.record(1, t + 1, r.ts, r.i, r.amount, std::string_view(r.user)); break;
      case 2: f.record(2, t + 1, r.ts, r.i, r.price, r.ok); break;
      case 3: f.record(3, t + 1, r.ts, r.i, std::string_view(r.user)); break;
      default: f.record(4, t + 1, r.ts, r.i); break;
    }
    w.recs.push_back(r);
    if (i % 50 == 49) f.seal();
  }
  w.path = f.write(dir.file("filters.lynx"));
  return w;
}

std::vector<std::string> expected(const Workload& w, const std::function<bool(const Rec&)>& keep) {
  std::vector<std::string> out;
  for (const Rec& r : w.recs) {
    if (keep(r)) out.push_back(r.message());
  }
  return out;
}

void check_filter(const Workload& w, const std::vector<std::string>& args,
                  const std::function<bool(const Rec&)>& keep) {
  CAPTURE(args);
  std::vector<std::string> all = {"cat", "--format=json"};
  all.insert(all.end(), args.begin(), args.end());
  all.push_back(w.path);
  const Run run = run_lynx(all);
  CHECK(run.err == "");
  CHECK(run.exit_code == 0);
  const std::vector<std::string> want = expected(w, keep);
  const std::vector<std::string> got = messages(run.out);
  CHECK(got.size() == want.size());
  CHECK(got == want);
  CHECK_FALSE(want.empty());  // the case tests something
}

std::string rfc3339(std::int64_t ns) {
  const std::time_t secs = static_cast<std::time_t>(ns / 1'000'000'000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%09lld", static_cast<long long>(ns % 1'000'000'000));
  return std::string(buf) + frac + "Z";
}

}  // namespace

TEST_CASE("metadata filters: level, logger, thread") {
  TempDir dir;
  const Workload w = make_workload(dir, lynx::test::kBase);
  SUBCASE("level") {
    check_filter(w, {"--level", "warn"}, [](const Rec& r) { return r.level() >= Level::warn; });
  }
  SUBCASE("logger with children") {
    check_filter(w, {"--logger", "orders.*"},
                 [](const Rec& r) { return r.logger() == "orders" || r.logger() == "orders.db"; });
  }
  SUBCASE("loggers exact, repeated") {
    check_filter(w, {"--logger", "jobs", "--logger", "ordersx"},
                 [](const Rec& r) { return r.logger() == "jobs" || r.logger() == "ordersx"; });
  }
  SUBCASE("thread by id and by name") {
    check_filter(w, {"--thread", "22"}, [](const Rec& r) { return r.tid == 22; });
    check_filter(w, {"--thread", "worker", "--thread", "33"},
                 [](const Rec& r) { return r.tid == 22 || r.tid == 33; });
  }
}

TEST_CASE("value filters: --where typed comparisons and --grep") {
  TempDir dir;
  const Workload w = make_workload(dir, lynx::test::kBase);
  SUBCASE("numbers") {
    check_filter(w, {"--where", "amount>100"},
                 [](const Rec& r) { return r.site == 1 && r.amount > 100; });
    check_filter(w, {"--where", "amount<=50"},
                 [](const Rec& r) { return r.site == 1 && r.amount <= 50; });
    check_filter(w, {"--where", "price>=2.5"},
                 [](const Rec& r) { return r.site == 2 && r.price >= 2.5; });
    check_filter(w, {"--where", "amount=7"},
                 [](const Rec& r) { return r.site == 1 && r.amount == 7; });
  }
  SUBCASE("strings, bools, regular expressions") {
    check_filter(w, {"--where", "user=bob"},
                 [](const Rec& r) { return (r.site == 1 || r.site == 3) && r.user == "bob"; });
    check_filter(w, {"--where", "user!=bob"},
                 [](const Rec& r) { return (r.site == 1 || r.site == 3) && r.user != "bob"; });
    check_filter(w, {"--where", "user~^b"},
                 [](const Rec& r) { return (r.site == 1 || r.site == 3) && r.user[0] == 'b'; });
    check_filter(w, {"--where", "ok=true"}, [](const Rec& r) { return r.site == 2 && r.ok; });
  }
  SUBCASE("where clauses combine, with metadata filters") {
    check_filter(w, {"--where", "amount>20", "--where", "user~t$", "--thread", "11"},
                 [](const Rec& r) {
                   return r.site == 1 && r.amount > 20 && r.user.back() == 't' && r.tid == 11;
                 });
  }
  SUBCASE("grep on the message") {
    // The reference by hand (std::regex trips GCC 12's -Wmaybe-uninitialized in sanitizer builds).
    const auto order_1x = [](const std::string& m) {
      for (std::size_t p = m.find("order 1"); p != std::string::npos; p = m.find("order 1", p + 1))
        if (p + 8 < m.size() && m[p + 7] >= '0' && m[p + 7] <= '9' && m[p + 8] == ' ') return true;
      return false;
    };
    check_filter(w, {"--grep", "order 1[0-9] "},
                 [&](const Rec& r) { return order_1x(r.message()); });
    check_filter(w, {"--grep", "job (bob|carol)", "--level", "error"}, [&](const Rec& r) {
      return r.site == 3 && (r.user == "bob" || r.user == "carol");
    });
  }
}

TEST_CASE("--since/--until (RFC 3339 and relative), --head, --tail") {
  TempDir dir;
  const std::int64_t base = lynx::test::kBase;
  const Workload w = make_workload(dir, base);
  const std::int64_t since = base + 300'500'000, until = base + 1'700'000'000;
  check_filter(w, {"--since", rfc3339(since), "--until", rfc3339(until)},
               [&](const Rec& r) { return r.ts >= since && r.ts < until; });
  // An offset: the same instant, written in +02:00.
  check_filter(w, {"--since", "2026-11-27T23:17:27.5+02:00"},
               [&](const Rec& r) { return r.ts >= base - 123'456'789 + 1'500'000'000; });
  check_filter(w, {"--head", "7", "--level", "error"},
               [&, n = 0](const Rec& r) mutable { return r.level() == Level::error && n++ < 7; });
  std::vector<std::string> errors = expected(w, [](const Rec& r) { return r.site == 3; });
  const Run tail = run_lynx({"cat", "--format=json", "--tail", "5", "--level", "error", w.path});
  CHECK(tail.exit_code == 0);
  CHECK(messages(tail.out) == std::vector<std::string>(errors.end() - 5, errors.end()));

  // Relative times count back from now: records from 2 h ago to now, 3.6 s apart, half a step
  // off the whole minutes: no record is within 1.8 s of a boundary below.
  TempDir recent;
  const std::int64_t now = std::chrono::duration_cast<std::chrono::nanoseconds>(
                               std::chrono::system_clock::now().time_since_epoch())
                               .count();
  const std::int64_t start = now - 7'200'000'000'000 + 1'800'000'000;
  const Workload r = make_workload(recent, start, 3'600'000'000);
  check_filter(r, {"--since", "1h"}, [&](const Rec& x) { return x.ts >= now - 3'600'000'000'000; });
  check_filter(r, {"--until", "90m"}, [&](const Rec& x) { return x.ts < now - 5'400'000'000'000; });
}

TEST_CASE("the reader skips whole blocks outside the time range, and keeps the edges") {
  TempDir dir;
  // 40 blocks of 50 records, 1 s apart: block k holds [k*50 s, k*50 s + 49 s].
  const Workload w = make_workload(dir, lynx::test::kBase, 1'000'000'000);
  const std::int64_t since = lynx::test::kBase + 1000'000'000'000;  // record 1000 (block 20)
  const std::int64_t until = lynx::test::kBase + 1200'000'000'000;  // record 1200 (block 24)
  std::unique_ptr<lynx::format::FdSource> source;
  REQUIRE(lynx::format::FdSource::open(w.path, &source).ok());
  lynx::format::BlockReader br(w.path, std::move(source));
  REQUIRE(br.open().ok());
  br.set_time_range(since, until);
  std::vector<int> got;
  const lynx::format::ReadSummary sum = lynx::format::read_to_end(
      br, [&](const lynx::format::Record& r) { got.push_back(static_cast<int>(r.args[0].i)); },
      [](const lynx::format::Problem&) { FAIL("no problem expected"); });
  // Blocks 19 (ends 1 s before since: within the slack) to 24 (starts at until) are read.
  CHECK(sum.skipped_blocks == 40 - 6);
  REQUIRE(got.size() == 6 * 50);
  CHECK(got.front() == 950);
  CHECK(got.back() == 1249);
  // And the CLI prints exactly the records in range.
  check_filter(w, {"--since", rfc3339(since), "--until", rfc3339(until)},
               [&](const Rec& r) { return r.ts >= since && r.ts < until; });
}
