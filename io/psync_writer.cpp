// Synchronous positional writes. Nothing here may throw or give up early on a transient error:
// the engine sees one completion per buffer, ok only when every byte is in the file.
#include "io/psync_writer.hpp"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "io/errno_status.hpp"

namespace lynx::io {
namespace {

// Linux moves at most this much per write() call; asking for more only returns a short write.
constexpr std::size_t kMaxChunk = 0x7ffff000;
// EAGAIN does not happen on regular files; on anything else, a few retries then an error, so an
// O_NONBLOCK fd cannot spin the backend forever.
constexpr unsigned kMaxEagainRetries = 16;

}  // namespace

Status write_fully(int fd, std::uint64_t offset, const std::byte* data, std::size_t size) {
  std::size_t done = 0;
  unsigned eagain = 0;
  while (done < size) {
    const std::size_t len = std::min(size - done, kMaxChunk);
    const ssize_t n = ::pwrite(fd, data + done, len, static_cast<off_t>(offset + done));
    if (n > 0) {
      done += static_cast<std::size_t>(n);  // a short write: go on with the rest
      continue;
    }
    // 0 bytes for a non-empty request would loop forever; the kernel only does it on odd files.
    const int err = n == 0 ? EIO : errno;
    if (err == EINTR) continue;
    if (err == EAGAIN && ++eagain <= kMaxEagainRetries) continue;
    return write_error(err, fd, offset, done, size);
  }
  return {};
}

void PsyncWriter::submit(int fd, std::uint64_t offset, Buffer* buffer, bool sync) {
  Status s = write_fully(fd, offset, buffer->data, buffer->size);
  if (s.ok() && sync && ::fdatasync(fd) != 0) s = Status::from_errno(-errno, "fdatasync");
  ready_.push(buffer, std::move(s));
}

std::size_t PsyncWriter::reap(bool /*wait*/, const Completion& done) {
  return ready_.deliver(done);
}

void PsyncWriter::drain(const Completion& done) {
  // A callback may submit again; keep going until nothing is left.
  while (!ready_.empty()) ready_.deliver(done);
}

}  // namespace lynx::io
