#include "engine/crash_handler.hpp"

#include <errno.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string_view>
#include <system_error>

#include "engine/backend.hpp"
#include "engine/logger_registry.hpp"
#include "lynx/detail/call_site.hpp"
#include "lynx/detail/clock.hpp"

namespace lynx::detail {

namespace {

constexpr int kFatalSignals[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT};
constexpr int kTerminateSignals[] = {SIGTERM, SIGINT};
// How long a crashing thread waits for its record and the rings to be written, at most.
constexpr std::int64_t kDrainDeadlineNs = 5'000'000'000;
constexpr std::int64_t kRingLockDeadlineNs = 1'000'000'000;

constexpr ArgType kCrashTypes[] = {ArgType::i32, ArgType::string, ArgType::u64, ArgType::string,
                                   ArgType::pointer};
constexpr CallSite kCrashSite{
    "fatal signal {signal} ({name}) on thread {tid} ({thread}) at address {address}",
    "lynx",
    "crash_handler",
    0,
    Level::critical,
    5,
    kCrashTypes,
    {}};

// The running engine's channel, or nullptr: the only thing the signal handler loads.
constinit std::atomic<CrashHandler::Channel*> g_channel{nullptr};
// The actions our handler replaced, by signal; g_ours[sig]: installed by us. Written at engine
// start and stop only (under the lifecycle mutex), read by the handler.
struct sigaction g_previous[NSIG];
bool g_ours[NSIG];

const char* signal_name(int sig) {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGFPE: return "SIGFPE";
    case SIGILL: return "SIGILL";
    case SIGABRT: return "SIGABRT";
    case SIGTERM: return "SIGTERM";
    case SIGINT: return "SIGINT";
    default: return "signal";
  }
}

std::int64_t monotonic_ns() {
  timespec ts;
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

void nap() {
  const timespec ts{0, 1'000'000};
  ::nanosleep(&ts, nullptr);
}

// Async-signal-safe: memcpy into a ring only this function writes (guarded by ring_busy).
void write_crash_record(CrashHandler::Channel& ch, int sig, const siginfo_t* info) {
  const std::int64_t deadline = monotonic_ns() + kRingLockDeadlineNs;
  while (ch.ring_busy.exchange(true, std::memory_order_acquire)) {
    if (monotonic_ns() > deadline) return;
    nap();
  }
  char thread[17] = {};
  ::prctl(PR_GET_NAME, thread, 0, 0, 0);
  const std::string_view name = signal_name(sig);
  const std::string_view thread_name(thread, ::strnlen(thread, 16));
  const auto tid = static_cast<std::uint64_t>(::syscall(SYS_gettid));
  const bool fault = sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL;
  const void* address = fault && info != nullptr ? info->si_addr : nullptr;

  using S = ArgCodec<std::string_view>;
  const std::size_t name_len = S::measure(name), thread_len = S::measure(thread_name);
  const std::size_t size =
      align_record(sizeof(RecordHeader) + ArgCodec<int>::ring_size(0) + S::ring_size(name_len) +
                   ArgCodec<std::uint64_t>::ring_size(0) + S::ring_size(thread_len) +
                   ArgCodec<const void*>::ring_size(0));
  if (std::byte* p = ch.ring->reserve(size)) {
    write_record_header(p, static_cast<std::uint32_t>(size), ch.logger_id, &kCrashSite,
                        now_ticks());
    std::byte* q = p + sizeof(RecordHeader);
    q = ArgCodec<int>::encode(q, sig, 0);
    q = S::encode(q, name, name_len);
    q = ArgCodec<std::uint64_t>::encode(q, tid, 0);
    q = S::encode(q, thread_name, thread_len);
    q = ArgCodec<const void*>::encode(q, address, 0);
    ch.ring->commit(size);
  }
  ch.ring_busy.store(false, std::memory_order_release);
}

extern "C" void lynx_on_fatal_signal(int sig, siginfo_t* info, void*) {
  const int saved_errno = errno;
  if (CrashHandler::Channel* ch = g_channel.load(std::memory_order_acquire)) {
    EngineShared& shared = *ch->shared;
    if (static_cast<std::int32_t>(::syscall(SYS_gettid)) ==
        shared.backend_tid.load(std::memory_order_relaxed)) {
      ch->backend_crashed.store(true, std::memory_order_release);
    }
    write_crash_record(*ch, sig, info);
    const std::uint64_t ticket = shared.crash_requested.fetch_add(1) + 1;
    const char c = 'c';
    [[maybe_unused]] const ssize_t n = ::write(ch->wake_write, &c, 1);
    const std::int64_t deadline = monotonic_ns() + kDrainDeadlineNs;
    while (shared.crash_done.load(std::memory_order_acquire) < ticket &&
           monotonic_ns() < deadline) {
      nap();
    }
  }
  // What would have happened without lynx: the previous action, for this signal again. A fault
  // (si_code > 0) happens again when the handler returns and the instruction runs again, with its
  // real siginfo; anything else is raised again, pending until this handler returns (the signal
  // is blocked while it runs).
  ::sigaction(sig, &g_previous[sig], nullptr);
  const bool fault = (sig == SIGSEGV || sig == SIGBUS || sig == SIGFPE || sig == SIGILL) &&
                     info != nullptr && info->si_code > 0;
  if (!fault) ::raise(sig);
  errno = saved_errno;
}

void install(int sig) {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = lynx_on_fatal_signal;
  sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (int s : kFatalSignals) sigaddset(&sa.sa_mask, s);
  for (int s : kTerminateSignals) sigaddset(&sa.sa_mask, s);
  if (::sigaction(sig, &sa, &g_previous[sig]) == 0) g_ours[sig] = true;
}

void uninstall(int sig) {
  if (!g_ours[sig]) return;
  g_ours[sig] = false;
  struct sigaction current;
  if (::sigaction(sig, nullptr, &current) != 0) return;
  // Someone installed their own handler after ours: theirs stays (it may chain to ours, which
  // then finds no channel and passes the signal on to what was there before).
  if ((current.sa_flags & SA_SIGINFO) != 0 && current.sa_sigaction == lynx_on_fatal_signal)
    ::sigaction(sig, &g_previous[sig], nullptr);
}

}  // namespace

void crash_handler_after_fork() noexcept {
  g_channel.store(nullptr, std::memory_order_release);
  for (int sig : kFatalSignals) uninstall(sig);
  for (int sig : kTerminateSignals) uninstall(sig);
}

CrashHandler::CrashHandler(EngineShared& shared, Backend& backend)
    : shared_(shared), backend_(backend) {
  if (!shared_.options.crash_handler) return;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw std::system_error(errno, std::generic_category(), "lynx: crash handler pipe");
  wake_read_ = fds[0];
  channel_.wake_write = fds[1];
  channel_.shared = &shared_;
  channel_.logger_id = LoggerRegistry::instance().get("lynx").id();
  Ring* ring = shared_.pool.acquire(shared_.pool.initial_bytes());
  std::memcpy(ring->thread_name, "lynx-crash", sizeof "lynx-crash");
  ring->block_when_full = false;
  ring->max_capacity = ring->capacity();
  channel_.ring = ring;
  shared_.new_rings.enqueue(ring);
  try {
    watcher_ = std::thread([this] { watch(); });
  } catch (...) {
    ::close(wake_read_);
    ::close(channel_.wake_write);
    ring->close();
    unref_ring(ring);
    throw;
  }
  enabled_ = true;
  g_channel.store(&channel_, std::memory_order_release);
  for (int sig : kFatalSignals) install(sig);
  if (shared_.options.crash_on_terminate) {
    for (int sig : kTerminateSignals) install(sig);
  }
}

CrashHandler::~CrashHandler() {
  if (!enabled_) return;
  for (int sig : kFatalSignals) uninstall(sig);
  for (int sig : kTerminateSignals) uninstall(sig);
  CrashHandler::Channel* expected = &channel_;
  g_channel.compare_exchange_strong(expected, nullptr, std::memory_order_acq_rel);
  const char q = 'q';
  while (::write(channel_.wake_write, &q, 1) < 0 && errno == EINTR) {
  }
  watcher_.join();
  ::close(wake_read_);
  ::close(channel_.wake_write);
  unref_ring(channel_.ring);  // the backend recycles it once it sees the reference gone
}

void CrashHandler::watch() {
  for (;;) {
    char c = 0;
    const ssize_t n = ::read(wake_read_, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || c == 'q') return;
    if (channel_.backend_crashed.load(std::memory_order_acquire)) {
      // The backend thread is stopped in the signal handler. Idle, its state is whole: drain in
      // its place. Anywhere else, nothing can be written safely; the handler goes on.
      if (shared_.backend_idle.load(std::memory_order_acquire)) backend_.crash_drain();
      shared_.crash_done.store(shared_.crash_requested.load(), std::memory_order_release);
    } else {
      shared_.wake();  // the backend serves the ticket in its loop (Backend::run)
    }
  }
}

}  // namespace lynx::detail
