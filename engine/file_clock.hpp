// The wall clock used for file decisions (time-based rotation, retention by age, file creation
// time). Tests replace it to move time without sleeping (LevelDB Env style); nothing else should.
#pragma once

#include <cstdint>

namespace lynx::detail {

// Unix nanoseconds.
std::int64_t file_clock_ns();
// Replaces the clock (nullptr restores the system clock). Not thread-safe: set it before the
// engine starts or while its backend is idle.
void set_file_clock_for_testing(std::int64_t (*clock)());

}  // namespace lynx::detail
