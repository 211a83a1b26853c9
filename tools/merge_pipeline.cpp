#include "tools/merge_pipeline.hpp"

#include <sched.h>

#include <utility>

namespace lynx::tools {

PipelinedMerge::PipelinedMerge(const std::vector<std::string>& files, Diagnostics& diag,
                               const std::vector<std::byte>& dictionary,
                               const RecordFilter* filter) {
  // Opening the files (and reporting those that cannot be) happens here, as with LogMerge.
  merge_ = std::make_unique<LogMerge>(files, diag, dictionary, filter);
  merge_->keep_closed(&closed_);
  for (std::size_t i = 0; i < kBatches; ++i) free_.push_back(std::make_unique<Batch>());
  thread_ = std::thread([this] { run(); });
}

PipelinedMerge::~PipelinedMerge() { stop(); }

void PipelinedMerge::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::unique_ptr<PipelinedMerge::Batch> PipelinedMerge::take_free() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return stopping_ || !free_.empty(); });
  if (stopping_) return nullptr;
  std::unique_ptr<Batch> b = std::move(free_.back());
  free_.pop_back();
  return b;
}

void PipelinedMerge::run() {
  for (;;) {
    std::unique_ptr<Batch> b = take_free();
    if (!b) return;
    bool last = false;
    while (b->items.size() < kBatchRecords && b->store.bytes() < kBatchBytes) {
      Item item;
      const RecordStore::Held* h = merge_->next_held(&item.pid, &item.program);
      // Readers closed by that call held only records handed out before it: in this batch or
      // an earlier one, all consumed before this batch is freed.
      for (auto& reader : closed_) b->closed.push_back(std::move(reader));
      closed_.clear();
      if (h == nullptr) {
        last = true;
        break;
      }
      item.held = b->store.copy(*h, 0);  // its bytes as they are: expanded only by the consumer
      b->items.push_back(item);
    }
    b->last = last;
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
      full_.push_back(std::move(b));
    }
    changed_.notify_all();
    if (last) return;
  }
}

void PipelinedMerge::recycle(std::unique_ptr<Batch> b) {
  b->items.clear();
  b->store.clear();
  b->closed.clear();  // the readers of files whose records are all consumed
  b->last = false;
  {
    std::lock_guard lock(mutex_);
    free_.push_back(std::move(b));
  }
  changed_.notify_all();
}

const MergedRecord* PipelinedMerge::next() {
  while (!current_ || next_item_ == current_->items.size()) {
    if (ended_) return nullptr;
    if (current_) {
      if (current_->last) ended_ = true;
      recycle(std::move(current_));
      if (ended_) return nullptr;
    }
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [&] { return !full_.empty(); });
    current_ = std::move(full_.front());
    full_.pop_front();
    next_item_ = 0;
  }
  const Item& item = current_->items[next_item_++];
  load_held(*item.held, &loaded_, &out_);
  out_.pid = item.pid;
  out_.program = item.program;
  return &out_;
}

bool several_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  return ::sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 1;
}

}  // namespace lynx::tools
