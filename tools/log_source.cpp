#include "tools/log_source.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "compress/zstd_codec.hpp"
#include "compress/zstd_dictionary.hpp"
#include "format/file_header.hpp"
#include "format/format.hpp"

namespace lynx::tools {

namespace fs = std::filesystem;
using format::BlockReader;
using format::Value;

namespace {

// One diagnostic line. Never throws and ignores failure: a closed or full standard error must
// not abort the command (or change its exit code).
void print_line(std::FILE* err, std::string_view message) {
  std::string line = "lynx: ";
  line.append(message);
  line.push_back('\n');
  (void)!std::fwrite(line.data(), 1, line.size(), err);
  std::fflush(err);
}

}  // namespace

void Diagnostics::io_error(std::string_view message) {
  io_error_ = true;
  print_line(err_, message);
}

void Diagnostics::data_error(std::string_view message) {
  data_error_ = true;
  print_line(err_, message);
}

void Diagnostics::note(std::string_view message) { print_line(err_, message); }

int Diagnostics::exit_code() const {
  return io_error_ ? kExitUsage : data_error_ ? kExitDataError : kExitOk;
}

std::vector<std::string> expand_paths(const std::vector<std::string>& args, Diagnostics& diag,
                                      bool recursive) {
  std::vector<std::string> files;
  std::set<std::pair<dev_t, ino_t>> seen;
  auto add = [&](std::string path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !seen.insert({st.st_dev, st.st_ino}).second) return;
    files.push_back(std::move(path));
  };
  bool stdin_added = false;
  for (const std::string& arg : args) {
    if (arg == kStdinPath) {
      if (!stdin_added) files.push_back(arg);
      stdin_added = true;
      continue;
    }
    std::error_code ec;
    const fs::file_status st = fs::status(arg, ec);
    if (ec || !fs::exists(st)) {
      diag.io_error(fmt::format("{}: {}", arg, ec ? ec.message() : "No such file or directory"));
      continue;
    }
    if (!fs::is_directory(st)) {
      add(arg);
      continue;
    }
    std::vector<std::string> names;
    auto consider = [&](const fs::directory_entry& entry) {
      std::error_code type_ec;
      if (entry.path().filename().string().ends_with(format::kFileExtension) &&
          entry.is_regular_file(type_ec)) {
        names.push_back(entry.path().string());
      }
    };
    if (recursive) {
      for (fs::recursive_directory_iterator
               it(arg, fs::directory_options::skip_permission_denied, ec),
           end;
           !ec && it != end; it.increment(ec)) {
        consider(*it);
      }
    } else {
      for (fs::directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
        consider(*it);
      }
    }
    if (ec) {
      diag.io_error(fmt::format("{}: {}", arg, ec.message()));
      continue;
    }
    if (names.empty()) {
      diag.io_error(fmt::format("{}: no {} files in this directory", arg, format::kFileExtension));
      continue;
    }
    std::sort(names.begin(), names.end());
    for (std::string& name : names) add(std::move(name));
  }
  return files;
}

bool load_dictionary_option(const std::string& path, std::vector<std::byte>* dictionary,
                            Diagnostics& diag) {
  // compress::load_dictionary's messages name the file.
  if (const Status s = compress::load_dictionary(path, dictionary); !s.ok()) {
    diag.io_error(s.message());
    return false;
  }
  // zstd parses the dictionary's entropy tables here. A damaged table makes zstd report an
  // allocation error, so the message says what it means before quoting zstd.
  compress::ZstdDecompressor probe;
  if (const Status s = probe.set_dictionary(*dictionary); !s.ok()) {
    diag.io_error(fmt::format("{}: damaged zstd dictionary ({})", path, s.message()));
    return false;
  }
  return true;
}

std::unique_ptr<BlockReader> open_log(const std::string& path,
                                      const std::vector<std::byte>& dictionary, Diagnostics& diag,
                                      Status* header_error) {
  std::unique_ptr<format::ByteSource> source;
  if (path == kStdinPath) {
    const int fd = ::dup(STDIN_FILENO);
    if (fd < 0) {
      diag.io_error(Status::from_errno(errno, "read standard input").message());
      return nullptr;
    }
    source = std::make_unique<format::FdSource>(fd, path);
  } else {
    std::unique_ptr<format::FdSource> file;
    if (const Status s = format::FdSource::open(path, &file); !s.ok()) {
      diag.io_error(s.message());
      return nullptr;
    }
    source = std::move(file);
  }
  auto reader = std::make_unique<BlockReader>(path, std::move(source));
  if (Status s = reader->open(); !s.ok()) {
    // The reader's messages name the file already.
    if (s.code() == Status::Code::unavailable) {
      diag.note(s.message());  // a running program's file before its first flush: no error
    } else if (s.code() != Status::Code::corrupt && s.code() != Status::Code::unsupported) {
      diag.io_error(s.message());
    } else if (header_error != nullptr) {
      *header_error = std::move(s);
    } else {
      diag.data_error(s.message());
    }
    return nullptr;
  }
  if (!dictionary.empty()) {
    if (const Status s = reader->set_dictionary(dictionary); !s.ok()) {
      diag.io_error(fmt::format("{}: {}", path, s.message()));
      return nullptr;
    }
  }
  return reader;
}

void report_problem(const std::string& path, const format::Problem& p, Diagnostics& diag) {
  diag.data_error(fmt::format("{}: offset {}: {}", path, p.offset, p.message));
}

namespace {

struct FileToRead {
  std::string path;
  std::uint32_t shard = 0;
  std::uint64_t sequence = 0;
  std::unique_ptr<BlockReader> reader;  // kept open when the path cannot be opened again (a pipe)
};

}  // namespace

// The files of one shard number, in sequence order, and their reorder window.
class LogMerge::Stream {
 public:
  explicit Stream(LogMerge& merge) : merge_(merge) {}
  void add_file(FileToRead file) { files_.push_back(std::move(file)); }

  // Reads until the window is full or the stream has ended. Returns whether it has a head.
  bool fill() {
    while (!ended_ && run_.size() + heap_.size() < merge_.window_records_ &&
           held_.bytes() < merge_.window_bytes_) {
      if (!pull()) ended_ = true;
    }
    return !empty();
  }
  bool empty() const { return run_.empty() && heap_.empty(); }
  std::int64_t head_order_ns() const {
    return head_from_run() ? run_.front().order_ns : heap_.front().order_ns;
  }
  // Takes the head out of the window; it stays valid until release().
  const RecordStore::Held& take() {
    if (head_from_run()) {
      taken_ = run_.front().held;
      run_.pop_front();
    } else {
      std::pop_heap(heap_.begin(), heap_.end(), Later{});
      taken_ = heap_.back().held;
      heap_.pop_back();
    }
    return *taken_;
  }
  void release() {
    --open_[taken_->tag - first_open_].in_window;
    held_.drop(taken_);
    taken_ = nullptr;
    prune();
  }
  // The file a record of the window came from: its pid as the merge knew it when it opened the
  // file (a damaged header is restored from the metadata later), and its program.
  std::uint32_t pid_of(const RecordStore::Held& h) const { return open_[h.tag - first_open_].pid; }
  std::string_view program_of(const RecordStore::Held& h) const {
    return open_[h.tag - first_open_].reader->header().program;
  }

 private:
  struct OpenFile {
    std::unique_ptr<BlockReader> reader;
    std::string path;
    std::uint32_t pid = 0;
    std::size_t in_window = 0;  // its records in the window: their sites live in its reader
    bool done = false;
    // The metadata filters, asked by the reader before it decodes arguments (null: no filter).
    std::unique_ptr<FilterGate> gate;
  };

  // Whether the merge's filter keeps `r`, which its file's gate let through (always without one).
  bool keep(OpenFile& f, const format::Record& r) {
    const RecordFilter* filter = merge_.filter_;
    if (filter == nullptr || !filter->filters_values()) return true;
    return filter->keep_values(r, f.gate->verdict(*r.site), renderer_, scratch_);
  }

  // A window entry's place in the heap. The keys are copied here so that ordering the heap never
  // touches the entries (a window holds tens of thousands of them: chasing each into the pool
  // made the merge a third of `lynx cat`'s time).
  struct HeapKey {
    std::int64_t order_ns;
    std::uint64_t arrival;
    const RecordStore::Held* held;
  };
  // Orders the heap as a min-heap by (effective ts, arrival).
  struct Later {
    bool operator()(const HeapKey& x, const HeapKey& y) const {
      return x.order_ns != y.order_ns ? x.order_ns > y.order_ns : x.arrival > y.arrival;
    }
  };
  // The window is a queue in two parts: run_, the records that arrived in order (each key above
  // the one before it: appended and taken in O(1), almost every record), and heap_, those that
  // arrived early (out of order: O(log n)). Its head is the smaller of their fronts.
  bool head_from_run() const {
    return heap_.empty() || (!run_.empty() && !Later{}(run_.front(), heap_.front()));
  }

  OpenFile* current() {
    if (!open_.empty() && !open_.back().done) return &open_.back();
    while (next_file_ < files_.size()) {
      FileToRead& f = files_[next_file_++];
      std::unique_ptr<BlockReader> reader =
          f.reader ? std::move(f.reader) : open_log(f.path, merge_.dictionary_, merge_.diag_);
      if (!reader) continue;
      const std::uint32_t pid = reader->header().pid;
      std::unique_ptr<FilterGate> gate;
      if (merge_.filter_ != nullptr) {
        reader->set_time_range(merge_.filter_->since(), merge_.filter_->until());
        gate = std::make_unique<FilterGate>(*merge_.filter_);
        reader->set_gate(gate.get());
      }
      open_.push_back(OpenFile{std::move(reader), f.path, pid, 0, false, std::move(gate)});
      return &open_.back();
    }
    return nullptr;
  }

  void finish(OpenFile& f) {
    f.done = true;
    f.reader->release_buffers();
    prune();
  }

  // Closes the files that are done and have no record left in the window.
  void prune() {
    while (!open_.empty() && open_.front().done && open_.front().in_window == 0) {
      if (merge_.closed_ != nullptr) merge_.closed_->push_back(std::move(open_.front().reader));
      open_.pop_front();
      ++first_open_;
    }
  }

  // Reads the next record of the stream into the window; false at the end of the stream.
  bool pull() {
    for (;;) {
      OpenFile* f = current();
      if (f == nullptr) return false;
      switch (f->reader->next()) {
        case BlockReader::Next::record:
          if (!keep(*f, f->reader->record())) continue;
          add(*f, f->reader->record());
          return true;
        case BlockReader::Next::problem:
          report_problem(f->path, f->reader->problem(), merge_.diag_);
          continue;
        case BlockReader::Next::error:
          merge_.diag_.io_error(f->reader->error().message());
          finish(*f);
          continue;
        case BlockReader::Next::end:
        case BlockReader::Next::not_yet: finish(*f); continue;
      }
    }
  }

  void add(OpenFile& f, const format::Record& r) {
    const std::uint64_t file = first_open_ + open_.size() - 1;  // f is the last open file
    if (r.thread != last_thread_ || file != last_file_) {
      last_slot_ = &merge_.thread_last_ns_
                        .try_emplace(ThreadKey{f.pid, r.thread->os_tid},
                                     std::numeric_limits<std::int64_t>::min())
                        .first->second;
      last_thread_ = r.thread;
      last_file_ = file;
    }
    const std::int64_t order_ns = std::max(r.ts_ns, *last_slot_);
    *last_slot_ = order_ns;
    const RecordStore::Held* held = held_.put(r, order_ns, file);
    ++f.in_window;
    const std::uint64_t arrival = arrivals_++;
    // Keys are written in place, field by field: copying a key built aside made GCC load it
    // whole right after storing it in pieces, a stall for every record.
    const bool in_order = run_.empty() || !Later{}(run_.back(), HeapKey{order_ns, arrival, held});
    HeapKey& k = in_order ? run_.emplace_back() : heap_.emplace_back();
    k.order_ns = order_ns;
    k.arrival = arrival;
    k.held = held;
    if (!in_order) std::push_heap(heap_.begin(), heap_.end(), Later{});
  }

  LogMerge& merge_;
  std::vector<FileToRead> files_;
  std::size_t next_file_ = 0;
  std::deque<OpenFile> open_;  // files whose records may still be in the window; the last is read
  std::uint64_t first_open_ = 0;  // number of open_.front()
  bool ended_ = false;
  RecordStore held_;  // the window's records
  std::deque<HeapKey> run_;
  std::vector<HeapKey> heap_;
  std::uint64_t arrivals_ = 0;
  const RecordStore::Held* taken_ = nullptr;
  const format::ThreadInfo* last_thread_ = nullptr;
  std::uint64_t last_file_ = 0;
  std::int64_t* last_slot_ = nullptr;
  render::Renderer renderer_;  // the filter's working space
  fmt::memory_buffer scratch_;
};

LogMerge::LogMerge(const std::vector<std::string>& files, Diagnostics& diag,
                   const std::vector<std::byte>& dictionary, const RecordFilter* filter)
    : diag_(diag), dictionary_(dictionary), filter_(filter) {
  std::vector<FileToRead> order;
  for (const std::string& path : files) {
    std::unique_ptr<BlockReader> reader = open_log(path, dictionary_, diag_);
    if (!reader) continue;
    FileToRead f{path, reader->header().shard, reader->header().sequence, nullptr};
    // A regular file is opened again when its stream reaches it, so that only a few files are
    // open at a time; anything else (a pipe, standard input) cannot give its bytes twice.
    struct stat st {};
    if (path == kStdinPath || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
      f.reader = std::move(reader);
    }
    order.push_back(std::move(f));
  }
  std::stable_sort(order.begin(), order.end(), [](const FileToRead& a, const FileToRead& b) {
    return a.shard != b.shard ? a.shard < b.shard : a.sequence < b.sequence;
  });
  for (std::size_t i = 0; i < order.size(); ++i) {
    if (i == 0 || order[i].shard != order[i - 1].shard) {
      streams_.push_back(std::make_unique<Stream>(*this));
    }
    streams_.back()->add_file(std::move(order[i]));
  }
  if (!streams_.empty()) {
    window_records_ = std::max(kMinWindowRecords, kWindowRecords / streams_.size());
    window_bytes_ = std::max(kMinWindowBytes, kWindowBytes / streams_.size());
  }
  for (auto& s : streams_) s->fill();  // in shard order: each stream's first problems come first
}

LogMerge::~LogMerge() = default;

const MergedRecord* LogMerge::next() {
  const RecordStore::Held* h = next_held(&out_.pid, &out_.program);
  if (h == nullptr) return nullptr;
  load_held(*h, &loaded_, &out_);
  return &out_;
}

const RecordStore::Held* LogMerge::next_held(std::uint32_t* pid, std::string_view* program) {
  if (taken_ != nullptr) {
    taken_->release();
    taken_->fill();
    taken_ = nullptr;
  }
  Stream* best = nullptr;
  for (const auto& s : streams_) {
    // Strictly earlier only: on a tie the earlier stream wins, as in the stable sort.
    if (!s->empty() && (best == nullptr || s->head_order_ns() < best->head_order_ns())) {
      best = s.get();
    }
  }
  if (best == nullptr) return nullptr;
  const RecordStore::Held& h = best->take();
  taken_ = best;
  *pid = best->pid_of(h);
  *program = best->program_of(h);
  return &h;
}

}  // namespace lynx::tools

namespace lynx::tools {

bool write_output(std::FILE* out, const char* data, std::size_t size, Diagnostics& diag) {
  if (diag.output_closed()) return false;
  if (size == 0 || std::fwrite(data, 1, size, out) == size) return true;
  if (errno == EPIPE) {
    diag.broken_pipe();
  } else {
    diag.io_error(fmt::format("write error on standard output: {}", std::strerror(errno)));
  }
  return false;
}

}  // namespace lynx::tools
