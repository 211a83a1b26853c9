// Fatal signals (Options::crash_handler): a child logs a known sequence from two threads, then
// dies of a signal; the parent decodes every record plus the crash record naming the signal and
// the thread, and sees the exit status the signal would have given without lynx. Also: a crash
// on the backend thread, two threads crashing at once, a handler installed before the engine
// (chained), SIGTERM with crash_on_terminate, and kill -9 (everything older than flush_every is
// on disk).
#define DOCTEST_CONFIG_IMPLEMENT
#define DOCTEST_CONFIG_NO_POSIX_SIGNALS  // the children die of signals on purpose
#include <doctest/doctest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>
#include <thread>

#include "child_process.hpp"
#include "test_support.hpp"
#include "tests/support/skip.hpp"

namespace {

constexpr int kPerThread = 20'000;

lynx::Options crash_options(const std::string& dir) {
  // flush_every far away: nothing reaches the files by time, only the crash drain writes them.
  // Small files: the crash lands during one of many rotations.
  return lynx::Options{.directory = dir,
                       .name = "c",
                       .rotate_bytes = 16 << 10,
                       .flush_every = std::chrono::seconds(60)};
}

void log_sequence(lynx::Logger& log) {
  std::thread t([&] {
    for (int i = 0; i < kPerThread; ++i) LYNX_INFO(log, "worker {i}", i);
  });
  for (int i = 0; i < kPerThread; ++i) LYNX_INFO(log, "main {i}", i);
  t.join();
  LYNX_ERROR(log, "last words {n}", 42);
}

[[gnu::noinline]] void crash_with(int sig) {
  switch (sig) {
    case SIGSEGV: {
      static volatile std::uintptr_t address = 0;
      *reinterpret_cast<volatile int*>(address) = 1;
      break;
    }
    case SIGFPE: {
      static volatile int zero = 0;
      static volatile int x = 1;
      x = x / zero;
      break;
    }
    case SIGILL: __builtin_trap();
    case SIGBUS: {
      char path[] = "/tmp/lynx-sigbus-XXXXXX";
      const int fd = ::mkstemp(path);
      ::unlink(path);
      auto* p = static_cast<volatile char*>(
          ::mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
      p[0] = 1;  // beyond the end of an empty file
      break;
    }
    case SIGABRT: std::abort();
    default: ::kill(::getpid(), sig); ::pause();
  }
}

// Every record of the sequence once, in order per thread, and the crash record(s) after them.
void check_sequence(const lynx::test::Decoded& d, int sig, std::uint64_t crash_tid) {
  CHECK(d.problems == 0);
  for (const std::string& p : d.problem_messages) MESSAGE(p);
  int main_next = 0, worker_next = 0, last_words = 0, crash_records = 0;
  for (const auto& r : d.records) {
    if (r.format == "main {i}") {
      if (r.value("i") == std::to_string(main_next)) ++main_next;
    } else if (r.format == "worker {i}") {
      if (r.value("i") == std::to_string(worker_next)) ++worker_next;
    } else if (r.format == "last words {n}") {
      ++last_words;
    } else if (r.logger == "lynx" && r.format.starts_with("fatal signal")) {
      ++crash_records;
      CHECK(r.level == lynx::Level::critical);
      CHECK(r.value("signal") == std::to_string(sig));
      if (crash_tid != 0) CHECK(r.value("tid") == std::to_string(crash_tid));
      CHECK(last_words == 1);  // after everything logged before it
    }
  }
  CHECK(main_next == kPerThread);
  CHECK(worker_next == kPerThread);
  CHECK(last_words == 1);
  CHECK(crash_records >= 1);
}

}  // namespace

TEST_CASE("each fatal signal: every record and a crash record on disk, the signal's exit status") {
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) {
    CAPTURE(sig);
    lynx::test::TempDir dir("crash");
    const lynx::test::Ended e = lynx::test::run_child([&] {
      lynx::Engine engine(crash_options(dir.path()));
      log_sequence(lynx::logger("crash"));
      crash_with(sig);
    });
    CHECK(e.signalled);
    CHECK(e.signal == sig);
    const auto d = lynx::test::decode_dir(dir.path());
    CHECK(d.files.size() > 2);  // rotated while the records were written
    // The child's main thread has the child's pid as its tid.
    std::uint64_t child_tid = 0;
    if (!d.files.empty()) child_tid = d.files[0].pid;
    check_sequence(d, sig, child_tid);
  }
}

TEST_CASE("SIGTERM with crash_on_terminate: written, and the process still ends by SIGTERM") {
  lynx::test::TempDir dir("crash");
  const lynx::test::Ended e = lynx::test::run_child([&] {
    lynx::Options o = crash_options(dir.path());
    o.crash_on_terminate = true;
    lynx::Engine engine(o);
    log_sequence(lynx::logger("crash"));
    crash_with(SIGTERM);
  });
  CHECK(e.signalled);
  CHECK(e.signal == SIGTERM);
  check_sequence(lynx::test::decode_dir(dir.path()), SIGTERM, 0);
}

TEST_CASE("a crash on the backend thread: the idle backend's records are written by the watcher") {
  lynx::test::TempDir dir("crash");
  const lynx::test::Ended e = lynx::test::run_child([&] {
    lynx::Engine engine(crash_options(dir.path()));
    log_sequence(lynx::logger("crash"));
    // Let the backend take every record into its (unwritten) blocks and go idle.
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    const pid_t backend = lynx::test::find_thread("lynx-backend");
    if (backend == 0) std::_Exit(3);
    lynx::test::tgkill_self(backend, SIGSEGV);
    for (;;) ::pause();
  });
  CHECK(e.signalled);
  CHECK(e.signal == SIGSEGV);
  const auto d = lynx::test::decode_dir(dir.path());
  check_sequence(d, SIGSEGV, 0);
  for (const auto& r : d.records) {
    if (r.format.starts_with("fatal signal")) CHECK(r.value("thread") == "lynx-backend");
  }
}

TEST_CASE("two threads crash at once: no deadlock, the records and a crash record are written") {
  lynx::test::TempDir dir("crash");
  const lynx::test::Ended e = lynx::test::run_child([&] {
    lynx::Engine engine(crash_options(dir.path()));
    log_sequence(lynx::logger("crash"));
    std::atomic<bool> go{false};
    std::thread a([&] {
      while (!go.load()) {
      }
      crash_with(SIGSEGV);
    });
    std::thread b([&] {
      while (!go.load()) {
      }
      crash_with(SIGSEGV);
    });
    go.store(true);
    a.join();
    b.join();
  });
  CHECK(e.signalled);
  CHECK(e.signal == SIGSEGV);
  check_sequence(lynx::test::decode_dir(dir.path()), SIGSEGV, 0);
}

namespace {
extern "C" void chained_handler(int) { ::_exit(42); }
}  // namespace

TEST_CASE("a handler installed before the engine runs after the crash records are written") {
  lynx::test::TempDir dir("crash");
  const lynx::test::Ended e = lynx::test::run_child([&] {
    struct sigaction sa {};
    sa.sa_handler = chained_handler;
    ::sigaction(SIGSEGV, &sa, nullptr);
    lynx::Engine engine(crash_options(dir.path()));
    log_sequence(lynx::logger("crash"));
    crash_with(SIGSEGV);
  });
  CHECK(e.exited);
  CHECK(e.code == 42);
  check_sequence(lynx::test::decode_dir(dir.path()), SIGSEGV, 0);
}

TEST_CASE("crash_handler = false: the signal is left alone (records in memory are lost)") {
  lynx::test::TempDir dir("crash");
  const lynx::test::Ended e = lynx::test::run_child([&] {
    lynx::Options o = crash_options(dir.path());
    o.crash_handler = false;
    lynx::Engine engine(o);
    LYNX_ERROR(lynx::logger("crash"), "last words {n}", 42);
    crash_with(SIGSEGV);
  });
  CHECK(e.signalled);
  CHECK(e.signal == SIGSEGV);
  for (const auto& r : lynx::test::decode_dir(dir.path()).records)
    CHECK(!r.format.starts_with("fatal signal"));
}

TEST_CASE("kill -9: everything logged more than flush_every before the kill is on disk") {
  lynx::test::TempDir dir("crash");
  int ready[2];
  REQUIRE(::pipe(ready) == 0);
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    lynx::Engine engine(lynx::Options{
        .directory = dir.path(), .name = "k", .flush_every = std::chrono::milliseconds(50)});
    log_sequence(lynx::logger("kill"));
    const char c = 'r';
    if (::write(ready[1], &c, 1) != 1) std::_Exit(3);
    for (;;) ::pause();
  }
  char c = 0;
  REQUIRE(::read(ready[0], &c, 1) == 1);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));  // 10 x flush_every
  ::kill(pid, SIGKILL);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  const auto d = lynx::test::decode_dir(dir.path());
  int main_records = 0, worker_records = 0, last_words = 0;
  for (const auto& r : d.records) {
    main_records += r.format == "main {i}";
    worker_records += r.format == "worker {i}";
    last_words += r.format == "last words {n}";
  }
  CHECK(main_records == kPerThread);
  CHECK(worker_records == kPerThread);
  CHECK(last_words == 1);
}

int main(int argc, char** argv) {
  // Sanitizers install their own handlers for these signals and report instead of dying of them.
  return lynx::test::run_or_skip(argc, argv,
                                 LYNX_SANITIZED ? "sanitizers own the fatal signals" : "");
}
