// Status texts for failed writes, built on Status::from_errno (base/status.cpp, the one place errno
// is interpreted).
#pragma once

#include <cstddef>
#include <cstdint>

#include "base/status.hpp"

namespace lynx::io {

// A failed write of `size` bytes at `offset` of `fd` after `done` bytes reached the file.
// `err` is an errno value, positive or negative (io_uring results are -errno).
Status write_error(int err, int fd, std::uint64_t offset, std::size_t done, std::size_t size);

}  // namespace lynx::io
