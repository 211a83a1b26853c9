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

// What the window needs to know of a Value, in one place: whether it points to bytes outside
// itself (a string value), and how to point it elsewhere. Everything else is copied as is.
bool points_outside(const Value& v) { return v.has_bytes(); }
std::string_view outside_bytes(const Value& v) { return v.s; }
void repoint(Value& v, std::string_view bytes) { v.s = bytes; }

}  // namespace

// A record's format 2.1 context copied into its entry (names and values that point outside);
// returns the bytes it holds.
template <class Entry>
std::size_t copy_context(Entry& e, const format::Record& r) {
  e.suppressed = r.suppressed;
  e.backtrace = r.backtrace;
  e.context.assign(r.context.begin(), r.context.end());
  std::size_t need = 0;
  for (const record::ContextEntry& c : e.context)
    need += c.name.size() + (points_outside(c.value) ? outside_bytes(c.value).size() : 0);
  e.context_strings.resize(need);
  char* at = e.context_strings.data();
  auto copy = [&](std::string_view s) {
    if (!s.empty()) std::memcpy(at, s.data(), s.size());
    const std::string_view copied(at, s.size());
    at += s.size();
    return copied;
  };
  for (record::ContextEntry& c : e.context) {
    c.name = copy(c.name);
    if (points_outside(c.value)) repoint(c.value, copy(outside_bytes(c.value)));
  }
  return need + e.context.size() * sizeof(record::ContextEntry);
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
  struct Entry {
    std::int64_t ts_ns = 0;
    std::int64_t order_ns = 0;
    std::uint64_t arrival = 0;
    const format::CallSiteInfo* site = nullptr;
    const format::ThreadInfo* thread = nullptr;
    std::uint32_t pid = 0;
    std::string_view program;  // in its file's reader, alive while the entry is
    std::uint64_t os_tid = 0;
    std::uint64_t file = 0;  // number of the OpenFile it came from
    std::size_t bytes = 0;   // what it counts against the window's bytes
    std::vector<Value> values;
    std::vector<char> strings;  // the bytes of its string values
    // Format 2.1 extras: the context (names and string values in context_strings).
    std::vector<record::ContextEntry> context;
    std::vector<char> context_strings;
    std::uint64_t suppressed = 0;
    bool backtrace = false;
  };

  explicit Stream(LogMerge& merge) : merge_(merge) {}
  void add_file(FileToRead file) { files_.push_back(std::move(file)); }

  // Reads until the window is full or the stream has ended. Returns whether it has a head.
  bool fill() {
    while (!ended_ && run_.size() + heap_.size() < merge_.window_records_ &&
           bytes_ < merge_.window_bytes_) {
      if (!pull()) ended_ = true;
    }
    return !empty();
  }
  bool empty() const { return run_.empty() && heap_.empty(); }
  const Entry& head() const {
    return pool_[head_from_run() ? run_.front().index : heap_.front().index];
  }
  // Takes the head out of the window; it stays valid until release().
  const Entry& take() {
    if (head_from_run()) {
      taken_ = run_.front().index;
      run_.pop_front();
    } else {
      std::pop_heap(heap_.begin(), heap_.end(), Later{});
      taken_ = heap_.back().index;
      heap_.pop_back();
    }
    return pool_[taken_];
  }
  void release() {
    Entry& e = pool_[taken_];
    bytes_ -= e.bytes;
    --open_[e.file - first_open_].in_window;
    free_.push_back(taken_);
    prune();
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
    std::uint32_t index;  // into pool_
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
    std::uint32_t index;
    if (!free_.empty()) {
      index = free_.back();
      free_.pop_back();
    } else {
      index = static_cast<std::uint32_t>(pool_.size());
      pool_.emplace_back();
    }
    Entry& e = pool_[index];
    e.ts_ns = r.ts_ns;
    e.order_ns = std::max(r.ts_ns, *last_slot_);
    *last_slot_ = e.order_ns;
    e.arrival = arrivals_++;
    e.site = r.site;
    e.thread = r.thread;
    e.pid = f.pid;
    e.program = f.reader->header().program;
    e.os_tid = r.thread->os_tid;
    e.file = file;
    e.values.assign(r.args.begin(), r.args.end());
    std::size_t outside = 0;
    for (const Value& v : e.values) {
      if (points_outside(v)) outside += outside_bytes(v).size();
    }
    e.strings.resize(outside);
    std::size_t at = 0;
    for (Value& v : e.values) {
      if (!points_outside(v)) continue;
      const std::string_view s = outside_bytes(v);
      if (!s.empty()) std::memcpy(e.strings.data() + at, s.data(), s.size());
      repoint(v, std::string_view(e.strings.data() + at, s.size()));
      at += s.size();
    }
    e.bytes = sizeof(Entry) + e.values.size() * sizeof(Value) + outside + copy_context(e, r);
    bytes_ += e.bytes;
    ++f.in_window;
    const HeapKey key{e.order_ns, e.arrival, index};
    if (run_.empty() || !Later{}(run_.back(), key)) {
      run_.push_back(key);
    } else {
      heap_.push_back(key);
      std::push_heap(heap_.begin(), heap_.end(), Later{});
    }
  }

  LogMerge& merge_;
  std::vector<FileToRead> files_;
  std::size_t next_file_ = 0;
  std::deque<OpenFile> open_;  // files whose records may still be in the window; the last is read
  std::uint64_t first_open_ = 0;  // number of open_.front()
  bool ended_ = false;
  std::deque<Entry> pool_;  // a deque: entries never move, so their values' pointers hold
  std::vector<std::uint32_t> free_;
  std::deque<HeapKey> run_;
  std::vector<HeapKey> heap_;
  std::size_t bytes_ = 0;
  std::uint64_t arrivals_ = 0;
  std::uint32_t taken_ = 0;
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
  if (taken_ != nullptr) {
    taken_->release();
    taken_->fill();
    taken_ = nullptr;
  }
  Stream* best = nullptr;
  for (const auto& s : streams_) {
    // Strictly earlier only: on a tie the earlier stream wins, as in the stable sort.
    if (!s->empty() && (best == nullptr || s->head().order_ns < best->head().order_ns)) {
      best = s.get();
    }
  }
  if (best == nullptr) return nullptr;
  const Stream::Entry& e = best->take();
  taken_ = best;
  out_.ts_ns = e.ts_ns;
  out_.order_ns = e.order_ns;
  out_.site = e.site;
  out_.thread = e.thread;
  out_.pid = e.pid;
  out_.program = e.program;
  out_.os_tid = e.os_tid;
  out_.values = e.values;
  out_.context = e.context;
  out_.suppressed = e.suppressed;
  out_.backtrace = e.backtrace;
  return &out_;
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
