// io_uring writes, the careful way (STYLE.md habit 7): bounded in flight, short writes resubmitted,
// a buffer handed back only when its whole write is done or failed, -errno turned into Status.
//
// Invariants:
//   * every active Request holds at most two SQEs/CQEs at a time (a write and its linked
//     fdatasync), and at most cap_ are active; the SQ has 2 * cap_ entries and the CQ twice that,
//     so neither can overflow;
//   * in_flight_ == number of active Requests == queued_.size() + writes the kernel holds.
#include "io/uring_writer.hpp"

#include <sched.h>
#include <sys/uio.h>

#include <algorithm>
#include <cassert>
#include <cerrno>

#include "io/errno_status.hpp"

namespace lynx::io {
namespace {

// Linux moves at most this much per write; one SQE asks for no more (the rest is a short write).
constexpr std::size_t kMaxChunk = 0x7ffff000;
// Regular files do not return -EAGAIN/-EINTR to io_uring (it retries in its workers); for other
// files, a few resubmissions then an error.
constexpr unsigned kMaxRetries = 16;

Status unavailable(const Status& why) {
  return Status::error(Status::Code::unavailable, why.message());
}

}  // namespace

std::unique_ptr<UringWriter> UringWriter::create(const WriterConfig& config, Status* status) {
  const unsigned cap = std::clamp(config.max_in_flight, 1u, kMaxInFlightLimit);
  std::unique_ptr<UringWriter> writer(new UringWriter(cap));
  Status s = writer->init(config);
  if (status != nullptr) *status = s;
  if (!s.ok()) return nullptr;
  return writer;
}

UringWriter::UringWriter(unsigned cap) : cap_(cap), requests_(cap) {
  free_requests_.reserve(cap);
  for (Request& r : requests_) free_requests_.push_back(&r);
  queued_.reserve(cap);
}

Status UringWriter::init(const WriterConfig& config) {
  // No SINGLE_ISSUER: the ring is usually created on the caller's thread and then used by the
  // backend thread, which that flag forbids.
  const int ret = io_uring_queue_init(2 * cap_, &ring_, 0);
  if (ret < 0) return unavailable(Status::from_errno(ret, "io_uring_queue_init"));
  ring_ready_ = true;

  io_uring_probe* probe = io_uring_get_probe_ring(&ring_);
  if (probe == nullptr) {
    return Status::error(Status::Code::unavailable,
                         "io_uring has no opcode probe (kernel older than 5.6)");
  }
  const bool write_ok = io_uring_opcode_supported(probe, IORING_OP_WRITE) != 0;
  const bool fixed_ok = io_uring_opcode_supported(probe, IORING_OP_WRITE_FIXED) != 0;
  io_uring_free_probe(probe);
  if (!write_ok) {
    return Status::error(Status::Code::unavailable, "io_uring lacks IORING_OP_WRITE");
  }
  register_pool(config.pool, fixed_ok);
  return {};
}

// Registration pins the buffers once instead of on every write. It counts against RLIMIT_MEMLOCK
// (8 MiB for a normal user): on ENOMEM try a smaller prefix of the pool; on anything else write
// unregistered. Neither is a failure.
void UringWriter::register_pool(BufferPool* pool, bool fixed_supported) {
  pool_ = pool;
  if (pool == nullptr || pool->count() == 0) return;
  if (!fixed_supported) {
    registration_note_ = "io_uring lacks IORING_OP_WRITE_FIXED, buffers are written unregistered";
    return;
  }
  std::vector<iovec> iov(pool->count());
  for (std::size_t i = 0; i < iov.size(); ++i) {
    iov[i] = iovec{pool->at(i).data, pool->at(i).capacity};
  }
  std::size_t n = iov.size();
  int ret = 0;
  while ((ret = io_uring_register_buffers(&ring_, iov.data(), static_cast<unsigned>(n))) ==
             -ENOMEM &&
         n > 1) {
    n /= 2;
  }
  if (ret < 0) {
    registration_note_ = Status::from_errno(ret, "io_uring_register_buffers").message() +
                         (ret == -ENOMEM ? " (RLIMIT_MEMLOCK?)" : "") +
                         ", buffers are written unregistered";
    return;
  }
  registered_ = n;
  if (n < pool->count()) {
    registration_note_ = "io_uring registered " + std::to_string(n) + " of " +
                         std::to_string(pool->count()) +
                         " buffers (RLIMIT_MEMLOCK), the rest are written unregistered";
  }
}

UringWriter::~UringWriter() {
  if (!ring_ready_) return;
  drain([](Buffer*, const Status&) {});
  io_uring_queue_exit(&ring_);
}

void UringWriter::submit(int fd, std::uint64_t offset, Buffer* buffer, bool sync) {
  if (buffer->size == 0) {
    ready_.push(buffer, {});
    return;
  }
  if (!broken_.ok()) {
    ready_.push(buffer, broken_);
    return;
  }
  // At the cap: wait for a write to finish. Its completion stays in ready_ for the next reap().
  while (in_flight_ >= cap_) harvest(true);

  assert(!free_requests_.empty());
  Request* r = free_requests_.back();
  free_requests_.pop_back();
  *r = Request{};
  r->fd = fd;
  r->offset = offset;
  r->buffer = buffer;
  r->sync = sync;
  r->active = true;
  r->fixed = registered_ > 0 && pool_->owns(buffer) && buffer->index < registered_;
  ++in_flight_;
  prep(r);
  flush();
}

std::size_t UringWriter::reap(bool wait, const Completion& done) {
  harvest(false);
  while (wait && ready_.empty() && in_flight_ > 0) harvest(true);
  return ready_.deliver(done);
}

void UringWriter::drain(const Completion& done) {
  for (;;) {
    harvest(false);
    ready_.deliver(done);  // callbacks may submit more; the loop waits for those too
    if (in_flight_ == 0 && ready_.empty()) return;
    if (in_flight_ > 0) harvest(true);
  }
}

void UringWriter::prep(Request* r) {
  if (!broken_.ok()) {
    finish(r, broken_);
    return;
  }
  // Cannot be null by the invariant at the top of this file; if it ever is, fail this write
  // rather than overwrite an SQE the kernel has not read.
  const bool write = r->done < r->buffer->size;
  const bool link_sync = r->sync && !r->synced;
  if (io_uring_sq_space_left(&ring_) < (write && link_sync ? 2u : 1u)) {
    assert(false && "io_uring SQ full despite the in-flight cap");
    finish(r, write_error(EBUSY, r->fd, r->offset, r->done, r->buffer->size));
    return;
  }
  r->outstanding = 0;
  if (write) prep_write(r, link_sync);
  if (link_sync) {
    // Runs only once the write before it completed in full: a failed or short write cancels it.
    io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
    io_uring_prep_fsync(sqe, r->fd, IORING_FSYNC_DATASYNC);
    io_uring_sqe_set_data(sqe, reinterpret_cast<void*>(reinterpret_cast<std::uintptr_t>(r) | 1u));
    ++r->outstanding;
  }
  queued_.push_back(r);
}

void UringWriter::prep_write(Request* r, bool link) {
  io_uring_sqe* sqe = io_uring_get_sqe(&ring_);
  const std::size_t len = std::min(r->buffer->size - r->done, kMaxChunk);
  std::byte* data = r->buffer->data + r->done;
  const std::uint64_t offset = r->offset + r->done;
  if (r->fixed) {
    // A sub-range of a registered buffer is fine: the kernel checks it lies inside buffer `index`.
    io_uring_prep_write_fixed(sqe, r->fd, data, static_cast<unsigned>(len), offset,
                              static_cast<int>(r->buffer->index));
  } else {
    io_uring_prep_write(sqe, r->fd, data, static_cast<unsigned>(len), offset);
  }
  if (link) sqe->flags |= IOSQE_IO_LINK;
  io_uring_sqe_set_data(sqe, r);
  ++r->outstanding;
}

// EINTR, EAGAIN (kernel short of memory) and EBUSY leave the SQEs queued for the next flush. Any
// other refusal means the ring is unusable: the queued writes fail, and broken_ makes every later
// write fail the same way (their SQEs stay in the ring, never submitted, so never completed).
void UringWriter::flush() {
  while (!queued_.empty()) {
    const int ret = io_uring_submit(&ring_);
    if (ret > 0) {
      const auto n = std::min(static_cast<std::size_t>(ret), queued_.size());
      queued_.erase(queued_.begin(), queued_.begin() + static_cast<std::ptrdiff_t>(n));
      continue;
    }
    if (ret == -EINTR) continue;
    if (ret == 0 || ret == -EAGAIN || ret == -EBUSY) return;
    broken_ = Status::from_errno(ret, "io_uring_submit");
    std::vector<Request*> failed;
    failed.swap(queued_);
    for (Request* r : failed) finish(r, broken_);
    return;
  }
}

void UringWriter::harvest(bool wait) {
  flush();
  if (consume_cqes() > 0 || !wait || in_flight_ == 0) return;
  if (in_kernel() == 0) {
    // Everything in flight waits on a submission the kernel refused for lack of memory: nothing
    // will complete, so give the kernel a moment and let the caller's loop flush again.
    sched_yield();
    return;
  }
  io_uring_cqe* cqe = nullptr;
  const int ret = io_uring_wait_cqe(&ring_, &cqe);  // submits nothing, only waits
  if (ret < 0 && ret != -EINTR && ret != -EAGAIN) {
    // The ring cannot deliver completions any more. Nothing better is possible than failing
    // every write: the caller must not expect these buffers' bytes in the file.
    broken_ = Status::from_errno(ret, "io_uring_wait_cqe");
    fail_all(broken_);
    return;
  }
  consume_cqes();
}

std::size_t UringWriter::consume_cqes() {
  unsigned head = 0;
  unsigned seen = 0;
  io_uring_cqe* cqe = nullptr;
  io_uring_for_each_cqe(&ring_, head, cqe) {
    ++seen;
    const auto data = reinterpret_cast<std::uintptr_t>(io_uring_cqe_get_data(cqe));
    auto* r = reinterpret_cast<Request*>(data & ~std::uintptr_t{1});
    if (r == nullptr || !r->active) continue;
    if (data & 1u)
      on_sync(r, cqe->res);
    else
      on_write(r, cqe->res);
  }
  io_uring_cq_advance(&ring_, seen);
  flush();  // resubmissions queued by settle() (via on_write/on_sync)
  return seen;
}

void UringWriter::on_write(Request* r, int res) {
  --r->outstanding;
  const std::size_t size = r->buffer->size;
  if (res < 0) {
    // -EAGAIN/-EINTR: settle() submits the same bytes again.
    if ((res != -EAGAIN && res != -EINTR) || ++r->retries > kMaxRetries) {
      if (r->error.ok()) r->error = write_error(-res, r->fd, r->offset, r->done, size);
    }
  } else if (res == 0) {
    // Zero bytes for a non-empty request would be resubmitted forever.
    if (r->error.ok()) r->error = write_error(EIO, r->fd, r->offset, r->done, size);
  } else {
    r->done += std::min(static_cast<std::size_t>(res), size - r->done);
    if (r->done < size) ++resubmits_;  // short write: settle() submits the rest
  }
  settle(r);
}

void UringWriter::on_sync(Request* r, int res) {
  --r->outstanding;
  if (res == 0) {
    r->synced = true;
  } else if (res != -ECANCELED && r->error.ok()) {  // cancelled: the write before it fell short
    r->error = Status::from_errno(res, "fdatasync");
  }
  settle(r);
}

void UringWriter::settle(Request* r) {
  if (r->outstanding > 0) return;  // the other CQE of the pair is still to come
  if (!r->error.ok()) {
    finish(r, r->error);
  } else if (r->done < r->buffer->size || (r->sync && !r->synced)) {
    prep(r);  // the rest of a short write (same buffer, advanced offset), or a sync again
  } else {
    finish(r, {});
  }
}

void UringWriter::finish(Request* r, Status status) {
  ready_.push(r->buffer, std::move(status));
  r->active = false;
  free_requests_.push_back(r);
  --in_flight_;
}

void UringWriter::fail_all(const Status& status) {
  queued_.clear();
  for (Request& r : requests_) {
    if (r.active) finish(&r, status);
  }
}

}  // namespace lynx::io
