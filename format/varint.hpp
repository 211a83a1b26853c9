// LEB128 varints and zigzag, shared by the block encoder and the reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

namespace lynx::format {

inline constexpr std::size_t kMaxVarintSize = 10;

// Writes `v` at `p` (room for kMaxVarintSize bytes required); returns the end.
inline std::byte* put_varint(std::byte* p, std::uint64_t v) noexcept {
  while (v >= 0x80) {
    *p++ = static_cast<std::byte>(v | 0x80);
    v >>= 7;
  }
  *p++ = static_cast<std::byte>(v);
  return p;
}

inline constexpr std::uint64_t zigzag(std::int64_t v) noexcept {
  return (static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63);
}
inline constexpr std::int64_t unzigzag(std::uint64_t v) noexcept {
  return static_cast<std::int64_t>(v >> 1) ^ -static_cast<std::int64_t>(v & 1);
}

// Bounds-checked cursor over untrusted bytes. Every read fails (returns false) instead of reading
// past the end; after a failure the cursor stays failed.
class Cursor {
 public:
  Cursor(const std::byte* p, std::size_t n) : p_(p), end_(p + n) {}
  bool ok() const { return ok_; }
  std::size_t remaining() const { return static_cast<std::size_t>(end_ - p_); }
  const std::byte* pos() const { return p_; }

  bool varint(std::uint64_t* out) {
    if (p_ < end_ && static_cast<std::uint8_t>(*p_) < 0x80) {  // one byte: most of them
      *out = static_cast<std::uint8_t>(*p_++);
      return true;
    }
    std::uint64_t v = 0;
    for (unsigned shift = 0; shift < 64 && p_ < end_; shift += 7) {
      const auto b = static_cast<std::uint8_t>(*p_++);
      v |= static_cast<std::uint64_t>(b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        *out = v;
        return true;
      }
    }
    return fail();
  }
  bool bytes(void* out, std::size_t n) {
    if (!ok_ || remaining() < n) return fail();
    std::memcpy(out, p_, n);
    p_ += n;
    return true;
  }
  // A view of the next n bytes without copying.
  bool view(const std::byte** out, std::size_t n) {
    if (!ok_ || remaining() < n) return fail();
    *out = p_;
    p_ += n;
    return true;
  }
  bool skip(std::size_t n) {
    const std::byte* ignored;
    return view(&ignored, n);
  }

 private:
  bool fail() {
    ok_ = false;
    p_ = end_;
    return false;
  }
  const std::byte* p_;
  const std::byte* end_;
  bool ok_ = true;
};

}  // namespace lynx::format
