// How much work a test does: less in a sanitizer build, where a case that logs a million records
// checks nothing that a hundred thousand would not, but runs 5-20 times slower (TSan most).
// LYNX_SANITIZED comes from tests/support/meson.build (1 when b_sanitize is not 'none').
// Shrink only counts whose size tests nothing by itself: a bound the test is about (a ring that
// must fill, a file that must rotate, a buffer that must overflow) keeps its plain size.
#pragma once

#include <cstdlib>
#include <cstring>

#ifndef LYNX_SANITIZED
#error "LYNX_SANITIZED is set by lynx_test_support_dep (tests/support/meson.build)"
#endif

namespace lynx::test {

inline constexpr bool kSanitized = LYNX_SANITIZED != 0;

// True in a sanitizer build, unless LYNX_TEST_FULL_SIZE=1 asks for the plain sizes there too
// (to hunt a bug that only shows at full size, or to measure what the smaller sizes save).
inline bool small_sizes() {
  if (!kSanitized) return false;
  const char* full = std::getenv("LYNX_TEST_FULL_SIZE");
  return full == nullptr || std::strcmp(full, "1") != 0;
}

// `plain` normally, `sanitized` when small_sizes().
template <class T>
T sized(T plain, T sanitized) {
  return small_sizes() ? sanitized : plain;
}

}  // namespace lynx::test
