// Fatal signals (Options::crash_handler): the last lines before a crash reach the files.
//
// What the crashing thread does, in the signal handler, is async-signal-safe only: it writes one
// record naming the signal and the thread into the engine's crash ring (a ring reserved at start,
// registered with the backend like a thread's), asks for a drain (an atomic ticket plus one byte
// on a pipe) and waits for it with a deadline (clock_gettime + nanosleep), then puts back the
// disposition that was there before the engine started and raises the signal again: the previous
// handler runs (chaining), or the default action ends the process with the same signal, core dump
// and exit status (139, 134 under a shell) as without lynx.
//
// Who drains: the backend thread, which sees the ticket in its loop (EngineShared::crash_*), woken
// by the watcher thread that reads the pipe. When the crash is on the backend thread itself, the
// watcher runs the backend's drain in its place, but only if the backend was stopped at a safe
// point (idle, between passes: EngineShared::backend_idle); otherwise nothing can be drained safely
// and the handler goes on after the deadline. Whatever deadlocks (a lock the crashed thread held)
// only costs the deadline: the process still dies with its signal.
#pragma once

#include <signal.h>

#include <atomic>
#include <cstdint>
#include <thread>

#include "engine/engine_shared.hpp"
#include "lynx/options.hpp"

namespace lynx::detail {

class Backend;

// pthread_atfork child (engine/lifecycle.cpp): the parent's engine does not run in the child;
// the previous actions go back (async-signal-safe).
void crash_handler_after_fork() noexcept;

class CrashHandler {
 public:
  // Reserves the crash ring, starts the watcher and installs the handlers (SIGSEGV, SIGBUS,
  // SIGFPE, SIGILL, SIGABRT; with Options::crash_on_terminate also SIGTERM and SIGINT), keeping
  // the actions they replace. Does nothing when Options::crash_handler is false. Throws
  // std::system_error when the pipe or thread cannot be made.
  CrashHandler(EngineShared& shared, Backend& backend);
  // Puts back the previous actions (those still ours) and stops the watcher.
  ~CrashHandler();
  CrashHandler(const CrashHandler&) = delete;
  CrashHandler& operator=(const CrashHandler&) = delete;

  // What the signal handler reads: everything it touches, set before the handlers are installed.
  struct Channel {
    EngineShared* shared = nullptr;
    Ring* ring = nullptr;  // the crash ring (one reference held here)
    std::atomic<bool> ring_busy{false};
    std::uint32_t logger_id = 0;  // logger "lynx"
    int wake_write = -1;
    std::atomic<bool> backend_crashed{false};
  };

 private:
  void watch();

  EngineShared& shared_;
  Backend& backend_;
  bool enabled_ = false;
  int wake_read_ = -1;
  Channel channel_;
  std::thread watcher_;
};

}  // namespace lynx::detail
