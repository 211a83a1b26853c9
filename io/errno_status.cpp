// Status texts for failed writes. The errno itself is interpreted by Status::from_errno
// (base/status.cpp), the one place that does.
#include "io/errno_status.hpp"

#include <string>

#include "base/status.hpp"

namespace lynx::io {

Status write_error(int err, int fd, std::uint64_t offset, std::size_t done, std::size_t size) {
  std::string what = "write fd " + std::to_string(fd) + " at offset " + std::to_string(offset);
  if (done > 0) {
    // Only a prefix reached the file: say how much, a reader of the file will find it torn there.
    what += " (" + std::to_string(done) + " of " + std::to_string(size) + " bytes written)";
  }
  return Status::from_errno(err, what);
}

}  // namespace lynx::io
