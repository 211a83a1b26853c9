#include "engine/console_sink.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <stdexcept>
#include <string>

#include "engine/file_clock.hpp"

namespace lynx::detail {

namespace {

// What Renderer::text() starts every line with: a 30-character UTC timestamp and a space, then the
// level padded to 5 (render/render.hpp).
constexpr std::size_t kTsWidth = 30;
constexpr std::size_t kLevelWidth = 5;

constexpr detail::ArgType kCountType[] = {detail::ArgType::u64};
constexpr CallSite kNotice{"{count} records dropped by the console sink (output blocked)",
                           "lynx",
                           "console_sink",
                           0,
                           Level::warn,
                           1,
                           kCountType,
                           {}};

const char* colour_of(Level level) {
  switch (level) {
    case Level::trace: return "\x1b[2m";
    case Level::debug: return "\x1b[36m";
    case Level::info: return "\x1b[32m";
    case Level::warn: return "\x1b[33m";
    case Level::error: return "\x1b[31m";
    case Level::critical: return "\x1b[1;31m";
    case Level::off: break;
  }
  return "";
}

bool want_colour(Colour c, int fd) {
  if (c == Colour::always) return true;
  if (c == Colour::never) return false;
  const char* term = std::getenv("TERM");
  return ::isatty(fd) == 1 && std::getenv("NO_COLOR") == nullptr &&
         !(term != nullptr && std::strcmp(term, "dumb") == 0);
}

// SIGPIPE stays blocked on the backend thread: a console whose reader left gives EPIPE instead of
// killing the process. Pending SIGPIPEs are consumed after each EPIPE.
void block_sigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}
void consume_sigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  const timespec zero{0, 0};
  while (sigtimedwait(&set, nullptr, &zero) == SIGPIPE) {
  }
}

}  // namespace

ConsoleSink::ConsoleSink(const ConsoleSinkOptions& options, const std::atomic<std::uint8_t>& level)
    : options_(options), level_(level) {
  if (options_.buffer_bytes < 4096) {
    throw std::invalid_argument(
        "lynx::ConsoleSinkOptions::buffer_bytes must be at least 4096, got " +
        std::to_string(options_.buffer_bytes));
  }
  fd_ = options_.fd;
  colour_ = want_colour(options_.colour, fd_);
  if (!options_.layout.empty()) {
    std::string error;
    layout_ = render::Template::compile(
        options_.layout, {.local_time = options_.time == TimeZone::local, .color = colour_},
        &error);
    if (!layout_) throw std::invalid_argument("lynx: console sink layout: " + error);
  }
  struct stat st {};
  if (::fstat(fd_, &st) != 0) {
    broken_ = true;  // nothing to write to: every record is dropped
  } else if (S_ISSOCK(st.st_mode)) {
    mode_ = Mode::socket;
  } else if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
    const std::string self = "/proc/self/fd/" + std::to_string(fd_);
    const int fd = ::open(self.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd >= 0) {
      fd_ = fd;
      own_fd_ = true;
      mode_ = Mode::nonblocking_fd;
    }
  }
  pending_.reserve(options_.buffer_bytes);
  notice_template_ = format::parse_template(kNotice.format);
  notice_site_ = record::site_of(kNotice, "lynx", notice_template_.ok, notice_template_.names,
                                 notice_template_.fmt_pattern);
  notice_site_.uid = record::next_site_uid();
}

ConsoleSink::~ConsoleSink() {
  if (own_fd_) ::close(fd_);
}

// The line as Renderer::text() made it, in local time and coloured as asked.
void ConsoleSink::decorate(fmt::memory_buffer& out, const fmt::memory_buffer& line, Level level) {
  out.clear();
  const std::string_view l(line.data(), line.size());
  if (l.size() < kTsWidth + 1 + kLevelWidth || l[kTsWidth - 1] != 'Z' || l[kTsWidth] != ' ') {
    out.append(l.data(), l.data() + l.size());  // not the layout this expects: as it is
    return;
  }
  std::size_t from = 0;
  if (options_.time == TimeZone::local) {
    const std::int64_t ts = line_ts_;
    const std::int64_t second = ts >= 0 ? ts / 1'000'000'000 : (ts + 1) / 1'000'000'000 - 1;
    if (second != local_second_) {
      const time_t t = static_cast<time_t>(second);
      tm local{};
      localtime_r(&t, &local);
      local_second_ = second;
      local_offset_ = local.tm_gmtoff;
    }
    render::append_timestamp(out, ts + local_offset_ * 1'000'000'000);
    out.resize(out.size() - 1);  // the 'Z'
    const std::int64_t off = local_offset_ < 0 ? -local_offset_ : local_offset_;
    char zone[16];
    std::snprintf(zone, sizeof zone, "%c%02d:%02d", local_offset_ < 0 ? '-' : '+',
                  static_cast<int>(off / 3600), static_cast<int>(off / 60 % 60));
    out.append(zone, zone + std::strlen(zone));
    from = kTsWidth;
  }
  if (!colour_) {
    out.append(l.data() + from, l.data() + l.size());
    return;
  }
  out.append(l.data() + from, l.data() + kTsWidth + 1);
  const char* c = colour_of(level);
  out.append(c, c + std::strlen(c));
  out.append(l.data() + kTsWidth + 1, l.data() + kTsWidth + 1 + kLevelWidth);
  out.append(std::string_view("\x1b[0m"));
  out.append(l.data() + kTsWidth + 1 + kLevelWidth, l.data() + l.size());
}

bool ConsoleSink::queue(const char* data, std::size_t size) {
  if (head_ != 0 && head_ >= pending_.size() / 2) {  // compact: keep the pending bytes in front
    pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
  if (pending_.size() - head_ + size > options_.buffer_bytes) return false;
  pending_.insert(pending_.end(), data, data + size);
  return true;
}

void ConsoleSink::queue_drop_notice() {
  const record::Value count = record::Value::uint64(dropped_);
  const record::RecordView view{
      file_clock_ns(), &notice_site_,
      record::Thread{0, static_cast<std::uint64_t>(::syscall(SYS_gettid)), {}},
      std::span<const record::Value>(&count, 1)};
  line_.clear();
  renderer_.text(line_, view);
  line_ts_ = view.ts_ns;
  decorate(decorated_, line_, Level::warn);
  if (queue(decorated_.data(), decorated_.size())) dropped_ = 0;
}

// HOT on the backend for every record the console takes.
bool ConsoleSink::write(const SinkRecord& record) {
  const Level level = record.site.site->level;
  if (static_cast<std::uint8_t>(level) < level_.load(std::memory_order_relaxed)) return true;
  if (broken_) {
    ++dropped_total_;
    return true;
  }
  const record::RecordView* view = decoder_.decode(record);
  if (view == nullptr) return true;
  if (layout_) {
    decorated_.clear();
    layout_->render(decorated_, *view, renderer_, local_cache_);
  } else {
    line_.clear();
    renderer_.text(line_, *view);
    line_ts_ = record.ts_ns;
    decorate(decorated_, line_, level);
  }
  // The line goes out only behind the notice of what was dropped before it.
  if (dropped_ != 0) {
    drain();
    fmt::memory_buffer keep;
    keep.append(decorated_.data(), decorated_.data() + decorated_.size());
    queue_drop_notice();
    decorated_.clear();
    decorated_.append(keep.data(), keep.data() + keep.size());
  }
  if (dropped_ != 0 || !queue(decorated_.data(), decorated_.size())) {
    drain();
    if (dropped_ != 0 || !queue(decorated_.data(), decorated_.size())) {
      ++dropped_;
      ++dropped_total_;
    }
  }
  if (pending_.size() - head_ >= 4096) drain();  // a pipe takes 4 KiB at once; fewer syscalls
  return true;
}

bool ConsoleSink::drain() {
  if (mode_ == Mode::socket || mode_ == Mode::nonblocking_fd) block_sigpipe();
  while (head_ < pending_.size() && !broken_) {
    const char* p = pending_.data() + head_;
    const std::size_t n = pending_.size() - head_;
    const ssize_t w =
        mode_ == Mode::socket ? ::send(fd_, p, n, MSG_DONTWAIT | MSG_NOSIGNAL) : ::write(fd_, p, n);
    if (w > 0) {
      head_ += static_cast<std::size_t>(w);
      continue;
    }
    if (w < 0 && errno == EINTR) continue;
    if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return false;
    if (w < 0 && errno == EPIPE) consume_sigpipe();
    broken_ = true;  // the output is gone: what waits is dropped
    head_ = pending_.size();
  }
  if (head_ == pending_.size()) {
    pending_.clear();
    head_ = 0;
  }
  return !broken_;
}

void ConsoleSink::wait_writable(int timeout_ms) {
  pollfd p{fd_, POLLOUT, 0};
  while (::poll(&p, 1, timeout_ms) < 0 && errno == EINTR) {
  }
}

void ConsoleSink::tick(std::int64_t, std::int64_t) {
  if (head_ < pending_.size()) drain();
  if (dropped_ != 0 && head_ == pending_.size() && !broken_) {
    queue_drop_notice();
    drain();
  }
}

void ConsoleSink::flush() {
  // Waits only while the output takes bytes: a reader that stopped costs one 50 ms wait.
  for (;;) {
    const std::size_t before = pending_.size() - head_;
    drain();
    if (dropped_ != 0 && head_ == pending_.size() && !broken_) {
      queue_drop_notice();
      continue;
    }
    if (head_ == pending_.size() || broken_) return;
    wait_writable(50);
    drain();
    if (pending_.size() - head_ >= before) return;  // no progress
  }
}

void ConsoleSink::close() { flush(); }

}  // namespace lynx::detail
