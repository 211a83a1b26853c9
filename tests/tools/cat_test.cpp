// End-to-end tests of `lynx cat`: files are written with the format's own writer (BlockBuilder,
// raw and zstd), then the built binary (path in $LYNX_CLI) runs on them; stdout, stderr and the
// exit code are checked exactly.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

#include "cli_test_support.hpp"

namespace {

namespace fs = std::filesystem;
using lynx::Level;
using lynx::detail::ArgType;
using lynx::test::kBase;
using lynx::test::lines;
using lynx::test::messages;
using lynx::test::Run;
using lynx::test::run_lynx;
using lynx::test::steps_file;
using lynx::test::TempDir;
using lynx::test::TestFile;
using lynx::test::types_of;

}  // namespace

TEST_CASE("JSON output of every argument type, raw and zstd blocks") {
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    TempDir dir;
    TestFile f(4242, 0, 0, zstd);
    f.site(1,
           "i8={a} i16={b} i32={c} i64={d} u8={e} u16={f} u32={g} u64={h} bool={i} char={j} "
           "f32={k} f64={l} str={m} ptr={n}",
           types_of<std::int8_t, std::int16_t, std::int32_t, std::int64_t, std::uint8_t,
                    std::uint16_t, std::uint32_t, std::uint64_t, bool, char, float, double,
                    std::string_view, const void*>(),
           Level::warn, "types", "/src/shop/types.cpp", 42);
    f.site(2, "x={x} y={y} z={z} neg={w}", types_of<double, double, float, double>(), Level::debug);
    f.thread(7, 4242);
    const std::string_view nasty("q\"b\\\n\x01\xff!", 8);
    f.record(1, 7, kBase, std::int8_t{-5}, std::int16_t{-300}, std::int32_t{-70000},
             std::numeric_limits<std::int64_t>::min(), std::uint8_t{255}, std::uint16_t{65535},
             std::uint32_t{4294967295u}, std::numeric_limits<std::uint64_t>::max(), true, '"', 0.5f,
             -12.25, nasty, reinterpret_cast<const void*>(0x7ffd1234abcdull));
    f.record(2, 7, kBase + 1, std::nan(""), HUGE_VAL, -HUGE_VALF, -0.1);
    const std::string path = f.write(dir.file("types.lynx"));

    const Run run = run_lynx({"cat", "--format", "json", path});
    CHECK(run.err == "");
    CHECK(run.exit_code == 0);
    CHECK(
        run.out ==
        R"({"ts":"2026-11-27T21:17:26.123456789Z","level":"warn","logger":"types","thread":4242,)"
        R"("thread_name":"worker","pid":4242,"file":"/src/shop/types.cpp","line":42,"function":"main","msg":"i8=-5 i16=-300 i32=-70000 )"
        R"(i64=-9223372036854775808 u8=255 u16=65535 u32=4294967295 u64=18446744073709551615 )"
        R"(bool=true char=\" f32=0.5 f64=-12.25 str=q\"b\\\n\u0001\ufffd! ptr=0x7ffd1234abcd",)"
        R"("fields":{"a":-5,"b":-300,"c":-70000,"d":-9223372036854775808,"e":255,"f":65535,)"
        R"("g":4294967295,"h":18446744073709551615,"i":true,"j":"\"","k":0.5,"l":-12.25,)"
        R"("m":"q\"b\\\n\u0001\ufffd!","n":"0x7ffd1234abcd"}})"
        "\n"
        R"({"ts":"2026-11-27T21:17:26.123456790Z","level":"debug","logger":"orders","thread":4242,)"
        R"("thread_name":"worker","pid":4242,"file":"src/shop/main.cpp","line":6,"function":"main","msg":"x=nan y=inf z=-inf neg=-0.1",)"
        R"("fields":{"x":"NaN","y":"Infinity","z":"-Infinity","w":-0.1}})"
        "\n");
  }
}

TEST_CASE("text output and positional placeholders") {
  TempDir dir;
  TestFile f(1, 0, 0, true);
  f.site(1, "order {id} placed for {amount:.2f} by {user}",
         types_of<long, double, std::string_view>());
  f.site(2, "{} of {}", types_of<unsigned, unsigned>(), Level::error, "jobs", "jobs.cpp", 99);
  f.thread(1, 4242);
  f.record(1, 1, kBase, 17L, 12.5, std::string_view("bob"));
  f.record(2, 1, kBase + 1'000'000'000, 3u, 4u);
  const std::string path = f.write(dir.file("shop.lynx"));

  const Run text = run_lynx({"cat", path});
  CHECK(text.exit_code == 0);
  CHECK(text.err == "");
  CHECK(text.out ==
        "2026-11-27T21:17:26.123456789Z INFO  orders [4242] src/shop/main.cpp:6 order 17 placed "
        "for 12.50 "
        "by bob\n"
        "2026-11-27T21:17:27.123456789Z ERROR jobs [4242] jobs.cpp:99 3 of 4\n");

  const Run json = run_lynx({"cat", "--format=json", path});
  CHECK(json.exit_code == 0);
  CHECK(
      json.out ==
      R"({"ts":"2026-11-27T21:17:26.123456789Z","level":"info","logger":"orders","thread":4242,)"
      R"("thread_name":"worker","pid":1,"file":"src/shop/main.cpp","line":6,"function":"main","msg":"order 17 placed for 12.50 by bob",)"
      R"("fields":{"id":17,"amount":12.5,"user":"bob"}})"
      "\n"
      R"({"ts":"2026-11-27T21:17:27.123456789Z","level":"error","logger":"jobs","thread":4242,)"
      R"("thread_name":"worker","pid":1,"file":"jobs.cpp","line":99,"function":"main","msg":"3 of 4","fields":{"arg0":3,"arg1":4}})"
      "\n");
}

TEST_CASE("a format error is rendered with default formats and still exits 0") {
  TempDir dir;
  TestFile f;
  f.site(1, "user {name:d} has {n} items", types_of<std::string_view, int>());
  f.thread(1, 9);
  f.record(1, 1, kBase, std::string_view("bob"), 4);
  const Run run = run_lynx({"cat", f.write(dir.file("a.lynx"))});
  CHECK(run.exit_code == 0);
  CHECK(run.err == "");
  CHECK(run.out ==
        "2026-11-27T21:17:26.123456789Z INFO  orders [9] src/shop/main.cpp:6 user bob has 4 items "
        "[format error: invalid type specifier]\n");
}

TEST_CASE("files of two shards and a rotation merge in time order, each thread in its own order") {
  TempDir dir;
  // Thread 11 (shard 0) logs across two rotated files and its clock steps back once (a3 < a2).
  const std::string a0 = steps_file(0, 0, 11, {{100, 1}, {300, 2}}).write(dir.file("app.0.0.lynx"));
  const std::string a1 =
      steps_file(0, 1, 11, {{250, 3}, {400, 4}}, true).write(dir.file("app.0.1.lynx"));
  // Thread 22 (shard 1).
  const std::string b0 = steps_file(1, 0, 22, {{200, 101}, {260, 102}, {300, 103}, {350, 104}})
                             .write(dir.file("app.1.0.lynx"));

  const std::vector<std::string> want = {"step 1", "step 101", "step 102", "step 2",
                                         "step 3", "step 103", "step 104", "step 4"};
  // The argument order does not matter: files are laid out by (shard, sequence).
  const Run run = run_lynx({"cat", "--format", "json", b0, a1, a0});
  CHECK(run.exit_code == 0);
  CHECK(run.err == "");
  CHECK(messages(run.out) == want);
  // Each record keeps its own timestamp, even where the effective one moved it.
  CHECK(lines(run.out)[4].starts_with(R"({"ts":"1970-01-01T00:00:00.000000250Z")"));

  const Run from_dir = run_lynx({"cat", "--format", "json", dir.path()});
  CHECK(from_dir.exit_code == 0);
  CHECK(from_dir.out == run.out);
}

TEST_CASE("threads are told apart by pid and os tid") {
  TempDir dir;
  // Same os tid in two processes: process 1's late record must not hold back process 2's.
  TestFile p1(1, 0, 0);
  p1.site(1, "p1 {n}", types_of<int>());
  p1.thread(1, 5);
  p1.record(1, 1, 1000, 1);
  TestFile p2(2, 0, 0);
  p2.site(1, "p2 {n}", types_of<int>());
  p2.thread(1, 5);
  p2.record(1, 1, 10, 2);
  p2.record(1, 1, 20, 3);
  const std::string f1 = p1.write(dir.file("p1.lynx")), f2 = p2.write(dir.file("p2.lynx"));
  const Run run = run_lynx({"cat", "--format=json", f1, f2});
  CHECK(run.exit_code == 0);
  CHECK(messages(run.out) == std::vector<std::string>{"p2 2", "p2 3", "p1 1"});
}

TEST_CASE("a call site redefined later in a file renders with the definition of its time") {
  TempDir dir;
  TestFile f;
  f.site(1, "first {x}", types_of<int>());
  f.thread(1, 5);
  f.record(1, 1, 100, 1);
  f.seal();
  f.site(1, "second {y}", types_of<std::string_view>(), Level::warn, "other", "b.cpp", 2);
  f.record(1, 1, 200, std::string_view("two"));
  f.seal();
  f.site(1, "third {z}", types_of<int>());
  f.record(1, 1, 300, 3);
  const Run run = run_lynx({"cat", f.write(dir.file("redefined.lynx"))});
  CHECK(run.exit_code == 0);
  CHECK(run.out ==
        "1970-01-01T00:00:00.000000100Z INFO  orders [5] src/shop/main.cpp:6 first 1\n"
        "1970-01-01T00:00:00.000000200Z WARN  other [5] b.cpp:2 second two\n"
        "1970-01-01T00:00:00.000000300Z INFO  orders [5] src/shop/main.cpp:6 third 3\n");
}

TEST_CASE("a directory argument reads its *.lynx files only") {
  TempDir dir;
  steps_file(0, 0, 1, {{10, 1}}).write(dir.file("b.lynx"));
  steps_file(0, 1, 1, {{20, 2}}).write(dir.file("a.lynx"));
  std::ofstream(dir.file("notes.txt")) << "not a log\n";
  std::ofstream(dir.file("c.lynx.tmp")) << "not a log either\n";
  fs::create_directory(dir.file("sub.lynx"));
  const Run run = run_lynx({"cat", "--format=json", dir.path()});
  CHECK(run.err == "");
  CHECK(run.exit_code == 0);
  CHECK(messages(run.out) == std::vector<std::string>{"step 1", "step 2"});

  // A file named again (directly and through its directory) is read once.
  const Run twice = run_lynx({"cat", "--format=json", dir.file("a.lynx"), dir.path()});
  CHECK(twice.out == run.out);
}

TEST_CASE("a corrupted block is reported and the other blocks are still printed") {
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    TempDir dir;
    TestFile f = steps_file(0, 0, 1, {{10, 1}, {20, 2}, {30, 3}}, zstd);
    auto& bytes = f.bytes();
    const std::size_t damaged = f.block_offsets().at(1);
    bytes[damaged + lynx::format::kBlockHeaderSize + 1] ^= std::byte{0x40};
    const std::string path = f.write(dir.file("damaged.lynx"));

    const Run run = run_lynx({"cat", "--format=json", path});
    CHECK(run.exit_code == 1);
    CHECK(run.err == "lynx: " + path + ": offset " + std::to_string(damaged) +
                         ": block checksum mismatch (1 records lost)\n");
    CHECK(messages(run.out) == std::vector<std::string>{"step 1", "step 3"});
  }
}

TEST_CASE("a cut-off file: exit 1, its complete blocks printed, its unusable tail bytes said") {
  // What a crash leaves: the last block cut inside its payload or inside its header, or (a torn
  // write) a last block header that is garbage.
  struct Tail {
    const char* what;
    std::size_t keep;  // bytes kept of the last block
    bool garble_header;
    std::string message;  // what `lynx cat` says after the offset
  };
  const std::size_t h = lynx::format::kBlockHeaderSize;
  for (const Tail& t : {Tail{"in the payload", h + 2, false,
                             "file is cut off inside a block (58 bytes at the end could not be "
                             "used, 1 records lost)"},
                        Tail{"in the header", 20, false,
                             "file ends inside a block header (20 bytes at the end could not be "
                             "used)"},
                        Tail{"garbled header", h + 2, true,
                             "damaged block header (58 bytes at the end could not be used)"}}) {
    CAPTURE(t.what);
    TempDir dir;
    TestFile f = steps_file(0, 0, 1, {{10, 1}, {20, 2}});
    auto& bytes = f.bytes();
    const std::size_t cut_block = f.block_offsets().at(1);
    bytes.resize(cut_block + t.keep);
    if (t.garble_header) std::memset(&bytes[cut_block], 0x5A, h);
    const std::string path = f.write(dir.file("cut.lynx"));
    const Run run = run_lynx({"cat", path});
    CHECK(run.exit_code == 1);
    CHECK(run.err ==
          "lynx: " + path + ": offset " + std::to_string(cut_block) + ": " + t.message + "\n");
    CHECK(lines(run.out).size() == 1);
    CHECK(run.out.ends_with(" step 1\n"));
  }
}

TEST_CASE("files that are not lynx files, or too new, are data errors") {
  TempDir dir;
  const std::string good = steps_file(0, 0, 1, {{10, 1}}).write(dir.file("good.lynx"));
  const std::string text = dir.file("text.lynx");
  std::ofstream(text) << "hello, I am not a log file\n";
  TestFile newer = steps_file(0, 1, 1, {{20, 2}});
  newer.relabel(3);  // a major version after this reader's
  const std::string future = newer.write(dir.file("future.lynx"));

  const Run run = run_lynx({"cat", text, good, future});
  CHECK(run.exit_code == 1);
  CHECK(run.err == "lynx: " + text +
                       ": not a lynx log file (bad magic)\n"
                       "lynx: " +
                       future +
                       ": written by a newer lynx (format 3.0); this reader "
                       "understands format 2.x and older: upgrade lynx to read it\n");
  CHECK(run.out.ends_with(" step 1\n"));
  CHECK(lines(run.out).size() == 1);
}

TEST_CASE("missing paths, unreadable files and empty directories exit 2") {
  TempDir dir;
  const std::string good = steps_file(0, 0, 1, {{10, 1}}).write(dir.file("good.lynx"));
  const std::string missing = dir.file("missing.lynx");

  const Run run = run_lynx({"cat", missing, good});
  CHECK(run.exit_code == 2);
  CHECK(run.err == "lynx: " + missing + ": No such file or directory\n");
  CHECK(run.out.ends_with(" step 1\n"));  // what could be read is still printed

  fs::create_directory(dir.file("empty"));
  std::ofstream(dir.file("empty/readme.txt")) << "x";
  const Run empty = run_lynx({"cat", dir.file("empty")});
  CHECK(empty.exit_code == 2);
  CHECK(empty.err == "lynx: " + dir.file("empty") + ": no .lynx files in this directory\n");
  CHECK(empty.out == "");

  if (::geteuid() != 0) {  // root reads anything
    const std::string locked = steps_file(0, 0, 1, {{10, 1}}).write(dir.file("locked.lynx"));
    ::chmod(locked.c_str(), 0);
    const Run denied = run_lynx({"cat", locked});
    CHECK(denied.exit_code == 2);
    CHECK(denied.err == "lynx: open " + locked + ": Permission denied\n");
  }
}

TEST_CASE("usage errors exit 2, --help exits 0") {
  TempDir dir;
  const std::string good = steps_file(0, 0, 1, {{10, 1}}).write(dir.file("good.lynx"));
  CHECK(run_lynx({"cat", "--bogus", good}).exit_code == 2);
  CHECK(run_lynx({"cat", "--format", "xml", good}).exit_code == 2);
  CHECK(run_lynx({"cat"}).exit_code == 2);
  CHECK(run_lynx({}).exit_code == 0);  // the command list
  CHECK(run_lynx({"frobnicate"}).exit_code == 2);
  const Run help = run_lynx({"cat", "--help"});
  CHECK(help.exit_code == 0);
  CHECK(help.out.find("Usage: lynx cat") != std::string::npos);
  CHECK(run_lynx({"--help"}).exit_code == 0);
}

TEST_CASE("many records over many zstd blocks keep their order") {
  TempDir dir;
  TestFile f(1, 0, 0, true);
  f.site(1, "record {i} of thread {t}", types_of<int, int>());
  f.thread(1, 1);
  f.thread(2, 2);
  constexpr int kRecords = 20000;
  for (int i = 0; i < kRecords; ++i) {
    // Thread 2 runs 5 ns "behind" thread 1 and interleaves with it.
    f.record(1, 1 + i % 2, 10 * i - (i % 2) * 15, i, 1 + i % 2);
    if (i % 1000 == 999) f.seal();
  }
  const Run run = run_lynx({"cat", f.write(dir.file("big.lynx"))});
  CHECK(run.exit_code == 0);
  const auto got = lines(run.out);
  REQUIRE(got.size() == kRecords);
  // Expected: by timestamp; thread 2's record i (ts 10i-15) comes before thread 1's record i-1.
  int last_i[3] = {-1, -1, -1};
  for (const std::string& line : got) {
    int i = 0, t = 0;
    const char* msg = line.c_str() + line.find("record ");
    REQUIRE(std::sscanf(msg, "record %d of thread %d", &i, &t) == 2);
    CHECK(i > last_i[t]);
    last_i[t] = i;
  }
  CHECK(got[0].ends_with("record 1 of thread 2"));
  CHECK(got[1].ends_with("record 0 of thread 1"));
}

TEST_CASE("standard input: '-' and /dev/stdin read a pipe, merged with files like any file") {
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    TempDir dir;
    TestFile a = steps_file(0, 0, 11, {{100, 1}, {300, 2}}, zstd);
    TestFile b = steps_file(1, 0, 22, {{200, 101}, {400, 102}}, zstd);
    const std::string a_path = a.write(dir.file("a.lynx"));
    const std::string b_path = b.write(dir.file("b.lynx"));
    const Run want = run_lynx({"cat", "--format=json", a_path, b_path});
    REQUIRE(want.exit_code == 0);
    REQUIRE(messages(want.out) ==
            std::vector<std::string>{"step 1", "step 101", "step 2", "step 102"});

    lynx::test::RunOptions piped;
    piped.stdin_bytes = &b.bytes();
    for (const char* name : {"-", "/dev/stdin"}) {
      CAPTURE(name);
      const Run run = run_lynx({"cat", "--format=json", a_path, name}, piped);
      CHECK(run.err == "");
      CHECK(run.exit_code == 0);
      CHECK(messages(run.out) == messages(want.out));
      const Run alone = run_lynx({"cat", name}, piped);
      CHECK(alone.exit_code == 0);
      CHECK(lines(alone.out).size() == 2);
    }
    // Damage in a pipe is reported with the name it was given.
    TestFile cut = steps_file(0, 0, 1, {{10, 1}, {20, 2}}, zstd);
    cut.bytes().resize(cut.block_offsets().at(1) + 20);
    piped.stdin_bytes = &cut.bytes();
    const Run damaged = run_lynx({"cat", "-"}, piped);
    CHECK(damaged.exit_code == 1);
    CHECK(damaged.err == "lynx: -: offset " + std::to_string(cut.block_offsets().at(1)) +
                             ": file ends inside a block header (20 bytes at the end could not "
                             "be used)\n");
    CHECK(lines(damaged.out).size() == 1);
  }
}

TEST_CASE("a call site asking for a huge width is damage: exit 1, nothing allocated for it") {
  TempDir dir;
  TestFile f;
  f.site(1, "wide {a:>2000000000}", types_of<int>());
  f.site(2, "fine {a:>8}", types_of<int>());
  f.thread(1, 5);
  f.seal();
  const std::size_t metadata = f.blocks().back().offset;
  f.record(2, 1, 10, 1);  // its block needs site 1's metadata block too: lost with it
  const std::string path = f.write(dir.file("wide.lynx"));
  const Run run = run_lynx({"cat", path});
  CHECK(run.exit_code == 1);
  CHECK(run.err == "lynx: " + path + ": offset " + std::to_string(metadata) +
                       ": malformed metadata block (call site 1: placeholder width 2000000000 is "
                       "above the limit of 4096)\n"
                       "lynx: " +
                       path + ": offset " + std::to_string(f.block_offsets().at(0)) +
                       ": malformed data block (1 records lost)\n");
  CHECK(run.out == "");
}

TEST_CASE("memory stays bounded: 256 MB of string values in 16 full blocks") {
  // The old reader kept every value of every record: over 256 MiB here.
  TempDir dir;
  TestFile f(1, 0, 0, true);
  f.site(1, "{i} {s}", types_of<int, std::string_view>());
  f.thread(1, 7);
  const std::string text(1000, 'v');
  int n = 0;
  for (int block = 0; block < 16; ++block) {
    for (int i = 0; i < 16000; ++i, ++n) f.record(1, 1, 1000 + n, n, std::string_view(text));
    f.seal();
  }
  const std::string path = f.write(dir.file("big.lynx"));
  lynx::test::RunOptions discard;
  discard.discard_stdout = true;
  const Run run = run_lynx({"cat", path}, discard);
  CHECK(run.exit_code == 0);
  CHECK(run.err == "");
#if !defined(__SANITIZE_ADDRESS__) && !defined(__SANITIZE_THREAD__)
  CHECK(run.max_rss_kb < 100 * 1024);
#endif
  MESSAGE("lynx cat peak RSS: ", run.max_rss_kb, " KiB");
}

TEST_CASE("--threads 2 prints exactly what --threads 1 prints, with every option") {
  // Three shards, each rotated once, with records interleaved across them and a damaged block:
  // more records than several of the pipeline's batches, so batches are recycled and files
  // closed while their last records are still being printed.
  TempDir dir;
  for (std::uint32_t shard = 0; shard < 3; ++shard) {
    for (std::uint64_t seq = 0; seq < 2; ++seq) {
      TestFile f(100 + shard, shard, seq, true);
      f.site(1, "record {i} of shard {s} level {l}", types_of<int, int, int>());
      f.site(2, "warning {i} {text}", types_of<int, std::string_view>(), lynx::Level::warn);
      f.thread(1, 10 + shard);
      const std::string text(static_cast<std::size_t>(shard) * 40, 'x');
      for (int i = 0; i < 6000; ++i) {
        const int n = static_cast<int>(seq) * 6000 + i;
        const std::int64_t ts = 1000 + 3 * n + shard - (i % 7 == 0 ? 2 : 0);
        if (i % 10 == 0) {
          f.record(2, 1, ts, n, std::string_view(text));
        } else {
          f.record(1, 1, ts, n, static_cast<int>(shard), i % 3);
        }
        if (i % 1500 == 1499) f.seal();
      }
      f.seal();
      if (shard == 1 && seq == 0) {
        auto& bytes = f.bytes();
        bytes[f.block_offsets().at(2) + lynx::format::kBlockHeaderSize + 3] ^= std::byte{0x10};
      }
      f.write(dir.file("app." + std::to_string(shard) + "." + std::to_string(seq) + ".lynx"));
    }
  }
  const std::vector<std::vector<std::string>> variants = {
      {},
      {"--format=json"},
      {"--format=logfmt"},
      {"--level", "warn"},
      {"--grep", "shard 2 level 1"},
      {"--where", "i>30000"},
      {"--head", "9000"},
      {"--tail", "7"},
      {"--head", "1"},
  };
  for (const auto& options : variants) {
    std::vector<std::string> one = {"cat", "--threads", "1"}, two = {"cat", "--threads", "2"};
    for (const auto& o : options) {
      one.push_back(o);
      two.push_back(o);
    }
    one.push_back(dir.path());
    two.push_back(dir.path());
    const Run a = run_lynx(one);
    const Run b = run_lynx(two);
    CAPTURE(options);
    CHECK(a.exit_code == 1);  // the damaged block
    CHECK(b.exit_code == a.exit_code);
    CHECK(b.err == a.err);
    CHECK(lines(b.out).size() == lines(a.out).size());
    CHECK(b.out == a.out);
  }
  const Run all = run_lynx({"cat", "--threads", "2", dir.path()});
  CHECK(lines(all.out).size() == 36000 - 1500);  // a block of 1500 records lost
  const Run bad = run_lynx({"cat", "--threads", "3", dir.path()});
  CHECK(bad.exit_code == 2);
}
