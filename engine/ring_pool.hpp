// Owns every producer ring. A thread takes a ring on its first log call and gives its reference
// back when it exits; the backend returns a ring to the free list once it has drained it. The free
// list and the hand-over of new rings to the backend are lock-free (moodycamel ConcurrentQueue).
//
// Ownership of a handed-out ring is shared by two references (Ring::refs() == 2): the thread's and
// the engine's. Whoever drops the last one frees the ring. This lets a thread outlive its engine
// (it still holds the memory it may be writing to) and an engine outlive its threads.
#pragma once

#include <concurrentqueue/concurrentqueue.h>

#include <atomic>
#include <cstddef>

#include "lynx/detail/ring.hpp"

namespace lynx::detail {

Ring* make_ring(std::size_t capacity);
void free_ring(Ring* ring) noexcept;
// Drops one reference; frees the ring when it was the last.
void unref_ring(Ring* ring) noexcept;

class RingPool {
 public:
  explicit RingPool(std::size_t ring_bytes) : ring_bytes_(ring_bytes) {}
  ~RingPool();  // drops the engine's reference of every free ring
  RingPool(const RingPool&) = delete;
  RingPool& operator=(const RingPool&) = delete;

  // A reset ring with refs() == 2. Any thread.
  Ring* acquire();
  // A drained ring whose thread has let go (refs() == 1). Backend thread.
  void recycle(Ring* ring);
  std::size_t ring_bytes() const { return ring_bytes_; }

 private:
  std::size_t ring_bytes_;
  moodycamel::ConcurrentQueue<Ring*> free_;
};

}  // namespace lynx::detail
