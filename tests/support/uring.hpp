// io_uring for tests: whether this machine has it, and a UringWriter made directly (no fallback).
#pragma once

#include <memory>
#include <string>

#include "io/buffer_pool.hpp"
#include "io/uring_writer.hpp"

namespace lynx::test {

// Why io_uring cannot be used here, or "" when it can: what io::make_writer(kind = uring) reports
// (kernel, seccomp, gVisor, or LYNX_IO_DISABLE_URING=1). An Engine with Options::io = Io::uring
// gets its writer the same way, so engine tests ask this too.
std::string io_uring_missing();

// A UringWriter with `max_in_flight` writes in flight and `registered` (may be null) as its
// registered buffers. Throws std::runtime_error with the reason if io_uring cannot be set up:
// call it only after io_uring_missing() said "".
std::unique_ptr<io::UringWriter> make_uring(unsigned max_in_flight, io::BufferPool* registered);

}  // namespace lynx::test
