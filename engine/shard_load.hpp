// Which shard a producer thread writes to: the one with the fewest live threads when the thread
// registers (its first log call), the lowest shard number on a tie. A thread stays on its shard for
// its whole life, since each shard is a complete log of its threads; when it exits, its place is
// freed and later threads fill the emptiest shards first. So every registration leaves the live
// counts as even as they can be; exits alone may leave them uneven until new threads arrive.
//
// Cold path only. join() is serialised by the caller (registration runs under the lifecycle mutex),
// so threads registering at once see each other's choice. leave() runs on an exiting thread,
// without the mutex. Relaxed is enough: the counts steer a choice and guard no data; a thread's
// leave() is visible to whatever its std::thread::join() happens-before, and a registration racing
// with an exit merely may still count the exiting thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

namespace lynx::detail {

class ShardLoad {
 public:
  explicit ShardLoad(std::uint32_t shards)
      : shards_(shards), live_(std::make_unique<std::atomic<std::uint32_t>[]>(shards)) {}
  ShardLoad(const ShardLoad&) = delete;
  ShardLoad& operator=(const ShardLoad&) = delete;

  std::uint32_t shards() const noexcept { return shards_; }

  // Counts a new live thread on the least loaded shard and returns that shard. Callers serialise.
  std::uint32_t join() noexcept {
    std::uint32_t best = 0;
    std::uint32_t best_live = live_[0].load(std::memory_order_relaxed);
    for (std::uint32_t s = 1; s < shards_; ++s) {
      const std::uint32_t n = live_[s].load(std::memory_order_relaxed);
      if (n < best_live) {
        best = s;
        best_live = n;
      }
    }
    live_[best].fetch_add(1, std::memory_order_relaxed);
    return best;
  }

  // The thread counted on `shard` by join() is gone. Any thread.
  void leave(std::uint32_t shard) noexcept { live_[shard].fetch_sub(1, std::memory_order_relaxed); }

  std::uint32_t live(std::uint32_t shard) const noexcept {
    return live_[shard].load(std::memory_order_relaxed);
  }

 private:
  const std::uint32_t shards_;
  const std::unique_ptr<std::atomic<std::uint32_t>[]> live_;
};

// One thread's place on a shard of one engine, held in a thread_local (engine/lifecycle.cpp): left
// when the thread exits or registers with another engine. Shares ownership of the ShardLoad, so a
// thread may outlive its engine.
class ShardLease {
 public:
  constexpr ShardLease() noexcept = default;
  ~ShardLease() { reset(); }
  ShardLease(const ShardLease&) = delete;
  ShardLease& operator=(const ShardLease&) = delete;

  // Leaves the current place, if any, and takes the least loaded shard of `load`.
  std::uint32_t take(std::shared_ptr<ShardLoad> load) noexcept {
    reset();
    shard_ = load->join();
    load_ = std::move(load);
    return shard_;
  }

  void reset() noexcept {
    if (load_ == nullptr) return;
    load_->leave(shard_);
    load_.reset();
  }

 private:
  std::shared_ptr<ShardLoad> load_;
  std::uint32_t shard_ = 0;
};

}  // namespace lynx::detail
