// The backend's only way to put bytes into files. Two implementations sit behind this interface:
// io_uring (io/uring_writer.cpp) and synchronous pwritev (io/psync_writer.cpp); make_writer()
// probes the kernel and picks one. io/ knows nothing about engine/ or the file format.
//
// Threading: a Writer and its BufferPool are used by exactly one thread (the backend).
// Ownership: submit() takes a Buffer from the caller; it comes back through the reap() callback
// only once its write has completed (fully, or with an error), never earlier.
// Completions: submit() never calls back; completions are delivered only inside reap()/drain(),
// not necessarily in submission order (io_uring). A callback may call submit() and
// BufferPool::release(); it must not destroy the writer.
// Fds: an fd must stay open until every write submitted on it has been delivered (drain() before
// close_file()). Destroy a writer before its BufferPool; its destructor waits for writes still in
// flight and drops their completions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "base/status.hpp"
#include "io/buffer_pool.hpp"

namespace lynx::io {

enum class Kind { automatic, uring, psync };

class Writer {
 public:
  // Called once per completed write. `status` is ok when every byte of the buffer reached the file.
  using Completion = std::function<void(Buffer* buffer, const Status& status)>;

  virtual ~Writer() = default;
  virtual const char* name() const = 0;  // "io_uring" or "pwritev"

  // Queues a write of buffer->data[0, buffer->size) at `offset` of `fd`. A short write is
  // resubmitted by the writer for the rest; the caller sees one completion for the whole buffer.
  // Never blocks for long: when the in-flight cap is reached it first reaps completions.
  // With `sync`, the completion also means the file's data is durable (fdatasync): io_uring links
  // the sync to the write (IOSQE_IO_LINK), so the caller never waits for it; pwritev syncs inside
  // submit(). A failed sync fails the write.
  virtual void submit(int fd, std::uint64_t offset, Buffer* buffer, bool sync) = 0;
  void submit(int fd, std::uint64_t offset, Buffer* buffer) { submit(fd, offset, buffer, false); }

  // Delivers finished writes to `done`. With wait=true and writes in flight, blocks until at least
  // one finishes. Returns the number delivered.
  virtual std::size_t reap(bool wait, const Completion& done) = 0;

  // Blocks until no write is in flight, delivering every completion to `done`.
  virtual void drain(const Completion& done) = 0;

  // Writes handed to the kernel (or, for a short write, waiting to be resubmitted) that have not
  // finished yet. Never exceeds max_in_flight. Always 0 for pwritev, which writes inside submit().
  virtual std::size_t in_flight() const = 0;

  // Writes submitted whose completion has not been delivered yet: in_flight() plus finished writes
  // waiting for the next reap()/drain(). Their buffers still belong to the writer. A caller that
  // wants every buffer back calls reap() until this is 0 (or drain()), never just in_flight().
  virtual std::size_t pending() const { return in_flight(); }
};

struct WriterConfig {
  Kind kind = Kind::automatic;
  unsigned max_in_flight = 16;
  BufferPool* pool = nullptr;  // buffers to register with io_uring where RLIMIT_MEMLOCK allows
};

// Creates the writer. kind=automatic: io_uring when the kernel allows it, else pwritev, and
// `*note` explains the fallback (the caller prints it once). kind=uring: fails with
// Code::unavailable when io_uring cannot be used. kind=psync: always pwritev.
std::unique_ptr<Writer> make_writer(const WriterConfig& config, Status* status, std::string* note);

// Opens a new log file for appending: O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC with `mode`.
// Never follows or overwrites an existing path.
Status create_file(const std::string& path, unsigned mode, int* fd);
// Opens a file to go on writing at its end, creating it when missing (O_WRONLY|O_CREAT|O_NOFOLLOW|
// O_CLOEXEC with `mode`; never follows a symlink); *size is its current length, where writes go on.
Status open_for_append(const std::string& path, unsigned mode, int* fd, std::uint64_t* size);
// Renames a closed or open file (rotation of the text sinks); `to` is replaced if it exists.
Status rename_file(const std::string& from, const std::string& to);
// Creates `dir` and its parents when missing.
Status create_directories(const std::string& dir);
Status close_file(int fd, const std::string& path);
// Makes the file's data durable (fdatasync).
Status sync_file(int fd, const std::string& path);
// Deletes a file; a file that is already gone is not an error.
Status remove_file(const std::string& path);

}  // namespace lynx::io
