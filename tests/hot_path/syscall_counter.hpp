// Counts the syscalls a thread makes, without ptrace: a seccomp filter installed on the thread
// traps (SIGSYS) every syscall that does not come from our own stub; the handler counts it and
// performs it through the stub, so the program behaves exactly as before. x86-64 Linux only.
#pragma once

#include <cstdint>

namespace lynx::test {

// Installs the SIGSYS handler (process-wide). Call once, before install_on_this_thread().
bool install_syscall_handler();
// Installs the filter on the calling thread (and threads it creates later). Irreversible for the
// thread: use a thread that exits afterwards. False (errno set) when seccomp is unavailable.
bool install_on_this_thread();
// Syscalls trapped on the calling thread since the last reset.
std::uint64_t syscalls_on_this_thread();
void reset_this_thread();

}  // namespace lynx::test
