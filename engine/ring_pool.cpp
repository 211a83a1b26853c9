#include "engine/ring_pool.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace lynx::detail {

namespace {
constexpr std::size_t kHeaderBytes = (sizeof(Ring) + 63) & ~std::size_t{63};
}

Ring* make_ring(std::size_t capacity) {
  void* mem = std::aligned_alloc(64, kHeaderBytes + capacity);
  if (mem == nullptr) throw std::bad_alloc();
  auto* storage = static_cast<std::byte*>(mem) + kHeaderBytes;
  // Touch every page now, on the registering thread, so that the first pass through a fresh ring
  // does not take a page fault every 4 KiB inside log calls (the p99.9 tail in docs/benchmarks.md).
  std::memset(storage, 0, capacity);
  return new (mem) Ring(storage, capacity);
}

void free_ring(Ring* ring) noexcept {
  ring->~Ring();
  std::free(ring);
}

void unref_ring(Ring* ring) noexcept {
  // acq_rel: the side that frees must see every write the other side made to the ring.
  if (ring->refs().fetch_sub(1, std::memory_order_acq_rel) == 1) free_ring(ring);
}

RingPool::~RingPool() {
  Ring* ring;
  while (free_.try_dequeue(ring)) unref_ring(ring);
}

Ring* RingPool::acquire() {
  Ring* ring;
  if (!free_.try_dequeue(ring)) ring = make_ring(ring_bytes_);
  ring->reset();
  ring->refs().store(2, std::memory_order_release);
  return ring;
}

void RingPool::recycle(Ring* ring) {
  if (!free_.enqueue(ring)) unref_ring(ring);
}

}  // namespace lynx::detail
