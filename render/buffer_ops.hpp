// Small appends to a fmt::memory_buffer shared by the render library's files. Internal.
//
// Hot: a line is some twenty appends of a few bytes each. fmt's buffer::append is out of line and
// copies in a loop; these are inline, and copy with one memcpy when the buffer has room (the
// caller's buffer has grown to its working size after the first lines).
#pragma once

#include <cstring>
#include <string_view>

#include <fmt/format.h>

namespace lynx::render::detail {

[[gnu::always_inline]] inline void append(fmt::memory_buffer& out, const char* begin,
                                          std::size_t n) {
  const std::size_t size = out.size();
  if (n > out.capacity() - size) out.reserve(size + n);  // grows by half at least
  if (n != 0) std::memcpy(out.data() + size, begin, n);
  out.resize(size + n);
}

[[gnu::always_inline]] inline void append(fmt::memory_buffer& out, const char* begin,
                                          const char* end) {
  append(out, begin, static_cast<std::size_t>(end - begin));
}

[[gnu::always_inline]] inline void append(fmt::memory_buffer& out, std::string_view s) {
  append(out, s.data(), s.size());
}

template <class Int>
inline void append_int(fmt::memory_buffer& out, Int v) {
  const fmt::format_int f(v);
  append(out, f.data(), f.size());
}

}  // namespace lynx::render::detail
