// The backend lag of the binary shards (Stats::backend_lag): each shard's record timestamps in
// the order its records were handed to it, so that the completion of a write carrying N records
// observes now - ts for the N oldest. Writes of a shard complete in the order they were submitted
// but for the few in flight at once (io_uring may reorder those), so a sample may belong to a
// neighbouring record: the histogram is exact in distribution up to that. Bounded: beyond kMax
// timestamps (records that never complete, e.g. dropped when a file cannot be opened) the oldest
// are forgotten. Backend thread only; no allocation once grown.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "lynx/stats.hpp"

namespace lynx::detail {

class LagQueue {
 public:
  static constexpr std::size_t kMax = std::size_t{1} << 20;

  // HOT on the backend: once per record.
  void push(std::int64_t ts_ns) {
    if (size_ == ts_.size()) [[unlikely]]
      grow();
    ts_[(head_ + size_) & (ts_.size() - 1)] = ts_ns;
    if (size_ < ts_.size()) {
      ++size_;
    } else {
      head_ = (head_ + 1) & (ts_.size() - 1);  // full at kMax: the oldest goes
    }
  }
  // Calls f(ts) for the `n` oldest (fewer when there are fewer) and forgets them.
  template <class F>
  void pop(std::uint64_t n, F&& f) {
    const std::size_t count = n < size_ ? static_cast<std::size_t>(n) : size_;
    const std::size_t mask = ts_.size() - 1;
    const std::int64_t* const ts = ts_.data();
    std::size_t head = head_;  // in a register: f may write memory
    for (std::size_t i = 0; i < count; ++i) {
      f(ts[head]);
      head = (head + 1) & mask;
    }
    head_ = head;
    size_ -= count;
  }

 private:
  void grow() {
    if (ts_.size() >= kMax) return;
    std::vector<std::int64_t> next(ts_.empty() ? 1024 : ts_.size() * 2);
    for (std::size_t i = 0; i < size_; ++i) next[i] = ts_[(head_ + i) & (ts_.size() - 1)];
    ts_.swap(next);
    head_ = 0;
  }

  std::vector<std::int64_t> ts_;  // a power of two in size
  std::size_t head_ = 0;
  std::size_t size_ = 0;
};

// Pops the `records` oldest timestamps of `q` and counts their lags at `now` (now - ts; a
// timestamp after `now`, from the clocks of two cores, as no lag) into `buckets`
// (LagHistogram::bucket_of), `*n` and `*sum_ns`. HOT on the backend, once per record: records
// come about in time order, so most fall in the bucket of the one before; that bucket's
// timestamps [lo, hi] are computed once and each record is compared with them (bucket_of() per
// record was most of what the histogram cost).
inline void count_lags(LagQueue& q, std::uint64_t records, std::int64_t now,
                       std::array<std::uint64_t, LagHistogram::kBuckets>* buckets, std::uint64_t* n,
                       std::uint64_t* sum_ns) {
  std::uint64_t count = 0, sum = 0;
  std::size_t bucket = 0;
  std::int64_t lo = 1, hi = 0;  // empty
  q.pop(records, [&](std::int64_t ts) {
    ++count;
    if (ts < lo || ts > hi) [[unlikely]] {
      if (ts >= now) {  // no lag; not a range worth keeping
        ++(*buckets)[0];
        lo = 1, hi = 0;
        return;
      }
      bucket =
          LagHistogram::bucket_of(static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(ts));
      // Bucket b holds lags in (upper(b - 1), upper(b)]: timestamps in [now - upper(b),
      // now - upper(b - 1) - 1]; bucket 0 those up to now - 1; the last has no lower bound.
      constexpr std::size_t kLast = LagHistogram::kBuckets - 1;
      lo = bucket < kLast ? now - static_cast<std::int64_t>(LagHistogram::upper_bound_ns(bucket))
                          : INT64_MIN;
      hi = bucket == 0
               ? now - 1
               : now - static_cast<std::int64_t>(LagHistogram::upper_bound_ns(bucket - 1)) - 1;
    }
    ++(*buckets)[bucket];
    sum += static_cast<std::uint64_t>(now) - static_cast<std::uint64_t>(ts);  // ts < now
  });
  *n += count;
  *sum_ns += sum;
}

}  // namespace lynx::detail
