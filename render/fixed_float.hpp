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

// The precision of a "{:.Nf}" pattern (N a single digit), or -1 for any other pattern.
inline int fixed_precision(std::string_view pattern) {
  if (pattern.size() != 6 || pattern[0] != '{' || pattern[1] != ':' || pattern[2] != '.' ||
      pattern[4] != 'f' || pattern[5] != '}' || pattern[3] < '0' || pattern[3] > '9') {
    return -1;
  }
  return pattern[3] - '0';
}

}  // namespace lynx::render::detail
