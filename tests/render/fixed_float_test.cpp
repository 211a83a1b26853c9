// The "{:.Nf}" fast path of the render library (render/fixed_float.hpp) prints exactly what fmt
// prints, for every precision it takes: random bit patterns, decimals as programs make them
// (prices, milliseconds), exact ties (k / 2^j), signed zeros, subnormals and the ends of its range;
// and it declines what it does not cover. The same for floats printed from the decimal they carry
// (record::Value::decimal), "{:.Nf}" and fmt's shortest "{}".
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "render/fixed_float.hpp"

namespace {

using lynx::render::detail::append_fixed;
using lynx::render::detail::append_fixed_decimal;
using lynx::render::detail::append_shortest_decimal;
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

namespace {

constexpr double kTen[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
                           1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

// The decimal mantissa / 10^decimals as the packed decoder makes it (record/packed.hpp), printed
// from the decimal and by fmt: "{}" and "{:.Nf}" at every precision. Returns how many of those
// the decimal paths took; false on any difference.
bool decimal_agrees(std::int64_t mantissa, unsigned decimals, bool float32, int* taken) {
  const double f =
      float32
          ? static_cast<double>(static_cast<float>(mantissa) / static_cast<float>(kTen[decimals]))
          : static_cast<double>(mantissa) / kTen[decimals];
  auto same = [&](const fmt::memory_buffer& ours, const std::string& want, const char* what) {
    if (std::string(ours.data(), ours.size()) == want) return true;
    FAIL_CHECK(what, " of ", mantissa, "e-", decimals, float32 ? " (float)" : " (double)",
               ": decimal '", std::string(ours.data(), ours.size()), "', fmt '", want, "'");
    return false;
  };
  fmt::memory_buffer ours;
  if (append_shortest_decimal(ours, mantissa, decimals, float32)) {
    ++*taken;
    const std::string want =
        float32 ? fmt::format("{}", static_cast<float>(f)) : fmt::format("{}", f);
    if (!same(ours, want, "{}")) return false;
  } else if (ours.size() != 0) {
    FAIL_CHECK("declined but appended");
    return false;
  }
  for (int p = 0; p <= kMaxFixedPrecision; ++p) {
    ours.clear();
    if (!append_fixed_decimal(ours, mantissa, decimals, p, float32)) {
      if (ours.size() != 0) {
        FAIL_CHECK("declined but appended");
        return false;
      }
      continue;
    }
    ++*taken;
    const std::string spec = "{:." + std::to_string(p) + "f}";
    const std::string want = float32 ? fmt::format(fmt::runtime(spec), static_cast<float>(f))
                                     : fmt::format(fmt::runtime(spec), f);
    if (!same(ours, want, spec.c_str())) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("floats that carry their decimal print from it exactly as fmt prints the float") {
  std::uint64_t s = 5;
  int taken = 0;
  for (int i = 0; i < 200000; ++i) {
    const bool float32 = (i & 1) != 0;
    // Mantissas of every size up to the decoders' limits (2^53 for a double, 2^24 for a float),
    // most of them as programs make them (a few digits), and every scale a decoder accepts.
    const std::uint64_t r = next(s);
    const int bits = static_cast<int>(next(s) % (float32 ? 25 : 54));
    std::int64_t m = static_cast<std::int64_t>(r & ((std::uint64_t{1} << bits) - 1));
    if ((next(s) & 1) != 0) m = -m;
    const auto decimals = static_cast<unsigned>(next(s) % (float32 ? 11 : 23));
    if (!decimal_agrees(m, decimals, float32, &taken)) break;
  }
  // Values like 429.89, 0.489 and 1200 at their own precision, and their edges.
  for (const auto& [m, d] : std::vector<std::pair<std::int64_t, unsigned>>{{42989, 2},
                                                                           {489, 3},
                                                                           {1200, 0},
                                                                           {0, 2},
                                                                           {-5, 3},
                                                                           {1, 4},
                                                                           {1, 5},
                                                                           {10, 5},
                                                                           {99999, 9},
                                                                           {999999999999999, 0},
                                                                           {1000000000000000, 0},
                                                                           {-123456789012345, 7}}) {
    if (!decimal_agrees(m, d, false, &taken) || !decimal_agrees(m, d, true, &taken)) break;
  }
  MESSAGE("decimal paths taken: ", taken);
  CHECK(taken > 200000);  // the decimal paths take many of them
  fmt::memory_buffer out;
  CHECK(append_fixed_decimal(out, 42989, 2, 2, false));
  CHECK(append_shortest_decimal(out, 489, 3, false));
  CHECK(std::string(out.data(), out.size()) == "429.890.489");
  CHECK_FALSE(append_fixed_decimal(out, 42989, 3, 2, false));   // fewer decimals: fmt rounds
  CHECK_FALSE(append_shortest_decimal(out, 1, 5, false));       // 1e-05: exponent notation
  CHECK_FALSE(append_shortest_decimal(out, 1000000, 0, true));  // 7 digits in a float
}
