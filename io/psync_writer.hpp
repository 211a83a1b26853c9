// The fallback writer: one pwrite() loop per buffer, run inside submit(). Used where io_uring is
// forbidden (seccomp, gVisor, old kernels) and when the user asks for Kind::psync.
#pragma once

#include <cstddef>
#include <cstdint>

#include "io/completion_queue.hpp"
#include "io/writer.hpp"

namespace lynx::io {

// Writes all of `size` bytes at `offset`, looping on short writes and EINTR. ok when every byte
// reached the file; otherwise the error and how many bytes did.
Status write_fully(int fd, std::uint64_t offset, const std::byte* data, std::size_t size);

class PsyncWriter final : public Writer {
 public:
  const char* name() const override { return "pwritev"; }
  // Writes synchronously; the completion waits for the next reap()/drain().
  using Writer::submit;
  void submit(int fd, std::uint64_t offset, Buffer* buffer, bool sync) override;
  // Never blocks: nothing is ever in flight once submit() returns.
  std::size_t reap(bool wait, const Completion& done) override;
  void drain(const Completion& done) override;
  std::size_t in_flight() const override { return 0; }
  std::size_t pending() const override { return ready_.size(); }

 private:
  CompletionQueue ready_;
};

}  // namespace lynx::io
