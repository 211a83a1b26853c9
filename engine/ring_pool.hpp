// Owns every producer ring. A thread takes a ring on its first log call and gives its reference
// back when it exits; the backend returns a ring to the free list once it has drained it. The free
// lists and the hand-over of new rings to the backend are lock-free (moodycamel ConcurrentQueue).
//
// Sizes: a thread starts with a ring of Options::initial_buffer_bytes; when it fills it (or a
// record needs more than half of it) it moves to a ring twice as large (or large enough for the
// record), up to Options::buffer_bytes: at most log2(buffer_bytes / initial_buffer_bytes)
// allocations per thread, each in the producer's cold path (engine/lifecycle.cpp). The rings a
// thread outgrew go back to the system once drained (release()): a busy thread costs its largest
// ring, not the sum of the chain. Rings of exited threads are kept (recycle()), by size, every
// size a power of two between the two options, and a new ring is the smallest free one that is
// large enough.
//
// Ownership of a handed-out ring is shared by two references (Ring::refs() == 2): the thread's and
// the engine's. Whoever drops the last one frees the ring. This lets a thread outlive its engine
// (it still holds the memory it may be writing to) and an engine outlive its threads. A thread
// that moves to a bigger ring links it first (Ring::set_next), then drops its reference to the old
// one; the engine's reference to the successor is held through the chain until the backend
// reaches it.
#pragma once

#include <concurrentqueue/concurrentqueue.h>

#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "lynx/detail/ring.hpp"

namespace lynx::detail {

Ring* make_ring(std::size_t capacity);
void free_ring(Ring* ring) noexcept;
// Drops one reference; frees the ring when it was the last.
void unref_ring(Ring* ring) noexcept;

class RingPool {
 public:
  // Both powers of two, initial_bytes <= max_bytes (engine/engine_impl.cpp normalises them).
  RingPool(std::size_t initial_bytes, std::size_t max_bytes);
  ~RingPool();  // drops the engine's reference of every free ring
  RingPool(const RingPool&) = delete;
  RingPool& operator=(const RingPool&) = delete;

  // A reset ring of at least `capacity` bytes (a power of two between the two sizes) with
  // refs() == 2: the smallest free one, else a new one of `capacity` bytes, mapped and pre-faulted
  // (throws std::bad_alloc). Any thread.
  Ring* acquire(std::size_t capacity);
  // A drained ring whose thread has exited (refs() == 1), kept for the next threads. Backend.
  void recycle(Ring* ring);
  // A drained ring its thread outgrew (refs() == 1): freed. Backend thread.
  void release(Ring* ring);
  std::size_t initial_bytes() const { return initial_bytes_; }
  std::size_t max_bytes() const { return max_bytes_; }
  // The ring a thread on `ring` moves to for a record of `size` bytes: twice as large, or large
  // enough that the record fits; 0 when `ring` is already as large as allowed or the record would
  // not fit the largest ring.
  std::size_t next_capacity(const Ring& ring, std::size_t size) const;

 private:
  moodycamel::ConcurrentQueue<Ring*>& free_list(std::size_t capacity);

  const std::size_t initial_bytes_;
  const std::size_t max_bytes_;
  // free_[i]: rings of initial_bytes_ << i bytes.
  std::vector<std::unique_ptr<moodycamel::ConcurrentQueue<Ring*>>> free_;
};

}  // namespace lynx::detail
