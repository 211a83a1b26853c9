// The io_uring writer: one ring, a bounded number of writes in flight, one Request per write in
// the SQE's user_data, short writes resubmitted for the rest, the pool's buffers registered when
// RLIMIT_MEMLOCK allows (IORING_OP_WRITE_FIXED), plain IORING_OP_WRITE otherwise.
#pragma once

#include <liburing.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "io/completion_queue.hpp"
#include "io/writer.hpp"

namespace lynx::io {

class UringWriter final : public Writer {
 public:
  // More than this many writes in flight buys nothing for one log stream; it also keeps the ring
  // far below the kernel's entry limit.
  static constexpr unsigned kMaxInFlightLimit = 4096;

  // Sets up the ring and checks that the kernel supports IORING_OP_WRITE. On failure returns
  // nullptr and `*status` is Code::unavailable with the reason.
  static std::unique_ptr<UringWriter> create(const WriterConfig& config, Status* status);

  // Waits for writes still in flight (the kernel may be reading their buffers) and drops their
  // completions. Destroy the writer before the pool it was given and before closing its fds.
  ~UringWriter() override;
  UringWriter(const UringWriter&) = delete;
  UringWriter& operator=(const UringWriter&) = delete;

  const char* name() const override { return "io_uring"; }
  using Writer::submit;
  void submit(int fd, std::uint64_t offset, Buffer* buffer, bool sync) override;
  std::size_t reap(bool wait, const Completion& done) override;
  void drain(const Completion& done) override;
  std::size_t in_flight() const override { return in_flight_; }
  std::size_t pending() const override { return in_flight_ + ready_.size(); }

  // How many of the pool's buffers are registered: a prefix [0, n) of the pool, 0 without a pool
  // or when registration failed.
  std::size_t registered_buffers() const { return registered_; }
  // Why the pool is not (fully) registered; empty when it is or when there is no pool.
  const std::string& registration_note() const { return registration_note_; }
  // Short writes resubmitted for their remaining bytes, since creation.
  std::uint64_t resubmits() const { return resubmits_; }

 private:
  // One write in flight. Its address is the SQE's user_data (with bit 0 set for its linked
  // fdatasync), so it must not move while the kernel holds it: requests_ is sized once.
  struct Request {
    int fd = -1;
    std::uint64_t offset = 0;  // of buffer->data[0]
    Buffer* buffer = nullptr;
    std::size_t done = 0;      // bytes already in the file
    unsigned retries = 0;      // -EAGAIN/-EINTR results resubmitted
    unsigned outstanding = 0;  // CQEs still to come for the SQEs of the last prep()
    bool fixed = false;        // buffer is registered: use IORING_OP_WRITE_FIXED
    bool sync = false;         // fdatasync after the write (linked)
    bool synced = false;       // the fdatasync completed
    bool active = false;
    Status error;  // first failure of the write or its sync
  };

  explicit UringWriter(unsigned cap);
  Status init(const WriterConfig& config);
  void register_pool(BufferPool* pool, bool fixed_supported);

  void prep(Request* r);  // queues SQEs for the rest of r's write and its sync
  void prep_write(Request* r, bool link);
  void flush();  // submits queued SQEs
  // Moves finished writes from the CQ to ready_, resubmitting short ones. With wait, blocks for
  // at least one CQE when writes are in flight.
  void harvest(bool wait);
  std::size_t consume_cqes();
  void on_write(Request* r, int res);
  void on_sync(Request* r, int res);
  void settle(Request* r);  // after the last CQE of a prep(): resubmit, or finish
  void finish(Request* r, Status status);
  void fail_all(const Status& status);
  std::size_t in_kernel() const { return in_flight_ - queued_.size(); }

  io_uring ring_{};
  bool ring_ready_ = false;
  unsigned cap_;
  std::vector<Request> requests_;
  std::vector<Request*> free_requests_;
  std::vector<Request*>
      queued_;  // SQEs prepared but not yet accepted by io_uring_submit, in SQ order
  std::size_t in_flight_ = 0;
  BufferPool* pool_ = nullptr;
  std::size_t registered_ = 0;
  std::string registration_note_;
  std::uint64_t resubmits_ = 0;
  Status broken_;  // set when the ring itself failed: every later write fails with it
  CompletionQueue ready_;
};

}  // namespace lynx::io
