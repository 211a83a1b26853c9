// Page-aligned I/O buffers owned by one pool. The backend takes a buffer, fills it with encoded
// blocks, hands it to a Writer, and the buffer returns here when its completion is reaped.
// Besides its fixed set (allocated up front, registered with io_uring where allowed), the pool
// lends oversized buffers on demand (a block bigger than a pooled buffer, or a loan while every
// pooled buffer is taken); release() frees those. Single-threaded (backend only): no
// synchronisation inside.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace lynx::io {

struct Buffer {
  std::byte* data = nullptr;
  std::size_t capacity = 0;
  std::size_t size = 0;  // bytes filled
  // Position in the pool's fixed set, the io_uring registered-buffer index; kOversized for a
  // buffer from acquire_oversized().
  std::uint32_t index = 0;
  // The caller's bookkeeping, untouched by writers (acquire() resets it): where the buffer is (to
  // be) written, so a failed write can be retried at the same place, how many records it carries,
  // and who submitted it, so its completion goes straight back there.
  int fd = -1;
  std::uint64_t offset = 0;
  std::uint64_t records = 0;
  void* owner = nullptr;

  static constexpr std::uint32_t kOversized = ~std::uint32_t{0};
};

class BufferPool {
 public:
  // `count` buffers of `buffer_bytes` each (rounded up to the page size), allocated up front.
  BufferPool(std::size_t buffer_bytes, std::size_t count);
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  Buffer* acquire();  // nullptr when every buffer is in use
  // A buffer of at least `bytes` (rounded up to whole pages) outside the fixed set: never
  // registered, owns() is false for it, release() frees it, and so does the pool's destructor if
  // it is still out. Allocates; throws std::bad_alloc when memory is exhausted.
  Buffer* acquire_oversized(std::size_t bytes);
  // Returns a buffer of the fixed set to the free list, or frees one from acquire_oversized().
  void release(Buffer* buffer);
  std::size_t free_count() const { return free_.size(); }
  std::size_t oversized_count() const { return oversized_.size(); }  // lent, not yet released
  std::size_t count() const { return buffers_.size(); }
  std::size_t buffer_bytes() const { return buffer_bytes_; }
  Buffer& at(std::size_t i) { return buffers_[i]; }
  // True when `buffer` is one of this pool's buffers (not a copy of one, not another pool's).
  bool owns(const Buffer* buffer) const {
    return buffer != nullptr && buffer->index < buffers_.size() &&
           &buffers_[buffer->index] == buffer;
  }

 private:
  std::size_t buffer_bytes_;
  std::vector<Buffer> buffers_;
  std::vector<Buffer*> free_;
  std::vector<bool> in_use_;        // by index; catches a buffer released twice
  std::vector<Buffer*> oversized_;  // lent by acquire_oversized(); few, rarely more than one
};

}  // namespace lynx::io
