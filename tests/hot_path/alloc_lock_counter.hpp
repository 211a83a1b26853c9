// Per-thread counts of heap allocations (global operator new and malloc family) and lock
// acquisitions (pthread mutex/rwlock/spinlock), by replacing those functions in the test binary.
// Not usable under sanitizers, which replace the same functions.
#pragma once

#include <cstdint>

namespace lynx::test {

struct Counts {
  std::uint64_t allocations = 0;
  std::uint64_t locks = 0;
};

Counts counts_on_this_thread();
void reset_counts_on_this_thread();

}  // namespace lynx::test
