// Small appends to a fmt::memory_buffer shared by the render library's files. Internal.
//
// Hot: a line is some twenty appends of a few bytes each. fmt's buffer::append is out of line and
// copies in a loop; these are inline, and copy with one memcpy when the buffer has room (the
// caller's buffer has grown to its working size after the first lines).
#pragma once

#include <array>
#include <cstdint>
#include <cstring>
#include <string_view>

#include <fmt/format.h>

namespace lynx::render::detail {

// Copies n <= 16 bytes with fixed-size moves (a libc memcpy call per append of a few bytes was
// a twentieth of `lynx cat`'s time): two overlapping words cover any size in their range.
[[gnu::always_inline]] inline void copy_small(char* to, const char* from, std::size_t n) {
  if (n >= 8) {
    std::memcpy(to, from, 8);
    std::memcpy(to + n - 8, from + n - 8, 8);
  } else if (n >= 4) {
    std::memcpy(to, from, 4);
    std::memcpy(to + n - 4, from + n - 4, 4);
  } else if (n != 0) {
    to[0] = from[0];
    to[n / 2] = from[n / 2];
    to[n - 1] = from[n - 1];
  }
}

[[gnu::always_inline]] inline void append(fmt::memory_buffer& out, const char* begin,
                                          std::size_t n) {
  const std::size_t size = out.size();
  if (n > out.capacity() - size) out.reserve(size + n);  // grows by half at least
  if (n <= 16) {
    copy_small(out.data() + size, begin, n);
  } else {
    std::memcpy(out.data() + size, begin, n);
  }
  out.resize(size + n);
}

[[gnu::always_inline]] inline void append(fmt::memory_buffer& out, const char* begin,
                                          const char* end) {
  append(out, begin, static_cast<std::size_t>(end - begin));
}

[[gnu::always_inline]] inline void append(fmt::memory_buffer& out, std::string_view s) {
  append(out, s.data(), s.size());
}

// "00" "01" ... "99": two digits per division by 100.
inline constexpr auto kDigitPairs = [] {
  std::array<char, 200> t{};
  for (int i = 0; i < 100; ++i) {
    t[2 * i] = static_cast<char>('0' + i / 10);
    t[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

// Writes the `width` lowest decimal digits of v (leading zeros kept) ending just before `end`;
// returns where they start.
inline char* put_digits_backwards(char* end, std::uint64_t v, int width) {
  for (; width >= 2; width -= 2) {
    end -= 2;
    std::memcpy(end, &kDigitPairs[2 * (v % 100)], 2);
    v /= 100;
  }
  if (width == 1) *--end = static_cast<char>('0' + v % 10);
  return end;
}

// Writes v in decimal (no leading zeros; "0" for 0) ending just before `end`; returns where it
// starts. At most 20 digits.
inline char* put_decimal_backwards(char* end, std::uint64_t v) {
  while (v >= 100) {
    end -= 2;
    std::memcpy(end, &kDigitPairs[2 * (v % 100)], 2);
    v /= 100;
  }
  if (v >= 10) {
    end -= 2;
    std::memcpy(end, &kDigitPairs[2 * v], 2);
  } else {
    *--end = static_cast<char>('0' + v);
  }
  return end;
}

template <class Int>
inline void append_int(fmt::memory_buffer& out, Int v) {
  const fmt::format_int f(v);
  append(out, f.data(), f.size());
}

}  // namespace lynx::render::detail
