// A fresh directory per test, the one every test of the project uses. Knows nothing of doctest:
// a failure to create it throws, which doctest reports as a failed test case.
#pragma once

#include <string>
#include <string_view>

namespace lynx::test {

// A new, empty directory $TMPDIR/lynx-<tag>-XXXXXX (mkdtemp; /tmp when TMPDIR is unset or empty),
// removed with its contents on destruction unless LYNX_KEEP_TEST_DIRS=1 is set (then its path is
// printed to stderr). Never in the source tree, never shared between tests or test runs.
class TempDir {
 public:
  explicit TempDir(std::string_view tag = "test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory (nothing is created). `dir / name` says the same.
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }
  std::string operator/(std::string_view name) const { return file(name); }

 private:
  std::string path_;
};

}  // namespace lynx::test
