#include "tools/follow.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>

#include <fmt/format.h>

#include "format/byte_source.hpp"
#include "format/format.hpp"

namespace lynx::tools {

namespace fs = std::filesystem;
using format::BlockReader;
using format::Value;

struct LogFollower::File {
  std::string path;
  std::unique_ptr<BlockReader> reader;
  bool opened = false;
  bool done = false;
  std::uint64_t bytes_seen = 0;
  int quiet_polls = 0;               // polls without new bytes
  std::unique_ptr<FilterGate> gate;  // the metadata filters, asked before arguments are decoded
};

struct LogFollower::Entry {
  std::int64_t order_ns = 0;  // the sort key, as held (copied: sorting does not chase `held`)
  std::uint64_t arrival = 0;
  const RecordStore::Held* held = nullptr;
  std::uint32_t pid = 0;
  std::string_view program;  // in the file's reader
};

LogFollower::LogFollower(std::vector<std::string> paths, Diagnostics& diag,
                         const RecordFilter* filter, bool recursive)
    : paths_(std::move(paths)), diag_(diag), filter_(filter), recursive_(recursive) {}

LogFollower::~LogFollower() = default;

void LogFollower::discover() {
  std::vector<std::string> found;
  for (const std::string& p : paths_) {
    std::error_code ec;
    if (!fs::is_directory(p, ec)) {
      found.push_back(p);
      continue;
    }
    auto consider = [&](const fs::directory_entry& e) {
      std::error_code type_ec;
      if (e.path().filename().string().ends_with(format::kFileExtension) &&
          e.is_regular_file(type_ec)) {
        found.push_back(e.path().string());
      }
    };
    if (recursive_) {
      for (fs::recursive_directory_iterator
               it(p, fs::directory_options::skip_permission_denied, ec),
           end;
           !ec && it != end; it.increment(ec)) {
        consider(*it);
      }
    } else {
      for (fs::directory_iterator it(p, ec), end; !ec && it != end; it.increment(ec)) consider(*it);
    }
  }
  std::sort(found.begin(), found.end());
  for (std::string& path : found) {
    if (!known_.insert(path).second) continue;
    std::unique_ptr<format::FdSource> source;
    if (Status s = format::FdSource::open(path, &source); !s.ok()) {
      diag_.io_error(s.message());
      continue;
    }
    auto f = std::make_unique<File>();
    f->path = path;
    f->reader = std::make_unique<BlockReader>(path, std::move(source));
    f->reader->set_growing(true);
    if (filter_ != nullptr) {
      f->reader->set_time_range(filter_->since(), filter_->until());
      f->gate = std::make_unique<FilterGate>(*filter_);
      f->reader->set_gate(f->gate.get());
    }
    files_.push_back(std::move(f));
  }
}

void LogFollower::read(File& f, const std::function<void(const MergedRecord&)>& emit,
                       std::size_t* emitted) {
  if (!f.opened) {
    const Status s = f.reader->open();
    if (s.code() == Status::Code::unavailable) return;  // nothing flushed yet: next poll
    if (!s.ok()) {
      s.code() == Status::Code::io_error ? diag_.io_error(s.message())
                                         : diag_.data_error(s.message());
      f.done = true;
      return;
    }
    f.opened = true;
  }
  for (;;) {
    switch (f.reader->next()) {
      case BlockReader::Next::record: {
        const format::Record& r = f.reader->record();
        // The gate has judged its metadata already.
        if (filter_ != nullptr && filter_->filters_values() &&
            !filter_->keep_values(r, f.gate->verdict(*r.site), renderer_, scratch_)) {
          continue;
        }
        Entry& e = batch_.emplace_back();
        e.pid = f.reader->header().pid;
        e.program = f.reader->header().program;
        std::int64_t& last = thread_last_ns_
                                 .try_emplace(ThreadKey{e.pid, r.thread->os_tid},
                                              std::numeric_limits<std::int64_t>::min())
                                 .first->second;
        e.order_ns = last = std::max(last, r.ts_ns);
        e.arrival = arrivals_++;
        e.held = held_.put(r, e.order_ns, 0);
        if (batch_.size() >= kMaxBatch || held_.bytes() >= kMaxBatchBytes) flush(emit, emitted);
        continue;
      }
      case BlockReader::Next::problem: report_problem(f.path, f.reader->problem(), diag_); continue;
      case BlockReader::Next::error:
        diag_.io_error(f.reader->error().message());
        f.done = true;
        return;
      case BlockReader::Next::end: f.done = true; return;
      case BlockReader::Next::not_yet: return;
    }
  }
}

void LogFollower::flush(const std::function<void(const MergedRecord&)>& emit,
                        std::size_t* emitted) {
  std::sort(batch_.begin(), batch_.end(), [](const Entry& a, const Entry& b) {
    return a.order_ns != b.order_ns ? a.order_ns < b.order_ns : a.arrival < b.arrival;
  });
  MergedRecord m;
  for (const Entry& e : batch_) {
    load_held(*e.held, &loaded_, &m);
    m.pid = e.pid;
    m.program = e.program;
    emit(m);
    ++*emitted;
  }
  batch_.clear();
  held_.clear();
}

std::size_t LogFollower::poll(const std::function<void(const MergedRecord&)>& emit) {
  discover();
  std::size_t emitted = 0;
  for (const auto& f : files_) {
    if (!f->done) read(*f, emit, &emitted);
  }
  flush(emit, &emitted);
  // Rotation: a file whose shard has a newer file, and that stopped growing, is read to its end
  // (a cut-off tail is damage from now on) and closed at the next poll.
  for (const auto& f : files_) {
    if (f->done || !f->opened) continue;
    const std::uint64_t bytes = f->reader->summary().bytes;
    f->quiet_polls = bytes == f->bytes_seen ? f->quiet_polls + 1 : 0;
    f->bytes_seen = bytes;
    if (f->quiet_polls < kQuietPolls) continue;
    const format::FileHeader& h = f->reader->header();
    const bool rotated = std::any_of(files_.begin(), files_.end(), [&](const auto& g) {
      return g->opened && g->reader->header().pid == h.pid &&
             g->reader->header().shard == h.shard && g->reader->header().sequence > h.sequence;
    });
    if (rotated) f->reader->set_growing(false);
  }
  std::erase_if(files_, [](const std::unique_ptr<File>& f) { return f->done; });
  return emitted;
}

}  // namespace lynx::tools
