// Hostile or vanishing directories: a name the engine would create that already exists (a
// symlink or a file someone planted) is skipped to the next free sequence number with one
// warning, never followed and never fatal, at the first file and at rotation; a log directory
// removed while the engine runs is created again (said once) and logging goes on.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "test_support.hpp"

namespace fs = std::filesystem;

namespace {

// Sends stderr to a file while it lives; text() is what was written.
class CaptureStderr {
 public:
  explicit CaptureStderr(const std::string& path) : path_(path) {
    std::fflush(stderr);
    saved_ = ::dup(2);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~CaptureStderr() { restore(); }
  void restore() {
    if (saved_ < 0) return;
    std::fflush(stderr);
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  std::string text() const { return lynx::test::read_bytes(path_); }

 private:
  std::string path_;
  int saved_ = -1;
};

int occurrences(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto p = text.find(what); p != std::string::npos; p = text.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("a symlink at the first file name and at rotation names is skipped, never followed") {
  lynx::test::TempDir dir("hostile");
  const fs::path logs = fs::path(dir / "logs");
  fs::create_directories(logs);
  const fs::path victim = fs::path(dir / "victim");
  { std::ofstream(victim) << "precious"; }
  fs::create_symlink(victim, logs / "t.0.000000.lynx");
  fs::create_symlink(victim, logs / "t.0.000002.lynx");
  CaptureStderr err(dir / "stderr");
  constexpr int kRecords = 3000;
  {
    lynx::Engine engine(lynx::Options{.directory = logs.string(),
                                      .name = "t",
                                      .rotate_bytes = 8 << 10,
                                      .compression = lynx::Compression::none});
    // A regular file planted at a later rotation name while the engine runs.
    { std::ofstream(logs / "t.0.000004.lynx") << "not ours"; }
    lynx::Logger& log = lynx::logger("hostile");
    // Strings that share nothing with the previous one, so files fill (and rotate) quickly.
    std::uint64_t x = 88172645463325252ull;
    std::string payload(100, ' ');
    for (int i = 0; i < kRecords; ++i) {
      for (char& c : payload) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        c = static_cast<char>('!' + x % 90);
      }
      LYNX_INFO(log, "r {i} {s}", i, payload);
    }
  }
  err.restore();
  CHECK(lynx::test::read_bytes(victim.string()) == "precious");
  CHECK(fs::is_symlink(logs / "t.0.000000.lynx"));
  CHECK(fs::is_symlink(logs / "t.0.000002.lynx"));
  CHECK(lynx::test::read_bytes((logs / "t.0.000004.lynx").string()) == "not ours");
  CHECK(fs::exists(logs / "t.0.000001.lynx"));
  CHECK(fs::exists(logs / "t.0.000003.lynx"));
  CHECK(fs::exists(logs / "t.0.000005.lynx"));
  CHECK(occurrences(err.text(), "not written by this engine") == 1);
  // Every record on disk, in order (the planted names are not lynx files: skip them).
  lynx::test::Decoded d;
  for (const std::string& path : lynx::test::lynx_files(logs.string())) {
    if (fs::is_symlink(path) || path.ends_with("000004.lynx")) continue;
    lynx::test::decode_file(path, d);
  }
  CHECK(d.problems == 0);
  const auto got = d.user_records();
  REQUIRE(got.size() == kRecords);
  for (int i = 0; i < kRecords; ++i) CHECK(got[i]->value("i") == std::to_string(i));
  CHECK(d.notice_count() == 0);
}

TEST_CASE("a removed log directory is created again, said once, and logging goes on") {
  lynx::test::TempDir dir("vanish");
  const fs::path logs = fs::path(dir / "logs");
  CaptureStderr err(dir / "stderr");
  {
    lynx::Engine engine(lynx::Options{.directory = logs.string(), .name = "v"});
    lynx::Logger& log = lynx::logger("vanish");
    for (int i = 0; i < 100; ++i) LYNX_INFO(log, "before {i}", i);
    engine.flush();
    fs::remove_all(logs);
    // Long enough for the backend to notice (it looks every 250 ms).
    std::this_thread::sleep_for(std::chrono::milliseconds(600));
    for (int i = 0; i < 100; ++i) LYNX_INFO(log, "after {i}", i);
    engine.flush();
  }
  err.restore();
  REQUIRE(fs::is_directory(logs));
  const auto d = lynx::test::decode_dir(logs.string());
  CHECK(d.problems == 0);
  int after = 0;
  for (const auto* r : d.user_records()) after += r->format == "after {i}";
  CHECK(after == 100);
  const std::string text = err.text();
  CHECK(occurrences(text, "created it again") + occurrences(text, "was removed") >= 1);
  CHECK(occurrences(text, "created it again") <= 1);
}
