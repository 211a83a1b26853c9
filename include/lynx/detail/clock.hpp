// Timestamps for the hot path. On x86-64 the raw TSC (one instruction, no syscall); the backend
// calibrates ticks to wall-clock nanoseconds (engine/clock_calibration.cpp). Elsewhere the
// system clock in nanoseconds, read through the vDSO (no syscall), with a 1:1 calibration.
#pragma once

#include <time.h>

#include <cstdint>

namespace lynx::detail {

#if defined(__x86_64__) && !defined(LYNX_NO_TSC)
inline constexpr bool kTicksAreTsc = true;
#else
inline constexpr bool kTicksAreTsc = false;
#endif

// clock_gettime rather than std::chrono::system_clock (the same call underneath): this header is
// part of every file that logs, and <chrono> alone costs a fifth of a second to compile.
inline std::uint64_t wall_clock_ns() noexcept {
  timespec ts;
  ::clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec);
}

inline std::uint64_t now_ticks() noexcept {
#if defined(__x86_64__) && !defined(LYNX_NO_TSC)
  return __builtin_ia32_rdtsc();
#else
  return wall_clock_ns();
#endif
}

}  // namespace lynx::detail
