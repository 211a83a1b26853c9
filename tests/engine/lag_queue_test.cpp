// engine/lag_queue.hpp: count_lags() counts every record's lag in the bucket
// LagHistogram::bucket_of() gives it, with the same count and sum, whatever the order of the
// timestamps: in order, jittered, at the bucket boundaries, after `now`, and extreme values.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "engine/lag_queue.hpp"

namespace {

using lynx::LagHistogram;
using Buckets = std::array<std::uint64_t, LagHistogram::kBuckets>;

struct Counted {
  Buckets buckets{};
  std::uint64_t n = 0, sum = 0;
};

// The reference: each lag on its own.
Counted reference(const std::vector<std::int64_t>& ts, std::int64_t now) {
  Counted c;
  for (const std::int64_t t : ts) {
    const std::uint64_t lag =
        t < now ? static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(t) : 0;
    ++c.buckets[LagHistogram::bucket_of(lag)];
    ++c.n;
    c.sum += lag;
  }
  return c;
}

// count_lags over `ts` pushed into a queue, popped in writes of `per_write` records.
Counted counted(const std::vector<std::int64_t>& ts, std::int64_t now, std::size_t per_write) {
  lynx::detail::LagQueue q;
  for (const std::int64_t t : ts) q.push(t);
  Counted c;
  for (std::size_t done = 0; done < ts.size(); done += per_write)
    lynx::detail::count_lags(q, per_write, now, &c.buckets, &c.n, &c.sum);
  return c;
}

void check(const std::vector<std::int64_t>& ts, std::int64_t now) {
  const Counted want = reference(ts, now);
  for (const std::size_t per_write : {std::size_t{1}, std::size_t{7}, ts.size() + 1}) {
    CAPTURE(per_write);
    const Counted got = counted(ts, now, per_write);
    CHECK(got.buckets == want.buckets);
    CHECK(got.n == want.n);
    CHECK(got.sum == want.sum);
  }
}

constexpr std::int64_t kNow = 1'795'814'246'123'456'789;

}  // namespace

TEST_CASE("in time order, jittered, and shuffled") {
  std::mt19937_64 rng(17);
  std::vector<std::int64_t> ts;
  std::int64_t t = kNow - 40'000'000'000;  // 40 s ago, towards now
  for (int i = 0; i < 20000; ++i) {
    t += static_cast<std::int64_t>(rng() % 4'000'000);
    ts.push_back(t - static_cast<std::int64_t>(rng() % 50'000));  // a little out of order
  }
  check(ts, kNow);
  std::shuffle(ts.begin(), ts.end(), rng);
  check(ts, kNow);
}

TEST_CASE("every bucket boundary, timestamps at and after now, extremes") {
  std::vector<std::int64_t> ts;
  for (std::size_t b = 0; b + 1 < LagHistogram::kBuckets; ++b) {
    const auto u = static_cast<std::int64_t>(LagHistogram::upper_bound_ns(b));
    for (const std::int64_t d : {u - 1, u, u + 1}) ts.push_back(kNow - d);
  }
  for (const std::int64_t d : {0, 1, -1, -5000, 999, 1000, 1001})
    ts.push_back(kNow - d);                                // at now, just before, after
  ts.push_back(std::numeric_limits<std::int64_t>::min());  // beyond the last bound
  ts.push_back(std::numeric_limits<std::int64_t>::max());
  check(ts, kNow);
  std::vector<std::int64_t> reversed(ts.rbegin(), ts.rend());
  check(reversed, kNow);
}

TEST_CASE("fewer timestamps queued than records written") {
  lynx::detail::LagQueue q;
  q.push(kNow - 5000);
  Buckets buckets{};
  std::uint64_t n = 0, sum = 0;
  lynx::detail::count_lags(q, 10, kNow, &buckets, &n, &sum);
  CHECK(n == 1);
  CHECK(sum == 5000);
  CHECK(buckets[LagHistogram::bucket_of(5000)] == 1);
}
