// Options::shards = N: each producer thread is assigned one shard when it registers (its first log
// call), the shard with the fewest live threads. Threads that register together end up at most one
// apart per shard; after threads exit, new ones fill the emptiest shards first. Each shard's files
// decode on their own, and merging all shards the way `lynx cat DIR` does gives every record once,
// each thread in the order it logged. Threads are parked on semaphores, so which threads are alive
// at each registration is exact; nothing sleeps or measures time.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <pthread.h>
#include <lynx/lynx.hpp>

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <semaphore>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

constexpr std::uint32_t kShards = 4;

// A producer thread that registers (logs "{who} registered") as soon as it starts, then waits until
// finish() lets it log `records` more and exit.
class Worker {
 public:
  explicit Worker(std::string who) : who_(std::move(who)), thread_([this] { body(); }) {}
  ~Worker() {  // also when a failed REQUIRE left the thread parked
    if (!released_) release(0);
    if (thread_.joinable()) join();
  }
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  const std::string& who() const { return who_; }
  void wait_registered() { registered_.acquire(); }
  // Lets the thread log `records` records and exit; returns once it has exited (its thread_local
  // destructors, which let go of its ring and its shard, have run).
  void finish(int records) {
    release(records);
    join();
  }
  void release(int records) {
    records_ = records;  // published by the semaphore
    released_ = true;
    go_.release();
  }
  void join() { thread_.join(); }

 private:
  void body() {
    pthread_setname_np(pthread_self(), who_.c_str());
    lynx::Logger& log = lynx::logger("balance");
    LYNX_INFO(log, "{who} registered", who_);
    registered_.release();
    go_.acquire();
    for (int seq = 0; seq < records_; ++seq) LYNX_INFO(log, "{who} seq {seq}", who_, seq);
  }

  const std::string who_;
  std::binary_semaphore registered_{0};
  std::binary_semaphore go_{0};
  int records_ = 0;
  bool released_ = false;  // owner's side only
  std::thread thread_;     // last: starts once everything above exists
};

using Workers = std::vector<std::unique_ptr<Worker>>;

// Starts `n` workers named <prefix>0.. at once and waits until every one has registered.
Workers start(const std::string& prefix, unsigned n) {
  Workers out;
  for (unsigned i = 0; i < n; ++i)
    out.push_back(std::make_unique<Worker>(prefix + std::to_string(i)));
  for (auto& w : out) w->wait_registered();
  return out;
}

// Which shard each worker's records are in (every shard it used: must be exactly one).
std::map<std::string, std::set<std::uint32_t>> shards_by_worker(const lynx::test::Decoded& d) {
  std::map<std::string, std::uint32_t> shard_of_path;
  for (const auto& f : d.files) shard_of_path[f.path] = f.shard;
  std::map<std::string, std::set<std::uint32_t>> out;
  for (const auto* r : d.user_records()) out[r->value("who")].insert(shard_of_path.at(r->path));
  return out;
}

// The shard of each of `workers`, checking that each used exactly one.
std::map<std::string, std::uint32_t> shard_of(const lynx::test::Decoded& d,
                                              const Workers& workers) {
  const auto used = shards_by_worker(d);
  std::map<std::string, std::uint32_t> out;
  for (const auto& w : workers) {
    CAPTURE(w->who());
    REQUIRE(used.count(w->who()) == 1);
    CHECK(used.at(w->who()).size() == 1);
    out[w->who()] = *used.at(w->who()).begin();
  }
  return out;
}

// How many of `workers` are on each shard, all kShards of them listed.
std::vector<unsigned> per_shard(const std::map<std::string, std::uint32_t>& shard_of_worker,
                                const Workers& workers) {
  std::vector<unsigned> counts(kShards, 0);
  for (const auto& w : workers) {
    const std::uint32_t s = shard_of_worker.at(w->who());
    REQUIRE(s < kShards);
    ++counts[s];
  }
  return counts;
}

// "2 2 2 2": readable in a failed CHECK.
std::string str(const std::vector<unsigned>& counts) {
  std::string out;
  for (unsigned c : counts) out += (out.empty() ? "" : " ") + std::to_string(c);
  return out;
}

void check_balanced(const std::vector<unsigned>& counts, unsigned threads) {
  CAPTURE(str(counts));
  const auto [lo, hi] = std::minmax_element(counts.begin(), counts.end());
  CHECK(*hi - *lo <= 1);
  unsigned sum = 0;
  for (unsigned c : counts) sum += c;
  CHECK(sum == threads);
}

// Records of a worker that are not where they belong in `records`: each worker's "registered"
// record first, then seq 0, 1, ... kRecords-1, with nothing missing at the end.
std::uint64_t count_out_of_order(const std::vector<const lynx::test::DecodedRecord*>& records,
                                 int per_worker) {
  std::map<std::string, int> next;  // -1: "registered" expected
  std::uint64_t wrong = 0;
  for (const auto* r : records) {
    auto [it, fresh] = next.try_emplace(r->value("who"), -1);
    const int seq = r->format == "{who} seq {seq}" ? std::stoi(r->value("seq")) : -1;
    if (seq != it->second) ++wrong;
    it->second = seq + 1;
  }
  for (const auto& [who, n] : next) {
    if (n != per_worker) ++wrong;
  }
  return wrong;
}

Workers concat(Workers a, Workers b) {
  for (auto& w : b) a.push_back(std::move(w));
  return a;
}

}  // namespace

TEST_CASE(
    "shards = 4: 8 threads get 2 per shard; after they exit, 9 more get 3,2,2,2; lynx cat merges "
    "all") {
  lynx::test::TempDir dir("balance");
  constexpr int kRecords = 3000;
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "app", .shards = kShards});
    Workers first = start("a", 8);               // all alive at once
    for (auto& w : first) w->release(kRecords);  // all log at once
    for (auto& w : first) w->join();
    Workers second = start("b", 9);  // after all of `first` exited
    for (auto& w : second) w->release(kRecords);
    for (auto& w : second) w->join();
    engine.flush();
    CHECK(engine.stats().threads_registered == 17);
    CHECK(engine.stats().records_dropped == 0);
  }
  const lynx::test::Decoded all = lynx::test::decode_dir(dir.path());
  CHECK(all.problems == 0);
  for (const std::string& p : all.problem_messages) MESSAGE(p);

  std::vector<unsigned> a_counts(kShards, 0), b_counts(kShards, 0);
  const auto used = shards_by_worker(all);
  CHECK(used.size() == 17);
  for (const auto& [who, shards] : used) {
    CAPTURE(who);
    REQUIRE(shards.size() == 1);  // a thread writes to one shard only
    (who[0] == 'a' ? a_counts : b_counts)[*shards.begin()]++;
  }
  CHECK(str(a_counts) == "2 2 2 2");
  check_balanced(b_counts, 9);

  // Each shard's files, decoded alone (a reader per file, nothing shared between shards), hold
  // exactly the records of that shard's threads, each thread's in order.
  std::map<std::uint32_t, std::vector<std::string>> files_of_shard;
  for (const auto& f : all.files) files_of_shard[f.shard].push_back(f.path);
  REQUIRE(files_of_shard.size() == kShards);
  for (const auto& [shard, paths] : files_of_shard) {
    CAPTURE(shard);
    lynx::test::Decoded one;
    for (const std::string& p : paths) lynx::test::decode_file(p, one);
    CHECK(one.problems == 0);
    const auto records = one.user_records();
    CHECK(records.size() == (a_counts[shard] + b_counts[shard]) * std::uint64_t{kRecords + 1});
    CHECK(count_out_of_order(records, kRecords) == 0);
  }

  // `lynx cat DIR`: all shards merged by time (tools/log_source.hpp: each record's effective
  // time is max(its time, its thread's previous effective time), then a stable sort), which keeps
  // every thread in the order it logged.
  std::vector<const lynx::test::DecodedRecord*> merged = all.user_records();
  std::map<std::string, std::int64_t> last_of_thread;
  std::map<const lynx::test::DecodedRecord*, std::int64_t> effective;
  for (const auto* r : merged) {  // files in (shard, sequence) order: each thread's in its order
    auto [it, fresh] = last_of_thread.try_emplace(r->value("who"), r->ts_ns);
    if (!fresh) it->second = std::max(it->second, r->ts_ns);
    effective[r] = it->second;
  }
  std::stable_sort(merged.begin(), merged.end(),
                   [&](const auto* x, const auto* y) { return effective[x] < effective[y]; });
  CHECK(merged.size() == 17 * std::uint64_t{kRecords + 1});
  CHECK(count_out_of_order(merged, kRecords) == 0);
}

TEST_CASE("threads that exit free their place: new threads fill the emptiest shards first") {
  lynx::test::TempDir dir("balance_exit");
  lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "app", .shards = kShards});

  Workers live = start("c", 8);
  engine.flush();
  auto where = shard_of(lynx::test::decode_dir(dir.path()), live);
  CHECK(str(per_shard(where, live)) == "2 2 2 2");

  // Both threads of one shard exit, and one thread of another: live counts become 0, 1, 2, 2.
  const std::uint32_t emptied = where.at(live[0]->who());
  std::uint32_t thinned = kShards;  // the first other shard met
  Workers kept;
  for (auto& w : live) {
    const std::uint32_t s = where.at(w->who());
    if (s == emptied || thinned == kShards) {
      if (s != emptied) thinned = s;
      w->finish(10);
    } else {
      kept.push_back(std::move(w));
    }
  }
  REQUIRE(kept.size() == 5);
  CHECK(per_shard(where, kept)[emptied] == 0);
  CHECK(per_shard(where, kept)[thinned] == 1);

  // Three new threads take the places that were freed: 2 per shard again.
  live = concat(std::move(kept), start("d", 3));
  engine.flush();
  where = shard_of(lynx::test::decode_dir(dir.path()), live);
  CHECK(str(per_shard(where, live)) == "2 2 2 2");

  // One more: any shard, 3,2,2,2.
  live = concat(std::move(live), start("e", 1));
  engine.flush();
  where = shard_of(lynx::test::decode_dir(dir.path()), live);
  check_balanced(per_shard(where, live), 9);

  for (auto& w : live) w->finish(10);
  engine.flush();
  CHECK(engine.stats().threads_registered == 12);
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  CHECK(decoded.user_records().size() == 12 * 11);
}

TEST_CASE("shards = 1: every thread on shard 0") {
  lynx::test::TempDir dir("balance_one");
  lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "app", .shards = 1});
  Workers w = start("f", 3);
  for (auto& x : w) x->finish(5);
  engine.flush();
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  for (const auto& f : decoded.files) CHECK(f.shard == 0);
  CHECK(decoded.user_records().size() == 3 * 6);
}
