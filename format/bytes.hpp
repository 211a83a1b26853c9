// Little-endian fixed-width stores and loads for the file format. lynx files are little-endian;
// the code below assumes a little-endian host, which the static_assert enforces.
#pragma once

#include <bit>
#include <cstddef>
#include <cstring>

namespace lynx::format {

static_assert(std::endian::native == std::endian::little,
              "lynx files are written on little-endian hosts");

template <class T>
inline std::byte* put(std::byte* p, T v) noexcept {
  std::memcpy(p, &v, sizeof v);
  return p + sizeof v;
}
template <class T>
inline T get(const std::byte* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace lynx::format
