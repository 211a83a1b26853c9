// Helpers of the reliability tests: run a function in a forked child and tell how it ended, find
// the backend thread, count a directory's records. Each test is its own executable; the parent
// (doctest) never starts an engine itself, so every engine runs in a child.
#pragma once

#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

namespace lynx::test {

// How a child ended: exited (code) or killed by a signal.
struct Ended {
  bool exited = false;
  int code = -1;
  bool signalled = false;
  int signal = 0;
};

// Forks, runs `body` in the child (which must not return: it crashes or exits; a return exits 97)
// and waits. Core dumps are off in the child: the tests only look at the exit status.
inline Ended run_child(const std::function<void()>& body) {
  std::fflush(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) std::abort();
  if (pid == 0) {
    const rlimit no_core{0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    body();
    std::_Exit(97);
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
  }
  Ended e;
  if (WIFEXITED(status)) {
    e.exited = true;
    e.code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    e.signalled = true;
    e.signal = WTERMSIG(status);
  }
  return e;
}

// The kernel id of this process's thread called `comm` (e.g. "lynx-backend"), or 0.
inline pid_t find_thread(const std::string& comm) {
  for (const auto& e : std::filesystem::directory_iterator("/proc/self/task")) {
    std::ifstream in(e.path() / "comm");
    std::string name;
    std::getline(in, name);
    if (name == comm) return static_cast<pid_t>(std::stol(e.path().filename().string()));
  }
  return 0;
}

inline void tgkill_self(pid_t tid, int sig) { ::syscall(SYS_tgkill, ::getpid(), tid, sig); }

}  // namespace lynx::test
