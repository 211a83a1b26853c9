// The behaviour every `lynx` command shares: the command list, help, unknown commands and
// options, one "lynx: " line per diagnostic with the exit codes 0/1/2, a closed pipe ending
// quietly, files a running program has not flushed yet; and the output options of `lynx cat`
// (formats, --template, --color, --local).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "cli_test_support.hpp"

namespace {

using lynx::Level;
using lynx::test::kBase;
using lynx::test::lines;
using lynx::test::Run;
using lynx::test::run_lynx;
using lynx::test::steps_file;
using lynx::test::TempDir;
using lynx::test::TestFile;
using lynx::test::types_of;

// A usage error: exit 2, nothing on stdout, one line on stderr starting with "lynx: " and
// holding `what`.
void check_usage_error(const std::vector<std::string>& args, const std::string& what) {
  CAPTURE(args);
  const Run run = run_lynx(args);
  CHECK(run.exit_code == 2);
  CHECK(run.out == "");
  CHECK(run.err.starts_with("lynx: "));
  CHECK(lines(run.err).size() == 1);
  CHECK_MESSAGE(run.err.find(what) != std::string::npos, run.err);
}

// Runs lynx with stdout a pipe from which `read_bytes` are read before its read end is closed;
// SIGPIPE in lynx: default, or ignored. Returns the exit code (128 + signal when killed) and
// stderr.
std::pair<int, std::string> run_into_closed_pipe(const std::vector<std::string>& args,
                                                 bool ignore_sigpipe, std::size_t read_bytes) {
  TempDir io;
  const std::string err = io.file("stderr");
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_addclose(&actions, fds[0]);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  // Ignored signals stay ignored across exec; SETSIGDEF gives lynx the default instead.
  struct sigaction old {};
  struct sigaction ign {};
  ign.sa_handler = SIG_IGN;
  ::sigaction(SIGPIPE, &ign, &old);
  if (!ignore_sigpipe) {
    posix_spawnattr_setsigdefault(&attr, &pipe_signal);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  }
  const char* cli = std::getenv("LYNX_CLI");
  REQUIRE(cli != nullptr);
  std::vector<std::string> all = {cli};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  REQUIRE(posix_spawn(&pid, cli, &actions, &attr, argv.data(), environ) == 0);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(fds[1]);
  std::vector<char> buf(read_bytes);
  std::size_t got = 0;
  while (got < read_bytes) {
    const ssize_t n = ::read(fds[0], buf.data() + got, read_bytes - got);
    if (n <= 0) break;
    got += static_cast<std::size_t>(n);
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  ::sigaction(SIGPIPE, &old, nullptr);
  const int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return {code, lynx::test::slurp(err)};
}

}  // namespace

TEST_CASE("lynx alone lists the commands; help explains each with examples") {
  const Run bare = run_lynx({});
  CHECK(bare.exit_code == 0);
  CHECK(bare.err == "");
  for (const char* name : {"cat", "tail", "stats", "sites", "verify", "train", "help"}) {
    CHECK_MESSAGE(bare.out.find(std::string("\n  ") + name + " ") != std::string::npos, name);
  }
  const Run help = run_lynx({"help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out == bare.out);
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"help", "cat"}, {"cat", "--help"}}) {
    const Run run = run_lynx(args);
    CHECK(run.exit_code == 0);
    CHECK(run.out.find("Usage: lynx cat") != std::string::npos);
    CHECK(run.out.find("Examples:") != std::string::npos);
  }
  check_usage_error({"help", "frobnicate"}, "unknown command 'frobnicate'");
}

TEST_CASE("usage errors: one 'lynx:' line and exit 2") {
  TempDir dir;
  const std::string good = steps_file(0, 0, 1, {{10, 1}}).write(dir.file("good.lynx"));
  check_usage_error({"frobnicate"}, "unknown command 'frobnicate'");
  check_usage_error({"cat", "--bogus", good}, "--bogus");
  check_usage_error({"cat"}, "PATH is required");
  check_usage_error({"cat", "--format", "xml", good}, "xml");
  check_usage_error({"cat", "--grep", "(unclosed", good}, "bad --grep '(unclosed': missing )");
  check_usage_error({"cat", "--where", "user~(", good}, "bad --where 'user~('");
  check_usage_error({"cat", "--where", "amount>lots", good}, "'lots' is not a number");
  check_usage_error({"cat", "--where", "=5", good}, "bad --where '=5'");
  check_usage_error({"cat", "--since", "yesterday", good}, "--since: bad time 'yesterday'");
  check_usage_error({"cat", "--until", "2026-13-01", good}, "--until: bad time '2026-13-01'");
  check_usage_error({"cat", "--level", "loud", good}, "unknown level 'loud'");
  check_usage_error({"cat", "--template", "{ts} {tss}", good}, "unknown field 'tss'");
  check_usage_error({"cat", "--template", "{msg", good}, "a '{' without its '}'");
  check_usage_error({"cat", "--format", "json", "--template", "{msg}", good},
                    "cannot be used with --format json");
  check_usage_error({"cat", dir.file("missing.lynx")}, "missing.lynx: No such file or directory");
}

TEST_CASE("a broken pipe ends quietly with 0, SIGPIPE default or ignored") {
  TempDir dir;
  TestFile f(1, 0, 0, true);
  f.site(1, "record {i} with some text to make the lines long enough", types_of<int>());
  f.thread(1, 7);
  for (int i = 0; i < 200000; ++i) {
    f.record(1, 1, kBase + i, i);
    if (i % 10000 == 9999) f.seal();
  }
  const std::string path = f.write(dir.file("big.lynx"));
  for (const bool ignore : {false, true}) {
    for (const char* format : {"text", "json"}) {
      CAPTURE(ignore);
      CAPTURE(format);
      const auto [code, err] =
          run_into_closed_pipe({"cat", "--format", format, path}, ignore, 4096);
      CHECK(code == 0);
      CHECK(err == "");
    }
  }
}

TEST_CASE("a file with nothing flushed yet is empty, not damaged") {
  TempDir dir;
  const std::string good = steps_file(0, 0, 1, {{10, 1}}).write(dir.file("good.lynx"));
  const std::string empty = dir.file("empty.lynx");
  lynx::test::write_bytes(empty, "", 0);
  const Run run = run_lynx({"cat", empty, good});
  CHECK(run.exit_code == 0);
  CHECK(run.err == "lynx: " + empty + ": empty (nothing flushed yet)\n");
  CHECK(lines(run.out).size() == 1);
  lynx::test::RunOptions piped;
  const std::vector<std::byte> nothing;
  piped.stdin_bytes = &nothing;
  const Run from_pipe = run_lynx({"cat", "-"}, piped);
  CHECK(from_pipe.exit_code == 0);
  CHECK(from_pipe.err == "lynx: -: empty (nothing flushed yet)\n");
}

TEST_CASE("output formats: text with the full path, logfmt, templates, colours, local time") {
  TempDir dir;
  TestFile f(4242, 0, 0, true);
  f.site(1, "order {id} placed by {user}", types_of<long, std::string_view>(), Level::warn,
         "orders", "src/shop/main.cpp", 6);
  f.thread(1, 77, "web-1");
  f.record(1, 1, kBase, 17L, std::string_view("bob smith"));
  f.record(1, 1, kBase + 1, 18L, std::string_view("a\"b\nc"));
  const std::string path = f.write(dir.file("shop.lynx"));

  const Run text = run_lynx({"cat", path});
  CHECK(text.out ==
        "2026-11-27T21:17:26.123456789Z WARN  orders [77] src/shop/main.cpp:6 order 17 placed by "
        "bob smith\n"
        "2026-11-27T21:17:26.123456790Z WARN  orders [77] src/shop/main.cpp:6 order 18 placed by "
        "a\"b\\nc\n");

  const Run logfmt = run_lynx({"cat", "--format", "logfmt", path});
  CHECK(logfmt.exit_code == 0);
  CHECK(logfmt.out ==
        "ts=2026-11-27T21:17:26.123456789Z level=warn logger=orders thread=77 "
        "file=src/shop/main.cpp line=6 msg=\"order 17 placed by bob smith\" id=17 "
        "user=\"bob smith\"\n"
        "ts=2026-11-27T21:17:26.123456790Z level=warn logger=orders thread=77 "
        "file=src/shop/main.cpp line=6 msg=\"order 18 placed by a\\\"b\\nc\" id=18 "
        "user=\"a\\\"b\\nc\"\n");

  const Run t = run_lynx(
      {"cat", "--template",
       "{ts_ns}|{level_lower}|{level:>7}|{basename}|{function}|{thread_name}|{pid}|{template}|"
       "{fields}|{{x}}",
       "--head", "1", path});
  CHECK(t.exit_code == 0);
  CHECK(t.out == std::to_string(kBase) +
                     "|warn|   WARN|main.cpp|main|web-1|4242|order {id} placed by {user}|id=17 "
                     "user=\"bob smith\"|{x}\n");

  // Colours: never by default into a file or pipe; always when asked, and then padding counts
  // only the visible text.
  const Run always = run_lynx({"cat", "--color=always", "--template", "{level:6}|", path});
  CHECK(always.out == "\x1b[33mWARN\x1b[0m  |\n\x1b[33mWARN\x1b[0m  |\n");
  CHECK(run_lynx({"cat", "--color=auto", "--template", "{level}", path}).out == "WARN\nWARN\n");

  // Local time: the zone's offset at that instant (TZ is passed through the environment).
  ::setenv("TZ", "Asia/Kolkata", 1);  // +05:30, no daylight saving time
  const Run local = run_lynx({"cat", "--local", "--template", "{ts}", "--head", "1", path});
  ::unsetenv("TZ");
  CHECK(local.out == "2026-11-28T02:47:26.123456789+05:30\n");
}

TEST_CASE("-r reads directories recursively") {
  TempDir dir;
  std::filesystem::create_directories(dir.file("a/b"));
  steps_file(0, 0, 1, {{10, 1}}).write(dir.file("top.lynx"));
  steps_file(1, 0, 2, {{20, 2}}).write(dir.file("a/b/deep.lynx"));
  CHECK(lines(run_lynx({"cat", dir.path()}).out).size() == 1);
  const Run deep = run_lynx({"cat", "-r", "--format=json", dir.path()});
  CHECK(deep.exit_code == 0);
  CHECK(lynx::test::messages(deep.out) == std::vector<std::string>{"step 1", "step 2"});
}
