// Faults are applied around the inner writer, never inside it: the inner writer only ever sees
// ordinary, smaller writes, so its own behaviour under test stays the real one.
#include "tests/support/fault_injection.hpp"

#include <algorithm>
#include <cerrno>
#include <utility>

#include "io/errno_status.hpp"
#include "io/psync_writer.hpp"

namespace lynx::io {

FaultInjectingWriter::FaultInjectingWriter(std::unique_ptr<Writer> inner, std::vector<Fault> script)
    : script_(std::move(script)),
      on_inner_([this](Buffer* buffer, const Status& status) { on_inner(buffer, status); }),
      inner_(std::move(inner)) {}

std::unique_ptr<FaultInjectingWriter> FaultInjectingWriter::over_psync(std::vector<Fault> script) {
  return std::make_unique<FaultInjectingWriter>(std::make_unique<PsyncWriter>(), std::move(script));
}

const Fault* FaultInjectingWriter::fault_for(std::uint64_t write) const {
  auto it = std::find_if(script_.begin(), script_.end(),
                         [write](const Fault& f) { return f.at_write == write; });
  return it == script_.end() ? nullptr : &*it;
}

void FaultInjectingWriter::submit(int fd, std::uint64_t offset, Buffer* buffer, bool sync) {
  const Fault* fault = fault_for(writes_++);
  if (const int failing = failing_.load(std::memory_order_relaxed);
      failing >= 0 && buffer->size > 0) {
    ++injected_;
    ready_.push(buffer,
                write_error(failing == Fault::enospc ? ENOSPC : EIO, fd, offset, 0, buffer->size));
    return;
  }
  if (fault == nullptr || buffer->size == 0) {
    inner_->submit(fd, offset, buffer, sync);
    return;
  }
  const std::size_t size = buffer->size;
  const std::size_t first = std::min(fault->bytes, size);
  switch (fault->kind) {
    case Fault::enospc:
    case Fault::eio:
      ++injected_;
      ready_.push(buffer,
                  write_error(fault->kind == Fault::enospc ? ENOSPC : EIO, fd, offset, 0, size));
      return;
    case Fault::eagain:
      ++injected_;
      held_.push_back({fd, offset, buffer, sync});
      return;
    case Fault::short_write:
      if (first == 0 || first == size) break;  // nothing to split: an ordinary write
      [[fallthrough]];
    case Fault::torn_write: {
      ++injected_;
      if (first == 0) {  // torn before the first byte
        ready_.push(buffer, write_error(EIO, fd, offset, 0, size));
        return;
      }
      auto split = std::make_unique<Split>();
      split->original = buffer;
      split->part = Buffer{buffer->data, buffer->capacity, first, buffer->index};
      split->kind = fault->kind;
      split->fd = fd;
      split->offset = offset;
      split->first = first;
      split->sync = sync;
      Buffer* part = &split->part;
      splits_.emplace(part, std::move(split));
      inner_->submit(fd, offset, part, false);
      return;
    }
  }
  inner_->submit(fd, offset, buffer, sync);
}

// Runs inside the inner writer's reap()/drain(); may submit the second part of a short write.
void FaultInjectingWriter::on_inner(Buffer* buffer, const Status& status) {
  auto it = splits_.find(buffer);
  if (it == splits_.end()) {
    ready_.push(buffer, status);
    return;
  }
  Split& split = *it->second;
  const std::size_t size = split.original->size;
  if (!status.ok()) {
    ready_.push(split.original, status);
  } else if (split.kind == Fault::torn_write) {
    ready_.push(split.original, write_error(EIO, split.fd, split.offset, split.first, size));
  } else if (!split.second_part) {
    // The "resubmission": same Buffer object (so the same map key), advanced window and offset.
    split.second_part = true;
    split.part.data = split.original->data + split.first;
    split.part.capacity = split.original->capacity - split.first;
    split.part.size = size - split.first;
    inner_->submit(split.fd, split.offset + split.first, &split.part, split.sync);
    return;
  } else {
    ready_.push(split.original, Status::ok_status());
  }
  splits_.erase(it);
}

void FaultInjectingWriter::retry_held() {
  std::vector<Held> held;
  held.swap(held_);
  for (const Held& h : held) inner_->submit(h.fd, h.offset, h.buffer, h.sync);
}

std::size_t FaultInjectingWriter::reap(bool wait, const Completion& done) {
  retry_held();
  inner_->reap(false, on_inner_);
  // Inner completions of a first part deliver nothing yet: keep waiting until something is ready.
  while (wait && ready_.empty() && inner_->pending() > 0) inner_->reap(true, on_inner_);
  return ready_.deliver(done);
}

void FaultInjectingWriter::drain(const Completion& done) {
  for (;;) {
    retry_held();
    inner_->drain(on_inner_);
    ready_.deliver(done);
    if (held_.empty() && inner_->pending() == 0 && ready_.empty()) return;
  }
}

}  // namespace lynx::io
