#include "engine/syslog_sink.hpp"

#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <utility>

namespace lynx::detail {

namespace {

constexpr std::int64_t kFirstBackoffNs = 100'000'000;
constexpr std::int64_t kMaxBackoffNs = 5'000'000'000;
constexpr std::int64_t kStopGraceNs = 1'000'000'000;
constexpr std::int64_t kFlushStallNs = 250'000'000;

std::int64_t now_ns(clockid_t clock) {
  timespec ts{};
  ::clock_gettime(clock, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}
std::int64_t steady_ns() { return now_ns(CLOCK_MONOTONIC); }

const SyslogSinkOptions& checked(const SyslogSinkOptions& o) {
  if (o.facility > 23)
    throw std::invalid_argument("lynx: syslog sink facility " + std::to_string(o.facility) +
                                " is out of range (0 to 23)");
  if (o.buffer_bytes < 4096)
    throw std::invalid_argument("lynx: syslog sink buffer_bytes must be at least 4096");
  if (o.max_datagram_bytes < 480 || o.max_datagram_bytes > 65000)
    throw std::invalid_argument("lynx: syslog sink max_datagram_bytes must be 480 to 65000");
  return o;
}

std::size_t limit_of(const SyslogSinkOptions& o, const SyslogAddress& a) {
  return a.kind == SyslogAddress::Kind::tcp ? 0 : o.max_datagram_bytes;
}

}  // namespace

SyslogSink::SyslogSink(const SyslogSinkOptions& options, const std::atomic<std::uint8_t>& level,
                       StatCounters& stats)
    : SyslogSink(checked(options), parse_syslog_address(options.address), level, stats) {}

SyslogSink::SyslogSink(const SyslogSinkOptions& options, const SyslogAddress& address,
                       const std::atomic<std::uint8_t>& level, StatCounters& stats)
    : options_(options),
      level_(level),
      stats_(stats),
      formatter_(options, limit_of(options, address)),
      transport_(address),
      notice_formatter_(options, limit_of(options, address)) {
  thread_ = std::thread([this] { run(); });
}

SyslogSink::~SyslogSink() {
  if (thread_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
      stop_deadline_ns_.store(steady_ns(), std::memory_order_relaxed);
    }
    wake_.notify_all();
    thread_.join();
  }
}

void SyslogSink::count_dropped(std::uint64_t n) {
  stats_.syslog_dropped.fetch_add(n, std::memory_order_relaxed);
}

// HOT on the backend for every record this sink takes: decode, render, one locked append.
bool SyslogSink::write(const SinkRecord& record) {
  if (static_cast<std::uint8_t>(record.site.site->level) < level_.load(std::memory_order_relaxed))
    return true;
  const record::RecordView* view = decoder_.decode(record);
  if (view == nullptr) return true;
  formatter_.record(message_, *view);
  const auto size = static_cast<std::uint32_t>(message_.size());
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    if (queue_.size() + sizeof size + size > options_.buffer_bytes) {
      ++unreported_;
      count_dropped(1);
      return true;
    }
    first = queue_.empty();
    const std::size_t at = queue_.size();
    queue_.resize(at + sizeof size + size);
    std::memcpy(queue_.data() + at, &size, sizeof size);
    std::memcpy(queue_.data() + at + sizeof size, message_.data(), size);
    ++queued_;
  }
  if (first) wake_.notify_one();
  return true;
}

void SyslogSink::flush() {
  std::uint64_t target = 0;
  {
    std::lock_guard lock(mutex_);
    target = queued_;
  }
  std::uint64_t last = done_.load(std::memory_order_acquire);
  std::int64_t last_progress = steady_ns();
  while (last < target && !away_.load(std::memory_order_acquire)) {
    {
      std::unique_lock lock(mutex_);
      sent_.wait_for(lock, std::chrono::milliseconds(10));
    }
    const std::uint64_t now_done = done_.load(std::memory_order_acquire);
    if (now_done != last) {
      last = now_done;
      last_progress = steady_ns();
    } else if (steady_ns() - last_progress > kFlushStallNs) {
      return;  // the receiver takes nothing: do not hold the backend
    }
  }
}

void SyslogSink::close() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
    stop_deadline_ns_.store(steady_ns() + kStopGraceNs, std::memory_order_relaxed);
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool SyslogSink::send_batch() {
  std::uint64_t sent = 0;
  bool ok = true;
  while (batch_pos_ < batch_.size()) {
    const std::int64_t deadline = stop_deadline_ns_.load(std::memory_order_relaxed);
    if (deadline != 0 && steady_ns() >= deadline) break;  // run() gives up the rest
    std::uint32_t size = 0;
    std::memcpy(&size, batch_.data() + batch_pos_, sizeof size);
    const SyslogTransport::Sent r =
        transport_.send(std::string_view(batch_.data() + batch_pos_ + sizeof size, size));
    if (r == SyslogTransport::Sent::broken) {
      ok = false;
      break;
    }
    batch_pos_ += sizeof size + size;
    if (r == SyslogTransport::Sent::ok) {
      ++sent;
    } else {
      count_dropped(1);
    }
    done_.fetch_add(1, std::memory_order_release);
  }
  stats_.syslog_sent.fetch_add(sent, std::memory_order_relaxed);
  if (ok && batch_pos_ >= batch_.size() && batch_notice_ != 0) {
    notice_formatter_.notice(notice_, now_ns(CLOCK_REALTIME), batch_notice_);
    if (transport_.send({notice_.data(), notice_.size()}) == SyslogTransport::Sent::broken) {
      ok = false;
    } else {
      batch_notice_ = 0;
    }
  }
  sent_.notify_all();
  return ok;
}

void SyslogSink::run() {
  std::int64_t backoff = kFirstBackoffNs;
  std::int64_t next_connect = 0;
  bool reported = false;
  for (;;) {
    {
      std::unique_lock lock(mutex_);
      if (batch_pos_ >= batch_.size() && batch_notice_ == 0) {
        batch_.clear();
        batch_pos_ = 0;
        if (queue_.empty() && unreported_ == 0 && !stop_)
          wake_.wait_for(lock, std::chrono::milliseconds(100));
        batch_.swap(queue_);
        batch_notice_ = std::exchange(unreported_, 0);
      }
      const bool idle = batch_pos_ >= batch_.size() && batch_notice_ == 0;
      if (stop_ && idle) break;
      if (stop_ && steady_ns() >= stop_deadline_ns_.load(std::memory_order_relaxed)) {
        std::uint64_t left = 0;
        for (const std::vector<char>* q : {&batch_, &queue_}) {
          for (std::size_t p = q == &batch_ ? batch_pos_ : 0; p < q->size();) {
            std::uint32_t size = 0;
            std::memcpy(&size, q->data() + p, sizeof size);
            p += sizeof size + size;
            ++left;
          }
        }
        count_dropped(left);
        done_.fetch_add(left, std::memory_order_release);
        if (left != 0)
          std::fprintf(stderr, "lynx: syslog %s: %llu messages could not be sent and are lost\n",
                       options_.address.c_str(), static_cast<unsigned long long>(left));
        break;
      }
      if (idle) continue;
    }
    if (!transport_.still_connected()) {
      const std::int64_t now = steady_ns();
      if (now < next_connect) {
        std::unique_lock lock(mutex_);
        const std::int64_t wait = std::min<std::int64_t>(next_connect - now, 50'000'000);
        wake_.wait_for(lock, std::chrono::nanoseconds(wait));
        continue;
      }
      if (!transport_.connect()) {
        away_.store(true, std::memory_order_release);
        if (!reported) {
          std::fprintf(stderr, "lynx: syslog %s: cannot connect (%s); retrying\n",
                       options_.address.c_str(), std::strerror(errno));
          reported = true;
        }
        next_connect = now + backoff;
        backoff = std::min(backoff * 2, kMaxBackoffNs);
        continue;
      }
      if (reported) std::fprintf(stderr, "lynx: syslog %s: connected\n", options_.address.c_str());
      reported = false;
      stats_.syslog_connects.fetch_add(1, std::memory_order_relaxed);
      away_.store(false, std::memory_order_release);
    }
    if (send_batch()) {
      backoff = kFirstBackoffNs;
    } else {
      away_.store(true, std::memory_order_release);
      next_connect = steady_ns() + backoff;
      backoff = std::min(backoff * 2, kMaxBackoffNs);
    }
  }
  away_.store(true, std::memory_order_release);
  sent_.notify_all();
}

}  // namespace lynx::detail
