// The "{:.Nf}" fast path of the render library (render/fixed_float.hpp) prints exactly what fmt
// prints, for every precision it takes: random bit patterns, decimals as programs make them
// (prices, milliseconds), exact ties (k / 2^j), signed zeros, subnormals and the ends of its range;
// and it declines what it does not cover.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>

#include <fmt/format.h>

#include "render/fixed_float.hpp"

namespace {

using lynx::render::detail::append_fixed;
using lynx::render::detail::kMaxFixedPrecision;

std::uint64_t next(std::uint64_t& s) {
  s ^= s << 13, s ^= s >> 7, s ^= s << 17;
  return s;
}

// Whether the fast path agrees with fmt on `v` at every precision (or declines it).
bool agrees(double v) {
  for (int p = 0; p <= kMaxFixedPrecision; ++p) {
    fmt::memory_buffer ours;
    if (!append_fixed(ours, v, p)) {
      if (std::isfinite(v) && std::fabs(v) < 0x1p63) {
        FAIL_CHECK("declined ", v);
        return false;
      }
      continue;
    }
    const std::string want = fmt::format(fmt::runtime("{:." + std::to_string(p) + "f}"), v);
    if (std::string(ours.data(), ours.size()) != want) {
      FAIL_CHECK("value ", fmt::format("{:a}", v), " precision ", p, ": fast '",
                 std::string(ours.data(), ours.size()), "', fmt '", want, "'");
      return false;
    }
  }
  return true;
}

}  // namespace

TEST_CASE("special values and the ends of the range") {
  for (const double v : {0.0,
                         -0.0,
                         0.5,
                         -0.5,
                         1.5,
                         2.5,
                         0.125,
                         0.375,
                         -2.5,
                         1e-300,
                         -1e-300,
                         std::numeric_limits<double>::denorm_min(),
                         std::numeric_limits<double>::min(),
                         0x1p62,
                         -0x1p62,
                         0x1.fffffffffffffp62,
                         0.005,
                         0.015,
                         0.025,
                         1.005,
                         999.995,
                         9.9999999995,
                         0.0000000005}) {
    CHECK(agrees(v));
  }
  fmt::memory_buffer out;
  CHECK_FALSE(append_fixed(out, std::nan(""), 2));
  CHECK_FALSE(append_fixed(out, std::numeric_limits<double>::infinity(), 2));
  CHECK_FALSE(append_fixed(out, 0x1p63, 2));
  CHECK_FALSE(append_fixed(out, 1.0, kMaxFixedPrecision + 1));
  CHECK(out.size() == 0);
}

TEST_CASE("exact ties round as fmt does") {
  std::uint64_t s = 7;
  for (int i = 0; i < 20000; ++i) {
    const auto k = static_cast<double>(next(s) % 2000001) - 1000000.0;
    const int j = static_cast<int>(next(s) % 12) + 1;
    if (!agrees(std::ldexp(k, -j))) break;
  }
}

TEST_CASE("decimals as programs make them") {
  std::uint64_t s = 11;
  for (int i = 0; i < 50000; ++i) {
    const std::uint64_t r = next(s);
    const double v = static_cast<double>(r % 10000000) / static_cast<double>(1ull << (r % 4 * 3)) /
                     std::pow(10.0, static_cast<double>(r >> 60 & 7));
    if (!agrees((r >> 63) != 0 ? -v : v)) break;
    if (!agrees(static_cast<double>(static_cast<float>(v)))) break;
  }
}

TEST_CASE("random bit patterns") {
  std::uint64_t s = 3;
  for (int i = 0; i < 50000; ++i) {
    const double v = std::bit_cast<double>(next(s));
    if (!agrees(v)) break;
    // Magnitudes where the digits printed matter most: about 2^-40 to 2^62.
    const double w =
        std::ldexp(static_cast<double>(next(s) >> 11), static_cast<int>(next(s) % 103) - 93);
    if (!agrees(w)) break;
  }
}
