// Finished writes waiting to be handed back by Writer::reap()/drain(). Shared by the writers so
// every one of them delivers completions the same way.
#pragma once

#include <cstddef>
#include <deque>
#include <utility>

#include "base/status.hpp"
#include "io/buffer_pool.hpp"
#include "io/writer.hpp"

namespace lynx::io {

class CompletionQueue {
 public:
  void push(Buffer* buffer, Status status) { items_.push_back({buffer, std::move(status)}); }
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }

  // Delivers what is queued now, oldest first. Each item leaves the queue before its callback runs,
  // so the callback may submit again (which may queue new items); those wait for the next call,
  // so a callback that always submits cannot keep this loop going forever.
  std::size_t deliver(const Writer::Completion& done) {
    const std::size_t n = items_.size();
    for (std::size_t i = 0; i < n; ++i) {
      Item item = std::move(items_.front());
      items_.pop_front();
      done(item.buffer, item.status);
    }
    return n;
  }

 private:
  struct Item {
    Buffer* buffer;
    Status status;
  };
  std::deque<Item> items_;
};

}  // namespace lynx::io
