#include "syscall_counter.hpp"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include <cstddef>

extern "C" long lynx_test_raw_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
                                      long a6);
extern "C" char lynx_test_raw_syscall_ret[];

// The stub: the only place whose syscalls the filter lets through. The kernel reports the address
// after the `syscall` instruction as the instruction pointer.
asm(R"(
  .text
  .globl lynx_test_raw_syscall
  .type lynx_test_raw_syscall, @function
lynx_test_raw_syscall:
  mov %rdi, %rax
  mov %rsi, %rdi
  mov %rdx, %rsi
  mov %rcx, %rdx
  mov %r8, %r10
  mov %r9, %r8
  mov 8(%rsp), %r9
  syscall
  .globl lynx_test_raw_syscall_ret
lynx_test_raw_syscall_ret:
  ret
  .size lynx_test_raw_syscall, . - lynx_test_raw_syscall
)");

namespace lynx::test {

namespace {

thread_local std::uint64_t t_syscalls = 0;

void on_sigsys(int, siginfo_t* info, void* context) {
  ++t_syscalls;
  auto* uc = static_cast<ucontext_t*>(context);
  greg_t* r = uc->uc_mcontext.gregs;
  r[REG_RAX] = lynx_test_raw_syscall(info->si_syscall, r[REG_RDI], r[REG_RSI], r[REG_RDX],
                                     r[REG_R10], r[REG_R8], r[REG_R9]);
}

}  // namespace

bool install_syscall_handler() {
  struct sigaction sa {};
  sa.sa_sigaction = on_sigsys;
  sa.sa_flags = SA_SIGINFO | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  return sigaction(SIGSYS, &sa, nullptr) == 0;
}

bool install_on_this_thread() {
  const auto ip = reinterpret_cast<std::uint64_t>(lynx_test_raw_syscall_ret);
  const auto lo = static_cast<std::uint32_t>(ip);
  const auto hi = static_cast<std::uint32_t>(ip >> 32);
  sock_filter filter[] = {
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, arch)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, nr)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_rt_sigreturn, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, instruction_pointer)),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, lo, 0, 3),
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(seccomp_data, instruction_pointer) + 4),
      BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, hi, 0, 1),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
      BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP),
  };
  sock_fprog prog{static_cast<unsigned short>(sizeof filter / sizeof filter[0]), filter};
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) return false;
  return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0;
}

std::uint64_t syscalls_on_this_thread() { return t_syscalls; }
void reset_this_thread() { t_syscalls = 0; }

}  // namespace lynx::test
