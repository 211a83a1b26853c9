// Tests that need something this machine may not have (io_uring: kernel, seccomp, gVisor,
// LYNX_IO_DISABLE_URING=1) exit 77, which meson reports as SKIP, never as a pass (STYLE.md
// habit 9).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace lynx::test {

inline constexpr int kSkipExitCode = 77;

// Prints "SKIP: <why>" and returns kSkipExitCode, for main() to return. Inline, so that a main()
// without doctest (tests/hot_path/skip_main.cpp) links nothing of doctest.
inline int skip(std::string_view why) {
  std::printf("SKIP: %.*s\n", static_cast<int>(why.size()), why.data());
  std::fflush(stdout);
  return kSkipExitCode;
}

// main() of a doctest executable (one that defines DOCTEST_CONFIG_IMPLEMENT, not ..._WITH_MAIN):
// skips every test when `missing` says what is missing, else runs them all.
//   int main(int argc, char** argv) {
//     return lynx::test::run_or_skip(argc, argv, lynx::test::io_uring_missing());
//   }
int run_or_skip(int argc, char** argv, const std::string& missing);

}  // namespace lynx::test
