// A growable byte buffer that does not zero what it adds: the block builder reserves a record's
// worst-case size, writes the record and gives back what it did not use, once per record, so a
// std::vector's zero-filling resize() would cost more than writing the record (BACKEND HOT PATH).
#pragma once

#include <cstddef>
#include <cstring>
#include <memory>

namespace lynx::format {

class ByteBuffer {
 public:
  explicit ByteBuffer(std::size_t capacity = 0) { reserve(capacity); }

  const std::byte* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  void clear() { size_ = 0; }

  // Adds `n` bytes of unspecified value at the end and returns where they start.
  std::byte* extend(std::size_t n) {
    if (capacity_ - size_ < n) reserve(size_ + n > 2 * capacity_ ? size_ + n : 2 * capacity_);
    std::byte* p = data_.get() + size_;
    size_ += n;
    return p;
  }
  // Gives back the last `n` bytes (n <= size()).
  void shrink_by(std::size_t n) { size_ -= n; }

  void reserve(std::size_t capacity) {
    if (capacity <= capacity_) return;
    std::unique_ptr<std::byte[]> bigger(
        new std::byte[capacity]);  // default-initialised: not zeroed
    if (size_ != 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

 private:
  std::unique_ptr<std::byte[]> data_;
  std::size_t size_ = 0;
  std::size_t capacity_ = 0;
};

}  // namespace lynx::format
