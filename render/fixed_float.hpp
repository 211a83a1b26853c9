// "{:.Nf}" of a double without fmt's general float machinery: the value's exact binary form
// times 10^N, rounded to the nearest integer in 128-bit arithmetic. Templates like
// "{amount:.2f}" and "{ms:.3f}" are the most common format spec in log messages, and fmt's
// fixed-precision path was a fifth of `lynx cat`'s time. Internal to the render library.
//
// What must hold: for every value it accepts, the text is exactly what fmt prints for
// fmt::format("{:.Nf}", v) (tests/render/fixed_float_test.cpp compares them over millions of
// values, ties included). It declines (returns false, appends nothing) what it does not cover:
// NaN, infinities, |v| >= 2^63, N > kMaxFixedPrecision.
#pragma once

#include <fmt/format.h>

namespace lynx::render::detail {

inline constexpr int kMaxFixedPrecision = 9;

bool append_fixed(fmt::memory_buffer& out, double v, int precision);

// Floats that carry their decimal (record::Value::decimal: the float nearest to
// mantissa / 10^decimals) print from the integer, which is how most floats in packed files come
// (prices, durations at a fixed resolution): fmt's shortest form of a float took a third of a
// JSON line's time. `float32`: the float is a float (24-bit significand), else a double.
//
// What must hold: the text is exactly what fmt prints for the float (tests/render/
// fixed_float_test.cpp compares them). They decline (false, nothing appended) what they do not
// cover.
//
// "{:.Nf}": when N >= decimals and the float's rounding error is far below the N-th decimal
// (|mantissa| * 10^(N - decimals) below 2^51, or 2^22 for a float), the text is the decimal
// itself, padded with zeros.
bool append_fixed_decimal(fmt::memory_buffer& out, std::int64_t mantissa, unsigned decimals,
                          int precision, bool float32);
// "{}": when the decimal has at most 15 significant digits (6 for a float), no other decimal that
// short maps to the same float, so fmt's shortest form is the decimal without its trailing zeros;
// covered when fmt writes it in fixed notation (from 1e-4 up).
bool append_shortest_decimal(fmt::memory_buffer& out, std::int64_t mantissa, unsigned decimals,
                             bool float32);

// The precision of a "{:.Nf}" pattern (N a single digit), or -1 for any other pattern.
inline int fixed_precision(std::string_view pattern) {
  if (pattern.size() != 6 || pattern[0] != '{' || pattern[1] != ':' || pattern[2] != '.' ||
      pattern[4] != 'f' || pattern[5] != '}' || pattern[3] < '0' || pattern[3] > '9') {
    return -1;
  }
  return pattern[3] - '0';
}

}  // namespace lynx::render::detail
