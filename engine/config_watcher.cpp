#include "engine/config_watcher.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <system_error>

#include "engine/logger_registry.hpp"

namespace lynx::detail {

namespace {

constinit std::atomic<std::uint64_t> g_reloads{0};
constinit std::atomic<std::uint64_t> g_rejections{0};

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}
std::string base_of(const std::string& path) {
  const std::size_t slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// A sink's settings other than its level, to tell a level change from one that needs a restart.
bool same_but_level(SinkSpec a, SinkSpec b) {
  a.console.level = b.console.level = Level::trace;
  a.file.level = b.file.level = Level::trace;
  a.syslog.level = b.syslog.level = Level::trace;
  const SyslogSinkOptions &sa = a.syslog, &sb = b.syslog;
  if (sa.address != sb.address || sa.app_name != sb.app_name || sa.facility != sb.facility ||
      sa.hostname != sb.hostname || sa.buffer_bytes != sb.buffer_bytes ||
      sa.max_datagram_bytes != sb.max_datagram_bytes)
    return false;
  return a.kind == b.kind && a.console.colour == b.console.colour &&
         a.console.time == b.console.time && a.console.layout == b.console.layout &&
         a.console.buffer_bytes == b.console.buffer_bytes && a.console.fd == b.console.fd &&
         a.file.path == b.file.path && a.file.layout == b.file.layout &&
         a.file.rotate_bytes == b.file.rotate_bytes && a.file.rotate_every == b.file.rotate_every &&
         a.file.keep_files == b.file.keep_files && a.file.keep_bytes == b.file.keep_bytes &&
         a.file.keep_for == b.file.keep_for && a.file.file_mode == b.file.file_mode;
}

}  // namespace

std::uint64_t config_reloads() noexcept { return g_reloads.load(std::memory_order_acquire); }
std::uint64_t config_rejections() noexcept { return g_rejections.load(std::memory_order_acquire); }

std::string config_path(const Options& options) {
  if (!options.config_file.empty()) return options.config_file;
  const char* env = std::getenv("LYNX_CONFIG");
  return env != nullptr ? std::string(env) : std::string();
}

ConfigWatcher::ConfigWatcher(Config running, EngineShared& shared)
    : running_(std::move(running)), last_good_(running_), shared_(shared) {
  std::ifstream in(running_.path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  text_ = ss.str();
  inotify_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (inotify_ < 0) throw std::system_error(errno, std::generic_category(), "lynx: inotify_init1");
  if (::inotify_add_watch(inotify_, directory_of(running_.path).c_str(),
                          IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE) < 0) {
    const int err = errno;
    ::close(inotify_);
    throw std::system_error(err, std::generic_category(),
                            "lynx: cannot watch the configuration " + running_.path);
  }
  stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (stop_fd_ < 0) {
    const int err = errno;
    ::close(inotify_);
    throw std::system_error(err, std::generic_category(), "lynx: eventfd");
  }
  thread_ = std::thread([this] { run(); });
}

ConfigWatcher::~ConfigWatcher() {
  const std::uint64_t one = 1;
  if (::write(stop_fd_, &one, sizeof one) < 0) {
  }
  thread_.join();
  ::close(stop_fd_);
  ::close(inotify_);
}

void ConfigWatcher::run() {
  const std::string name = base_of(running_.path);
  alignas(inotify_event) char buf[4096];
  for (;;) {
    pollfd fds[2] = {{inotify_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    bool ours = false;
    for (;;) {
      const ssize_t n = ::read(inotify_, buf, sizeof buf);
      if (n <= 0) break;
      for (ssize_t at = 0; at < n;) {
        const auto* e = reinterpret_cast<const inotify_event*>(buf + at);
        if (e->len != 0 && name == e->name) ours = true;
        at += static_cast<ssize_t>(sizeof(inotify_event) + e->len);
      }
    }
    if (ours) reload();
  }
}

void ConfigWatcher::reload() {
  std::ifstream in(running_.path, std::ios::binary);
  if (!in) return;  // removed, or being replaced: the next event brings the new file
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text == text_) return;
  text_ = std::move(text);
  Config next;
  const Status s = parse_config(text_, running_.path, &next);
  if (!s.ok()) {
    std::fprintf(stderr, "lynx: configuration %s; keeping the last good configuration\n",
                 s.message().c_str());
    g_rejections.fetch_add(1, std::memory_order_release);
    return;
  }
  // What cannot change while running: reported, and the running values stay.
  std::string ignored;
  auto differs = [&ignored](bool changed, const char* key) {
    if (changed) ignored += std::string(ignored.empty() ? "" : ", ") + key;
  };
  differs(next.directory != running_.directory, "files.directory");
  differs(next.name != running_.name, "files.name");
  differs(next.binary != running_.binary, "files.binary");
  differs(next.rotate_bytes != running_.rotate_bytes, "files.rotate_bytes");
  differs(next.rotate_every != running_.rotate_every, "files.rotate_every");
  differs(next.keep_files != running_.keep_files || next.keep_bytes != running_.keep_bytes ||
              next.keep_for != running_.keep_for,
          "files.keep_*");
  differs(next.redact_fields != running_.redact_fields ||
              next.redact_patterns != running_.redact_patterns,
          "redact");
  // Sink levels apply live to the sinks that are otherwise the same, in the same place.
  const std::vector<SinkSpec>& sinks = shared_.options.sinks;
  const std::vector<SinkSpec> next_sinks = next.sinks.value_or(sinks);
  bool sinks_changed = next_sinks.size() != sinks.size();
  for (std::size_t i = 0; i < sinks.size(); ++i) {
    if (i >= next_sinks.size() || !same_but_level(next_sinks[i], sinks[i])) {
      sinks_changed = true;
      continue;
    }
    shared_.sink_levels[i].store(static_cast<std::uint8_t>(next_sinks[i].level()),
                                 std::memory_order_relaxed);
  }
  differs(sinks_changed, "sinks (other than their levels)");
  LoggerRegistry::instance().set_config_levels(next.default_level, next.levels);
  LoggerRegistry::instance().set_config_rate_limits(rate_limit_rules(next));
  last_good_ = std::move(next);
  if (!ignored.empty()) {
    std::fprintf(stderr,
                 "lynx: configuration %s: %s changed; applies only when the engine starts "
                 "(ignored)\n",
                 running_.path.c_str(), ignored.c_str());
  }
  g_reloads.fetch_add(1, std::memory_order_release);
}

}  // namespace lynx::detail
