// Built instead of the hot-path proof where it cannot run (sanitizers, non-x86-64): meson SKIP.
#include "tests/support/skip.hpp"

int main() {
  return lynx::test::skip("hot path proof needs x86-64 and a build without sanitizers");
}
