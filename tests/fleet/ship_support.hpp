// What the ship tests share: a `lynx` process in the background, waiting for a condition, the
// statements of `lynx ship --print-schema`.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/temp_dir.hpp"

extern char** environ;

namespace lynx::test {

inline std::string slurp_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// `lynx ARGS...` in the background, stdout and stderr in files.
class LynxProcess {
 public:
  explicit LynxProcess(const std::vector<std::string>& args) : io_("lynx-io") {
    const char* cli = std::getenv("LYNX_CLI");
    if (cli == nullptr) throw std::runtime_error("set LYNX_CLI to the lynx binary");
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, (io_ / "out").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, (io_ / "err").c_str(),
                                     O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> all = {cli};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, cli, &actions, nullptr, argv.data(), environ) != 0)
      throw std::runtime_error("cannot start lynx");
    posix_spawn_file_actions_destroy(&actions);
  }
  ~LynxProcess() { signal(SIGKILL); }
  // Sends `sig` and waits; returns the exit code (128 + signal when killed).
  int signal(int sig) {
    if (pid_ <= 0) return status_;
    ::kill(pid_, sig);
    return wait();
  }
  int wait() {
    if (pid_ <= 0) return status_;
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return status_;
  }
  std::string out() const { return slurp_file(io_ / "out"); }
  std::string err() const { return slurp_file(io_ / "err"); }

 private:
  TempDir io_;
  pid_t pid_ = -1;
  int status_ = -1;
};

// Runs `lynx ARGS...` to its end; returns its exit code, *err its stderr.
inline int run_lynx_to_end(const std::vector<std::string>& args, std::string* out = nullptr,
                           std::string* err = nullptr) {
  LynxProcess p(args);
  const int rc = p.wait();
  if (out != nullptr) *out = p.out();
  if (err != nullptr) *err = p.err();
  return rc;
}

// Polls `done` every 50 ms for up to `seconds`; returns its last answer.
inline bool eventually(const std::function<bool()>& done, int seconds = 60) {
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return done();
}

// The statements of `lynx ship --print-schema` (comments and the final ';' removed).
inline std::vector<std::string> schema_statements(const std::string& printed) {
  std::vector<std::string> out;
  std::string current;
  std::istringstream in(printed);
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("--")) continue;
    current += line + "\n";
    if (line.ends_with(";")) {
      current.resize(current.size() - 2);
      out.push_back(current);
      current.clear();
    }
  }
  return out;
}

inline std::size_t lynx_files_in(const std::string& dir) {
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir))
    n += e.path().extension() == ".lynx" ? 1 : 0;
  return n;
}

}  // namespace lynx::test
