// Page-aligned buffers allocated once, so the hot loop never allocates and io_uring can register
// (pin) the whole set up front. Page alignment also satisfies O_DIRECT's memory alignment.
#include "io/buffer_pool.hpp"

#include <unistd.h>

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <new>

namespace lynx::io {
namespace {

std::size_t page_size() {
  const long page = ::sysconf(_SC_PAGESIZE);
  return page > 0 ? static_cast<std::size_t>(page) : 4096;
}

// At least one page, a whole number of pages.
std::size_t round_to_pages(std::size_t bytes, std::size_t page) {
  if (bytes == 0) return page;
  if (bytes > std::numeric_limits<std::size_t>::max() - page) throw std::bad_alloc();
  return (bytes + page - 1) / page * page;
}

}  // namespace

BufferPool::BufferPool(std::size_t buffer_bytes, std::size_t count)
    : buffer_bytes_(round_to_pages(buffer_bytes, page_size())) {
  // Buffer::index is 32 bits and doubles as the io_uring registered-buffer index.
  if (count > std::numeric_limits<std::uint32_t>::max()) throw std::bad_alloc();
  const std::size_t page = page_size();
  buffers_.resize(count);
  in_use_.assign(count, false);
  free_.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    void* p = std::aligned_alloc(page, buffer_bytes_);
    if (p == nullptr) {
      // The destructor does not run for a constructor that throws: free what we have.
      for (std::size_t j = 0; j < i; ++j) std::free(buffers_[j].data);
      throw std::bad_alloc();
    }
    buffers_[i] =
        Buffer{static_cast<std::byte*>(p), buffer_bytes_, 0, static_cast<std::uint32_t>(i)};
  }
  // LIFO with buffer 0 on top: low indexes are handed out first and most often, so when io_uring
  // could register only a prefix of the pool (RLIMIT_MEMLOCK) that prefix carries most writes.
  for (std::size_t i = count; i-- > 0;) free_.push_back(&buffers_[i]);
}

BufferPool::~BufferPool() {
  for (Buffer& b : buffers_) std::free(b.data);
  for (Buffer* b : oversized_) {
    std::free(b->data);
    delete b;
  }
}

Buffer* BufferPool::acquire() {
  if (free_.empty()) return nullptr;
  Buffer* b = free_.back();
  free_.pop_back();
  in_use_[b->index] = true;
  b->size = 0;
  b->fd = -1;
  b->offset = 0;
  b->records = 0;
  b->owner = nullptr;
  return b;
}

Buffer* BufferPool::acquire_oversized(std::size_t bytes) {
  const std::size_t page = page_size();
  const std::size_t capacity = round_to_pages(bytes, page);
  oversized_.reserve(oversized_.size() + 1);  // release() never allocates; this may throw first
  void* p = std::aligned_alloc(page, capacity);
  if (p == nullptr) throw std::bad_alloc();
  auto* b = new (std::nothrow) Buffer{static_cast<std::byte*>(p), capacity, 0, Buffer::kOversized};
  if (b == nullptr) {
    std::free(p);
    throw std::bad_alloc();
  }
  oversized_.push_back(b);
  return b;
}

void BufferPool::release(Buffer* buffer) {
  if (buffer == nullptr) return;
  if (buffer->index == Buffer::kOversized) {
    const auto it = std::find(oversized_.begin(), oversized_.end(), buffer);
    assert(it != oversized_.end());  // not lent by this pool, or released twice
    if (it == oversized_.end()) return;
    *it = oversized_.back();
    oversized_.pop_back();
    std::free(buffer->data);
    delete buffer;
    return;
  }
  // A foreign or twice-released buffer is a caller bug that would hand one buffer to two writes;
  // debug builds stop here, release builds keep the free list intact by ignoring it.
  assert(owns(buffer) && in_use_[buffer->index]);
  if (!owns(buffer) || !in_use_[buffer->index]) return;
  in_use_[buffer->index] = false;
  buffer->size = 0;
  free_.push_back(buffer);
}

}  // namespace lynx::io
