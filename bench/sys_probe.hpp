// What the benchmarks read from the system: per-thread CPU clocks (found by thread name), resident
// memory, file sizes, the CPU model, pinning, and a scratch directory. Linux only.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace lynx::bench {

// The OS thread id of this process's newest thread named `comm` (as in /proc/self/task/*/comm,
// e.g. "lynx-backend"), or 0 when there is none.
pid_t find_thread(std::string_view comm);

// CPU time of thread `tid` of this process (the kernel's per-thread CPU clock), or -1 when the
// thread is gone.
std::int64_t thread_cpu_ns(pid_t tid);
std::int64_t this_thread_cpu_ns();
std::int64_t process_cpu_ns();

// VmRSS of this process, in KiB.
std::int64_t resident_kib();

// Total size of the regular files directly inside `dir`.
std::uint64_t directory_bytes(const std::filesystem::path& dir);

std::string cpu_model();     // "model name" of /proc/cpuinfo
std::string load_average();  // the 1, 5 and 15 minute load averages of /proc/loadavg
unsigned online_cpus();

// Pins the calling thread to `cpu` (modulo the number of CPUs). Returns false when refused.
bool pin_this_thread(unsigned cpu);

// A fresh directory under $TMPDIR (or /tmp), removed with everything in it on destruction.
class ScratchDir {
 public:
  explicit ScratchDir(std::string_view tag);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // A new empty subdirectory (one per run, so runs never see each other's files).
  std::filesystem::path fresh(std::string_view name);

 private:
  std::filesystem::path path_;
  unsigned next_ = 0;
};

}  // namespace lynx::bench
