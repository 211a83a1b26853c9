#include "engine/line_file_sink.hpp"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <system_error>
#include <thread>

#include "engine/file_clock.hpp"
#include "engine/steady_clock.hpp"
#include "engine/writer_seam.hpp"

namespace lynx::detail {

namespace {

constexpr std::size_t kBufferBytes = 256u << 10;
constexpr std::size_t kBuffers = 8;
[[noreturn]] void fail(const Status& s) {
  if (s.sys_errno() != 0)
    throw std::system_error(s.sys_errno(), std::generic_category(), "lynx: " + s.message());
  throw std::runtime_error("lynx: " + s.message());
}

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::vector<ShardFile> list_rotated_files(const std::string& path) {
  std::vector<ShardFile> files;
  const std::string dir_path = directory_of(path);
  const std::size_t slash = path.rfind('/');
  const std::string prefix = (slash == std::string::npos ? path : path.substr(slash + 1)) + ".";
  DIR* dir = ::opendir(dir_path.c_str());
  if (dir == nullptr) return files;
  while (const dirent* e = ::readdir(dir)) {
    const std::string_view name(e->d_name);
    if (name.size() <= prefix.size() || name.substr(0, prefix.size()) != prefix) continue;
    const std::string_view digits = name.substr(prefix.size());
    if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    add_if_regular_file(dir_path + "/" + std::string(name),
                        std::strtoull(std::string(digits).c_str(), nullptr, 10), &files);
  }
  ::closedir(dir);
  sort_by_sequence(&files);
  return files;
}

LineFileSink::LineFileSink(render::OutputFormat format, const FileSinkOptions& options,
                           const Options& engine_options, const std::atomic<std::uint8_t>& level,
                           StatCounters& stats)
    : format_(format),
      options_(options),
      sync_(engine_options.sync),
      flush_every_ns_(std::chrono::nanoseconds(engine_options.flush_every).count()),
      level_(level),
      stats_(stats) {
  if (options_.path.empty())
    throw std::invalid_argument("lynx: a text or JSON sink needs a path (FileSinkOptions::path)");
  if (!options_.layout.empty()) {
    if (format_ != render::OutputFormat::text)
      throw std::invalid_argument("lynx: a JSON sink has no layout (FileSinkOptions::layout)");
    std::string error;
    layout_ = render::Template::compile(options_.layout, {}, &error);
    if (!layout_) throw std::invalid_argument("lynx: text sink layout: " + error);
  }
  pool_ = std::make_unique<io::BufferPool>(kBufferBytes, kBuffers);
  io::WriterConfig wc;
  wc.kind = engine_options.io == Io::uring   ? io::Kind::uring
            : engine_options.io == Io::psync ? io::Kind::psync
                                             : io::Kind::automatic;
  wc.max_in_flight = 4;
  wc.pool = pool_.get();
  Status s;
  std::string note;  // the binary FileSink already said it once when io_uring is unavailable
  writer_ = make_engine_writer(wc, &s, &note);
  if (writer_ == nullptr) fail(s);
  on_done_ = [this](io::Buffer* b, const Status& st) { on_done(b, st); };
  s = io::create_directories(directory_of(options_.path));
  if (!s.ok()) fail(s);
  now_ns_ = file_clock_ns();
  open_file();
}

LineFileSink::~LineFileSink() {
  if (writer_ != nullptr)
    writer_->drain([this](io::Buffer* b, const Status&) { pool_->release(b); });
  if (buffer_ != nullptr) pool_->release(buffer_);
  for (io::Buffer* b : stalled_) pool_->release(b);
  if (fd_ >= 0) (void)io::close_file(fd_, options_.path);
}

void LineFileSink::open_file() {
  int fd = -1;
  std::uint64_t size = 0;
  const Status s = io::open_for_append(options_.path, options_.file_mode, &fd, &size);
  if (!s.ok()) fail(s);
  fd_ = fd;
  offset_ = size;
  stats_.add(stats_.files_opened, 1);
  const std::int64_t every = std::chrono::nanoseconds(options_.rotate_every).count();
  rotate_at_ = every > 0 ? (now_ns_ / every + 1) * every : 0;
}

// Closes the current file (after its writes completed), syncing it per Options::sync.
void LineFileSink::finish_file() {
  if (fd_ < 0) return;
  if (sync_ != Sync::none) {
    const Status s = io::sync_file(fd_, options_.path);
    if (!s.ok()) std::fprintf(stderr, "lynx: %s\n", s.message().c_str());
  }
  const Status s = io::close_file(fd_, options_.path);
  if (!s.ok()) std::fprintf(stderr, "lynx: %s\n", s.message().c_str());
  fd_ = -1;
}

void LineFileSink::rotate() {
  submit();
  writer_->drain(on_done_);
  if (!stalled_.empty()) return;  // failed writes first go to the file they belong to
  rotate_due_ = false;
  stats_.add(stats_.rotations, 1);
  finish_file();
  const std::vector<ShardFile> old = list_rotated_files(options_.path);
  char tail[32];
  std::snprintf(tail, sizeof tail, ".%06" PRIu64, old.empty() ? 1 : old.back().sequence + 1);
  Status s = io::rename_file(options_.path, options_.path + tail);
  if (!s.ok()) std::fprintf(stderr, "lynx: cannot rotate: %s\n", s.message().c_str());
  open_file();
  RetentionPolicy policy;
  policy.keep_files = options_.keep_files;
  policy.keep_bytes = options_.keep_bytes;
  policy.keep_for_ns = std::chrono::nanoseconds(options_.keep_for).count();
  if (!policy.active()) return;
  std::vector<ShardFile> files = list_rotated_files(options_.path);
  files.push_back(ShardFile{~std::uint64_t{0}, options_.path, options_.rotate_bytes, now_ns_});
  std::vector<std::string> errors;
  stats_.add(stats_.files_deleted, apply_retention_to(files, policy, options_.path,
                                                      options_.rotate_bytes, now_ns_, &errors)
                                       .size());
  for (const std::string& e : errors) std::fprintf(stderr, "lynx: retention: %s\n", e.c_str());
}

// HOT on the backend for every record this sink takes: decode, render, copy.
bool LineFileSink::write(const SinkRecord& record) {
  if (static_cast<std::uint8_t>(record.site.site->level) < level_.load(std::memory_order_relaxed))
    return !starved();
  const record::RecordView* view = decoder_.decode(record);
  if (view == nullptr) return !starved();
  line_.clear();
  if (layout_) {
    layout_->render(line_, *view, renderer_, local_cache_);
  } else {
    renderer_.line(line_, format_, *view);
  }
  const std::uint64_t file_bytes = offset_ + (buffer_ != nullptr ? buffer_->size : 0);
  if (rotate_due_ || (options_.rotate_bytes != 0 && file_bytes != 0 &&
                      file_bytes + line_.size() > options_.rotate_bytes)) {
    rotate_due_ = true;
    rotate();
  }
  append(line_.data(), line_.size());
  return !starved();
}

void LineFileSink::append(const char* data, std::size_t size) {
  if (buffer_ != nullptr && buffer_->capacity - buffer_->size < size) submit();
  if (buffer_ == nullptr) {
    while (buffer_ == nullptr) {
      buffer_ = size > pool_->buffer_bytes() ? pool_->acquire_oversized(size) : pool_->acquire();
      if (buffer_ != nullptr) break;
      if (writer_->pending() > 0) {
        writer_->reap(true, on_done_);  // every buffer is in flight: wait for one
      } else {  // every buffer holds a failed write (starved() stops the drain before this)
        buffer_ = pool_->acquire_oversized(std::max(size, pool_->buffer_bytes()));
      }
    }
    buffer_->size = 0;
    buffer_->records = 0;
    pending_since_ = steady_clock_ns();
  }
  std::memcpy(buffer_->data + buffer_->size, data, size);
  buffer_->size += size;
  buffer_->records += 1;
}

void LineFileSink::submit() {
  pending_since_ = -1;
  if (buffer_ == nullptr) return;
  io::Buffer* b = buffer_;
  buffer_ = nullptr;
  if (b->size == 0) {
    pool_->release(b);
    return;
  }
  b->fd = fd_;
  b->offset = offset_;
  b->owner = this;
  offset_ += b->size;
  writer_->submit(fd_, b->offset, b, sync_ == Sync::every_batch);
}

void LineFileSink::on_done(io::Buffer* buffer, const Status& status) {
  if (status.ok()) {
    pool_->release(buffer);
    return;
  }
  stats_.add(stats_.write_errors, 1);
  if (!reported_) {
    reported_ = true;
    std::fprintf(stderr, "lynx: %s: write failed: %s; retrying\n", options_.path.c_str(),
                 status.message().c_str());
  }
  if (giving_up_) {
    lost_lines_ += buffer->records;
    pool_->release(buffer);
    return;
  }
  stalled_.push_back(buffer);
  retry_.failed();
}

void LineFileSink::retry(bool now) {
  if (stalled_.empty()) return;
  if (!retry_.due(now)) return;
  std::vector<io::Buffer*> again;
  again.swap(stalled_);
  for (io::Buffer* b : again) writer_->submit(b->fd, b->offset, b, sync_ == Sync::every_batch);
  writer_->drain(on_done_);
  retry_.retried(stalled_.empty());
  if (stalled_.empty()) {
    if (reported_) std::fprintf(stderr, "lynx: %s: writes succeed again\n", options_.path.c_str());
    reported_ = false;
    return;
  }
}

void LineFileSink::give_up() {
  giving_up_ = true;
  for (io::Buffer* b : stalled_) {
    lost_lines_ += b->records;
    pool_->release(b);
  }
  stalled_.clear();
}

void LineFileSink::tick(std::int64_t steady_now_ns, std::int64_t file_now_ns) {
  now_ns_ = file_now_ns;
  if (rotate_at_ != 0 && file_now_ns >= rotate_at_) rotate_due_ = true;  // at the next record
  if (pending_since_ >= 0 && steady_now_ns - pending_since_ >= flush_every_ns_) submit();
  writer_->reap(false, on_done_);
  retry(false);
  if (closing_ && !stalled_.empty() && retry_.stop_deadline_passed()) give_up();
}

void LineFileSink::flush() {
  submit();
  writer_->drain(on_done_);
}

void LineFileSink::begin_close() {
  closing_ = true;
  retry_.begin_stop();
}

void LineFileSink::close() {
  if (!closing_) begin_close();
  flush();
  while (!stalled_.empty() && !retry_.stop_deadline_passed()) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    retry(false);
  }
  give_up();
  finish_file();
  if (lost_lines_ != 0) {
    std::fprintf(stderr, "lynx: %s: %llu lines could not be written and are lost\n",
                 options_.path.c_str(), static_cast<unsigned long long>(lost_lines_));
  }
}

}  // namespace lynx::detail
