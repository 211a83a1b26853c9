// `lynx tail`: the last N records, and -f following a live directory: records appended after it
// started, a block written in two pieces (waited for, not damage), a rotation to the next file
// of a shard, a new shard, a file that has nothing flushed yet; memory while following; a
// record's context and extras.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include <lynx/lynx.hpp>
#include "cli_test_support.hpp"

namespace {

using lynx::test::lines;
using lynx::test::messages;
using lynx::test::Run;
using lynx::test::run_lynx;
using lynx::test::steps_file;
using lynx::test::TempDir;
using lynx::test::TestFile;

// A `lynx` running in the background, stdout and stderr in files.
class Background {
 public:
  explicit Background(const std::vector<std::string>& args)
      : out_(io_.file("out")), err_(io_.file("err")) {
    const char* cli = std::getenv("LYNX_CLI");
    REQUIRE(cli != nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> all = {cli};
    all.insert(all.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : all) argv.push_back(a.data());
    argv.push_back(nullptr);
    REQUIRE(posix_spawn(&pid_, cli, &actions, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~Background() { stop(); }
  // Waits (up to 20 s) until stdout has `n` lines; returns the messages of its JSON lines.
  std::vector<std::string> wait_lines(std::size_t n) {
    for (int i = 0; i < 2000; ++i) {
      const std::string out = lynx::test::slurp(out_);
      if (lines(out).size() >= n && out.ends_with("\n")) return messages(out);
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return messages(lynx::test::slurp(out_));
  }
  std::string out() const { return lynx::test::slurp(out_); }
  std::string err() const { return lynx::test::slurp(err_); }
  // Peak resident memory so far (VmHWM), in KiB.
  long peak_rss_kb() const {
    std::ifstream status("/proc/" + std::to_string(pid_) + "/status");
    for (std::string line; std::getline(status, line);) {
      if (line.starts_with("VmHWM:")) return std::stol(line.substr(6));
    }
    return -1;
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }

 private:
  TempDir io_;
  std::string out_, err_;
  pid_t pid_ = -1;
};

// Appends what `f` gained since `*written` bytes to `path`.
void append_new(TestFile& f, const std::string& path, std::size_t* written, std::size_t upto = 0) {
  const auto& bytes = f.bytes();
  const std::size_t end = upto == 0 ? bytes.size() : upto;
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out.write(reinterpret_cast<const char*>(bytes.data() + *written),
            static_cast<std::streamsize>(end - *written));
  REQUIRE(out.good());
  *written = end;
}

}  // namespace

TEST_CASE("tail: the last N records of a directory, with filters") {
  TempDir dir;
  steps_file(0, 0, 11, {{100, 1}, {300, 2}, {500, 3}}).write(dir.file("app.0.0.lynx"));
  steps_file(1, 0, 22, {{200, 4}, {400, 5}, {600, 6}}).write(dir.file("app.1.0.lynx"));
  const Run run = run_lynx({"tail", "-n", "4", "--format=json", dir.path()});
  CHECK(run.exit_code == 0);
  CHECK(run.err == "");
  CHECK(messages(run.out) == std::vector<std::string>{"step 2", "step 5", "step 3", "step 6"});
  const Run filtered = run_lynx({"tail", "-n", "2", "--thread", "11", "--format=json", dir.path()});
  CHECK(messages(filtered.out) == std::vector<std::string>{"step 2", "step 3"});
  CHECK(lines(run_lynx({"tail", dir.path()}).out).size() == 6);  // fewer than 10
}

TEST_CASE("tail -f: appended records, a block in two pieces, a rotation, a new shard") {
  TempDir dir;
  const std::string a0 = dir.file("app.0.000000.lynx");
  TestFile f = steps_file(0, 0, 11, {{100, 1}, {200, 2}, {300, 3}});
  std::size_t written = 0;
  append_new(f, a0, &written);
  // A file of a shard that has nothing flushed yet: waited for quietly.
  const std::string b0 = dir.file("app.1.000000.lynx");
  lynx::test::write_bytes(b0, "", 0);

  Background tail({"tail", "-f", "-n", "2", "--format=json", dir.path()});
  CHECK(tail.wait_lines(2) == std::vector<std::string>{"step 2", "step 3"});

  // A record written after it started, its block in two pieces some polls apart.
  f.record(1, 1, 400, 4);
  f.seal();
  append_new(f, a0, &written, written + 30);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  append_new(f, a0, &written);
  CHECK(tail.wait_lines(3).back() == "step 4");

  // The writer rotates: shard 0's next file.
  TestFile rotated = steps_file(0, 1, 11, {{500, 5}});
  rotated.write(dir.file("app.0.000001.lynx"));
  CHECK(tail.wait_lines(4).back() == "step 5");

  // The empty shard file gets its first flush.
  TestFile shard1 = steps_file(1, 0, 22, {{600, 6}});
  std::size_t b_written = 0;
  append_new(shard1, b0, &b_written);
  CHECK(tail.wait_lines(5).back() == "step 6");

  // A new shard appears.
  steps_file(2, 0, 33, {{700, 7}}).write(dir.file("app.2.000000.lynx"));
  CHECK(tail.wait_lines(6) ==
        std::vector<std::string>{"step 2", "step 3", "step 4", "step 5", "step 6", "step 7"});
  CHECK(tail.err() == "");
}

TEST_CASE("tail -f keeps memory bounded while following a big file, with filters") {
  TempDir dir;
  const std::string path = dir.file("big.0.000000.lynx");
  TestFile f(1, 0, 0, true);
  f.site(1, "{i} {s}", lynx::test::types_of<int, std::string_view>());
  f.thread(1, 7);
  const std::string text(1000, 'v');
  std::size_t written = 0;
  int n = 0;
  for (int block = 0; block < 6; ++block) {
    for (int i = 0; i < 16000; ++i, ++n) f.record(1, 1, 1000 + n, n, std::string_view(text));
    f.seal();
  }
  append_new(f, path, &written);  // 96 MB of string values
  Background tail({"tail", "-f", "-n", "1", "--format=json", "--where", "i>=0", dir.path()});
  REQUIRE(tail.wait_lines(1).size() == 1);
  const long rss = tail.peak_rss_kb();
  MESSAGE("lynx tail -f peak RSS: ", rss, " KiB");
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  CHECK(rss < 100 * 1024);
#endif
}

TEST_CASE("tail -f shows a record's context and extras as cat does") {
  TempDir dir;
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .name = "ctx"});
    auto& log = lynx::logger("orders");
    LYNX_INFO(log, "plain {n}", 1);
    lynx::Context ctx("request_id", 42, "tenant", "acme");
    LYNX_INFO(log, "inside {n}", 2);
  }
  const Run cat = run_lynx({"cat", "--format=json", dir.path()});
  REQUIRE(cat.exit_code == 0);
  REQUIRE(lines(cat.out).size() == 2);
  CHECK(lines(cat.out)[1].find(R"("ctx":{"request_id":42,"tenant":"acme"})") != std::string::npos);
  Background tail({"tail", "-f", "-n", "2", "--format=json", dir.path()});
  REQUIRE(tail.wait_lines(2).size() == 2);
  tail.stop();
  CHECK(tail.out() == cat.out);
  CHECK(tail.err() == "");
}
