// Small appends to a fmt::memory_buffer shared by the render library's files. Internal.
#pragma once

#include <string_view>

#include <fmt/format.h>

namespace lynx::render::detail {

inline void append(fmt::memory_buffer& out, std::string_view s) {
  out.append(s.data(), s.data() + s.size());
}

template <class Int>
inline void append_int(fmt::memory_buffer& out, Int v) {
  const fmt::format_int f(v);
  out.append(f.data(), f.data() + f.size());
}

}  // namespace lynx::render::detail
