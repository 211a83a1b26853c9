#include "engine/ring_pool.hpp"

#include <sys/mman.h>

#include <bit>
#include <cstring>
#include <new>

namespace lynx::detail {

namespace {
// Initial room of each free list: a few rings per size before the queue allocates more.
constexpr std::size_t kFreeListCapacity = 64;
}  // namespace

// The storage is mapped, not taken from malloc, so that a ring freed (outgrown by its thread, or
// at engine stop) goes back to the system at once instead of staying resident in a malloc arena.
Ring* make_ring(std::size_t capacity) {
  void* mem = ::mmap(nullptr, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem == MAP_FAILED) throw std::bad_alloc();
  auto* storage = static_cast<std::byte*>(mem);
  // Touch every page now, on the registering (or growing) thread, so that the first pass through a
  // fresh ring does not take a page fault every 4 KiB inside log calls (the p99.9 tail in
  // docs/benchmarks.md).
  std::memset(storage, 0, capacity);
  try {
    return new Ring(storage, capacity);
  } catch (...) {
    ::munmap(mem, capacity);
    throw;
  }
}

void free_ring(Ring* ring) noexcept {
  std::byte* storage = ring->storage();
  const std::size_t capacity = ring->capacity();
  delete ring;
  ::munmap(storage, capacity);
}

void unref_ring(Ring* ring) noexcept {
  // acq_rel: the side that frees must see every write the other side made to the ring.
  if (ring->refs().fetch_sub(1, std::memory_order_acq_rel) == 1) free_ring(ring);
}

RingPool::RingPool(std::size_t initial_bytes, std::size_t max_bytes)
    : initial_bytes_(initial_bytes), max_bytes_(max_bytes) {
  for (std::size_t c = initial_bytes_; c <= max_bytes_; c *= 2)
    free_.push_back(std::make_unique<moodycamel::ConcurrentQueue<Ring*>>(kFreeListCapacity));
}

RingPool::~RingPool() {
  Ring* ring;
  for (auto& list : free_) {
    while (list->try_dequeue(ring)) unref_ring(ring);
  }
}

moodycamel::ConcurrentQueue<Ring*>& RingPool::free_list(std::size_t capacity) {
  return *free_[static_cast<std::size_t>(std::countr_zero(capacity) -
                                         std::countr_zero(initial_bytes_))];
}

Ring* RingPool::acquire(std::size_t capacity) {
  // The smallest free ring that is large enough: memory already resident is used before more is
  // mapped.
  Ring* ring = nullptr;
  for (std::size_t c = capacity; c <= max_bytes_ && ring == nullptr; c *= 2) {
    if (!free_list(c).try_dequeue(ring)) ring = nullptr;
  }
  if (ring == nullptr) ring = make_ring(capacity);
  ring->reset();
  ring->refs().store(2, std::memory_order_release);
  return ring;
}

void RingPool::recycle(Ring* ring) {
  // A ring not from this pool (an early ring, engine/lifecycle.cpp, of another size) is freed.
  const std::size_t c = ring->capacity();
  if (c < initial_bytes_ || c > max_bytes_ || !free_list(c).enqueue(ring)) unref_ring(ring);
}

void RingPool::release(Ring* ring) { unref_ring(ring); }

std::size_t RingPool::next_capacity(const Ring& ring, std::size_t size) const {
  if (ring.capacity() >= max_bytes_) return 0;
  std::size_t capacity = ring.capacity() * 2;
  // max_record() of a ring of `capacity` bytes: half of it, at most kMaxRecord.
  while (capacity < max_bytes_ && (capacity / 2 < size)) capacity *= 2;
  if (size > capacity / 2 || size > kMaxRecord) return 0;
  return capacity;
}

}  // namespace lynx::detail
