#include "tests/support/skip.hpp"

#include <doctest/doctest.h>

namespace lynx::test {

// doctest::Context is defined by the test's own DOCTEST_CONFIG_IMPLEMENT translation unit.
int run_or_skip(int argc, char** argv, const std::string& missing) {
  if (!missing.empty()) return skip(missing);
  doctest::Context context(argc, argv);
  return context.run();
}

}  // namespace lynx::test
