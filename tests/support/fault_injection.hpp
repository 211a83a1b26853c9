// Deterministic I/O faults for tests, in the spirit of LevelDB's fault-injection Env: a Writer that
// wraps a real one and, for the writes a script names, does what a failing disk or kernel would.
// Writes the script does not name pass straight through to the wrapped writer.
//
// Used by engine tests to check that the backend survives short writes, ENOSPC, EIO and torn
// writes without losing track of buffers. Single-threaded like every Writer.
//
// Test code: it lives in tests/support (lynx_test_support), never in liblynx. It keeps the
// namespace of the Writers it wraps, lynx::io; tests put it under a real Engine through the seam
// of engine/writer_seam.hpp.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <vector>

#include "io/completion_queue.hpp"
#include "io/writer.hpp"

namespace lynx::io {

struct Fault {
  enum Kind {
    short_write,  // the kernel takes only `bytes` at first, the rest in a second write; completes
                  // ok
    eagain,       // the first attempt is refused; retried on the next reap()/drain(); completes ok
    enospc,       // nothing written; completes with Code::no_space (ENOSPC)
    eio,          // nothing written; completes with Code::io_error (EIO)
    torn_write,   // only the first `bytes` reach the file; completes with Code::io_error (EIO)
  };
  Kind kind = short_write;
  std::uint64_t at_write = 0;  // which submit() call, counting from 0, this fault replaces
  std::size_t bytes = 0;       // short_write and torn_write only
};

class FaultInjectingWriter final : public Writer {
 public:
  // When two faults name the same write, the first in `script` applies.
  FaultInjectingWriter(std::unique_ptr<Writer> inner, std::vector<Fault> script);
  // A FaultInjectingWriter over a PsyncWriter: the same behaviour on every kernel.
  static std::unique_ptr<FaultInjectingWriter> over_psync(std::vector<Fault> script);

  ~FaultInjectingWriter() override = default;
  FaultInjectingWriter(const FaultInjectingWriter&) = delete;
  FaultInjectingWriter& operator=(const FaultInjectingWriter&) = delete;

  const char* name() const override { return inner_->name(); }
  using Writer::submit;
  // A sync is passed on to the inner writer with the (last part of the) write it follows.
  void submit(int fd, std::uint64_t offset, Buffer* buffer, bool sync) override;
  std::size_t reap(bool wait, const Completion& done) override;
  void drain(const Completion& done) override;
  // Includes writes held back by an eagain fault until the next reap().
  std::size_t in_flight() const override { return inner_->in_flight() + held_.size(); }
  std::size_t pending() const override { return inner_->pending() + held_.size() + ready_.size(); }

  // From now on every write fails with `kind` (enospc or eio) until heal(): a disk that stays full
  // until someone makes room. Unlike the rest of the class, callable from any thread (a test's
  // while the backend writes). Writes the script names still count as writes.
  void fail_all(Fault::Kind kind) { failing_.store(kind, std::memory_order_relaxed); }
  void heal() { failing_.store(-1, std::memory_order_relaxed); }

  std::uint64_t writes_submitted() const { return writes_; }
  std::size_t faults_injected() const { return injected_; }

 private:
  // A write done in two parts through the inner writer. `part` is the Buffer the inner writer
  // sees: a window into the caller's buffer, first the prefix, then (short_write) the rest.
  struct Split {
    Buffer* original = nullptr;
    Buffer part;
    Fault::Kind kind = Fault::short_write;
    int fd = -1;
    std::uint64_t offset = 0;
    std::size_t first = 0;  // bytes in the first part
    bool second_part = false;
    bool sync = false;
  };
  struct Held {
    int fd;
    std::uint64_t offset;
    Buffer* buffer;
    bool sync;
  };

  const Fault* fault_for(std::uint64_t write) const;
  void on_inner(Buffer* buffer, const Status& status);
  void retry_held();

  std::vector<Fault> script_;
  std::uint64_t writes_ = 0;
  std::size_t injected_ = 0;
  std::atomic<int> failing_{-1};  // a Fault::Kind, or -1
  std::vector<Held> held_;
  CompletionQueue ready_;
  Completion on_inner_;
  std::unordered_map<Buffer*, std::unique_ptr<Split>> splits_;  // key: &split->part
  // Declared last so it is destroyed first: its destructor may still use the Split buffers.
  std::unique_ptr<Writer> inner_;
};

}  // namespace lynx::io
