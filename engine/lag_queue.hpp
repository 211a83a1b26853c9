// The backend lag of the binary shards (Stats::backend_lag): each shard's record timestamps in
// the order its records were handed to it, so that the completion of a write carrying N records
// observes now - ts for the N oldest. Writes of a shard complete in the order they were submitted
// but for the few in flight at once (io_uring may reorder those), so a sample may belong to a
// neighbouring record: the histogram is exact in distribution up to that. Bounded: beyond kMax
// timestamps (records that never complete, e.g. dropped when a file cannot be opened) the oldest
// are forgotten. Backend thread only; no allocation once grown.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

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
    for (; n != 0 && size_ != 0; --n, --size_) {
      f(ts_[head_]);
      head_ = (head_ + 1) & (ts_.size() - 1);
    }
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

}  // namespace lynx::detail
