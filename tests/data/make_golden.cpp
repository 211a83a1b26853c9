// Writes one set of golden files with the real lynx::Engine. Built by meson, never run by the
// tests: the files it wrote once are committed in tests/data/ with their expected `lynx cat`
// output, and every later version must decode them byte for byte the same way.
// See tests/data/README.md: existing golden files are never regenerated, only new ones added.
//
//   make_golden zstd|raw OUTPUT_DIR
//   make_golden dict OUTPUT_DIR DICTIONARY
//
// Every record's values are fixed (only timestamps, pid and thread ids vary between runs): every
// argument type, several loggers and levels, two threads on two shards, several blocks per file.
#include <pthread.h>
#include <lynx/lynx.hpp>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <string>
#include <string_view>
#include <thread>

// Records name this file as the repository names it, whatever the build directory.
#line 25 "tests/data/make_golden.cpp"

namespace {

enum class Side : std::int16_t { sell = -1, buy = 1 };
enum Color { kRed = 3, kGreen = 250 };

// One batch of records from the calling thread. `k` varies the values between batches.
void log_batch(int k) {
  lynx::Logger& orders = lynx::logger("orders");
  lynx::Logger& net = lynx::logger("net");
  lynx::Logger& db = lynx::logger("db");

  LYNX_INFO(orders, "order {id} placed: {qty} x {sku} at {price:.2f} ({side})", 1000 + k, 3u + k,
            std::string_view("SKU-42"), 19.99 + k, Side::buy);
  LYNX_DEBUG(orders, "signed i8={a} i16={b} i32={c} i64={d}", static_cast<std::int8_t>(-128 + k),
             static_cast<std::int16_t>(-32768 + k), -2147483647 - 1 + k,
             std::numeric_limits<std::int64_t>::min() + k);
  LYNX_DEBUG(orders, "unsigned u8={a} u16={b} u32={c} u64={d}", static_cast<std::uint8_t>(255 - k),
             static_cast<std::uint16_t>(65535 - k), 4294967295u - k,
             std::numeric_limits<std::uint64_t>::max() - k);
  LYNX_TRACE(net, "flags ok={ok} grade={grade} color={color}", k % 2 == 0,
             static_cast<char>('A' + k), kGreen);
  LYNX_INFO(net, "floats f32={f} f64={d} ld={ld} tiny={tiny} neg0={z}",
            0.25f + static_cast<float>(k), -1.0 / 3.0, static_cast<long double>(2.5), 5e-324, -0.0);
  LYNX_WARN(net, "specials nan={n} inf={i} ninf={m}", std::nan(""), HUGE_VAL,
            -std::numeric_limits<float>::infinity());
  const std::string owned = "owned string #" + std::to_string(k);
  const char* c_string = "c string";
  const char* null_string = nullptr;
  LYNX_INFO(db, "strings {owned} {view} {c} [{empty}] [{null}]", owned,
            std::string_view("h\u00e9llo \u2713 \"quoted\" back\\slash\ttab"), c_string,
            std::string_view(), null_string);
  LYNX_ERROR(db, "pointers {p} {null}", reinterpret_cast<const void*>(0x7f00dead0000ull + k),
             nullptr);
  LYNX_CRITICAL(db, "{} of {} positional, {{braces}}, hex {x:#x}, padded {p:>6}", k, 9, 255 + k,
                std::string_view("ab"));
  LYNX_INFO(orders, "no arguments at all");
  LYNX_WARN(orders, "zero-padded {id:08d} and {ratio:.3f}", 42 + k, 0.125);
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const std::string mode = argc >= 3 ? argv[1] : "";
  if (!((mode == "zstd" || mode == "raw") && argc == 3) && !(mode == "dict" && argc == 4)) {
    std::fprintf(stderr,
                 "usage: make_golden zstd|raw OUTPUT_DIR\n"
                 "       make_golden dict OUTPUT_DIR DICTIONARY\n");
    return 2;
  }
  const std::string dir = argv[2];
  std::error_code ec;
  if (fs::exists(dir, ec) && !fs::is_empty(dir, ec)) {
    std::fprintf(stderr,
                 "make_golden: %s is not empty: golden files are never regenerated "
                 "(see tests/data/README.md)\n",
                 dir.c_str());
    return 2;
  }
  lynx::Options options{
      .directory = dir,
      .name = "golden",
      .shards = 2,
      .rotate_bytes = 0,
      .compression = mode == "raw" ? lynx::Compression::none : lynx::Compression::zstd,
      .zstd_dictionary = mode == "dict" ? argv[3] : "",
      .flush_every = std::chrono::milliseconds(60'000),  // blocks end at the flushes below
      .level = lynx::Level::trace,
  };
  lynx::Engine engine(options);
  // The main thread registers first (shard 0); the worker registers second (shard 1).
  for (int k = 0; k < 3; ++k) {
    log_batch(k);
    engine.flush();
  }
  std::thread worker([&engine] {
    pthread_setname_np(pthread_self(), "golden-worker");
    for (int k = 10; k < 14; ++k) {
      log_batch(k);
      engine.flush();
    }
  });
  worker.join();
  log_batch(3);
  engine.flush();
  return 0;
}
