// The clock for intervals the engine measures (Options::flush_every, the retry back-off of failed
// writes): monotonic, never stepped by NTP or an administrator, unlike the wall clock that
// engine/file_clock.hpp gives to file decisions and ClockCalibration to record timestamps. Tests
// replace it to move time without sleeping (LevelDB Env style); nothing else should.
#pragma once

#include <cstdint>

namespace lynx::detail {

// Nanoseconds since an arbitrary start (std::chrono::steady_clock).
std::int64_t steady_clock_ns();
// Replaces the clock (nullptr restores the steady clock). Not thread-safe: set it before the
// engine starts or while its backend is idle.
void set_steady_clock_for_testing(std::int64_t (*clock)());

}  // namespace lynx::detail
