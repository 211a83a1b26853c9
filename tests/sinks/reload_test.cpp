// Live reload of the configuration file while threads log: a logger level and a sink level change
// and the records before and after are exactly the right ones; an invalid edit keeps the last good
// configuration and says why; a change that cannot apply live is reported and ignored.
// The boundaries are made by the test, never by timing: every "before" record was complete
// before the file was written (each thread acknowledged the next phase), every "after" record was
// logged once the reload had been applied (config_reloads(), acquire).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "engine/config_watcher.hpp"
#include "sink_support.hpp"
#include "tests/engine/test_support.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

// Writes the file the way editors do: a new file renamed over the old one.
void replace_file(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".tmp";
  std::ofstream(tmp, std::ios::binary | std::ios::trunc) << text;
  REQUIRE(std::rename(tmp.c_str(), path.c_str()) == 0);
}

std::string config(const std::string& dir, const char* logger_level, const char* sink_level,
                   const char* directory = "bin") {
  return std::string("[levels]\nreload = \"") + logger_level + "\"\n[files]\ndirectory = \"" + dir +
         "/" + directory + "\"\n[[sinks]]\ntype = \"text\"\npath = \"" + dir +
         "/app.log\"\nlevel = \"" + sink_level + "\"\n";
}

template <class F>
void wait_for(F done) {
  while (!done()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

// Captures what is written to stderr (fd 2) while it lives.
class StderrCapture {
 public:
  explicit StderrCapture(const std::string& path) : path_(path) {
    saved_ = ::dup(2);
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 2);
    ::close(fd);
  }
  ~StderrCapture() { restore(); }
  std::string text() {
    restore();
    return lynx::test::slurp(path_);
  }

 private:
  void restore() {
    if (saved_ < 0) return;
    ::dup2(saved_, 2);
    ::close(saved_);
    saved_ = -1;
  }
  std::string path_;
  int saved_ = -1;
};

constexpr int kThreads = 3;

}  // namespace

TEST_CASE("a level and a sink level change live; records before and after are exactly right") {
  lynx::test::TempDir dir("reload");
  const std::string path = dir / "lynx.toml";
  replace_file(path, config(dir.path(), "info", "info"));
  std::atomic<int> phase{0};  // 0 before, 1 during the reload, 2 after, 3 stop
  std::atomic<int> seen[kThreads];
  std::atomic<int> iterations[kThreads];
  for (int t = 0; t < kThreads; ++t) {
    seen[t] = 0;
    iterations[t] = 0;
  }
  {
    lynx::Engine engine(lynx::Options{.config_file = path});
    lynx::Logger& log = lynx::logger("reload");
    REQUIRE(log.level() == lynx::Level::info);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0;; ++i) {
          const int ph = phase.load();
          if (ph == 3) return;
          LYNX_DEBUG(log, "debug {t} {i} {phase}", t, i, ph);
          LYNX_INFO(log, "info {t} {i} {phase}", t, i, ph);
          LYNX_WARN(log, "warn {t} {i} {phase}", t, i, ph);
          seen[t].store(ph);
          iterations[t].store(i + 1);
        }
      });
    }
    auto all = [&](auto pred) {
      for (int t = 0; t < kThreads; ++t) {
        if (!pred(t)) return false;
      }
      return true;
    };
    wait_for([&] { return all([&](int t) { return iterations[t].load() >= 200; }); });
    phase = 1;
    wait_for([&] { return all([&](int t) { return seen[t].load() >= 1; }); });
    engine.flush();
    const std::uint64_t reloads = lynx::detail::config_reloads();
    replace_file(path, config(dir.path(), "debug", "warn"));
    wait_for([&] { return lynx::detail::config_reloads() > reloads; });
    CHECK(log.level() == lynx::Level::debug);
    const int after_from[kThreads] = {iterations[0].load(), iterations[1].load(),
                                      iterations[2].load()};
    phase = 2;
    wait_for(
        [&] { return all([&](int t) { return iterations[t].load() >= after_from[t] + 200; }); });
    phase = 3;
    for (auto& th : threads) th.join();
    engine.flush();
  }

  // (level, thread, iteration) -> phase, from the binary files and from the text sink.
  using Key = std::tuple<std::string, int, int>;
  std::map<Key, int> binary;
  const auto decoded = lynx::test::decode_dir(dir / "bin");
  for (const auto* r : decoded.user_records()) {
    binary[Key(r->format.substr(0, r->format.find(' ')), std::stoi(r->value("t")),
               std::stoi(r->value("i")))] = std::stoi(r->value("phase"));
  }
  std::set<Key> text;
  for (const std::string& line : lynx::test::lines_of(lynx::test::slurp(dir / "app.log"))) {
    const std::size_t msg = line.find(".cpp:");
    REQUIRE(msg != std::string::npos);
    const std::string rest = line.substr(line.find(' ', msg) + 1);  // "warn 1 17 0"
    int t = 0, i = 0, ph = 0;
    char level[16] = {};
    REQUIRE(std::sscanf(rest.c_str(), "%15s %d %d %d", level, &t, &i, &ph) == 4);
    text.insert(Key(level, t, i));
  }
  // Every iteration's warn record is in both (warn passes every level here): the ground truth.
  int before = 0, after = 0;
  for (const auto& [key, ph] : binary) {
    const auto& [level, t, i] = key;
    if (level != "warn") continue;
    CAPTURE(t);
    CAPTURE(i);
    CAPTURE(ph);
    CHECK(text.count(key) == 1);
    const bool debug_in_binary = binary.count(Key("debug", t, i)) == 1;
    const bool info_in_binary = binary.count(Key("info", t, i)) == 1;
    const bool info_in_text = text.count(Key("info", t, i)) == 1;
    CHECK(text.count(Key("debug", t, i)) == 0);  // the sink never lets debug through
    if (ph == 0) {                               // logger info, sink info
      ++before;
      CHECK_FALSE(debug_in_binary);
      CHECK(info_in_binary);
      CHECK(info_in_text);
    } else if (ph == 2) {  // logger debug, sink warn
      ++after;
      CHECK(debug_in_binary);
      CHECK(info_in_binary);
      CHECK_FALSE(info_in_text);
    }
  }
  CHECK(before >= kThreads * 200);
  CHECK(after >= kThreads * 200);
}

TEST_CASE("an invalid edit keeps the last good configuration; a non-live change is reported") {
  lynx::test::TempDir dir("reload");
  const std::string path = dir / "lynx.toml";
  replace_file(path, config(dir.path(), "warn", "info"));
  lynx::Engine engine(lynx::Options{.config_file = path});
  lynx::Logger& log = lynx::logger("reload.edit");
  REQUIRE(log.level() == lynx::Level::warn);

  StderrCapture capture(dir / "stderr.txt");
  const std::uint64_t rejected = lynx::detail::config_rejections();
  replace_file(path, "[levels]\nreload = \"error\"\n[files]\nkeep_files = \"many\"\n");
  wait_for([&] { return lynx::detail::config_rejections() > rejected; });
  CHECK(log.level() == lynx::Level::warn);  // nothing of the invalid file applied

  const std::uint64_t reloads = lynx::detail::config_reloads();
  replace_file(path, config(dir.path(), "error", "info", "elsewhere"));
  wait_for([&] { return lynx::detail::config_reloads() > reloads; });
  CHECK(log.level() == lynx::Level::error);  // the level applies
  const std::string err = capture.text();
  CHECK(err.find("lynx: configuration " + path +
                 ":4: files.keep_files: must be a whole number, 0 or more; keeping the last good "
                 "configuration\n") != std::string::npos);
  CHECK(err.find("lynx: configuration " + path +
                 ": files.directory changed; applies only when the engine starts (ignored)\n") !=
        std::string::npos);
  LYNX_ERROR(log, "still in the first directory");
  engine.flush();
  const auto decoded = lynx::test::decode_dir(dir / "bin");
  CHECK(decoded.user_records().size() == 1);
  CHECK(lynx::test::lynx_files(dir / "elsewhere").empty());
}
