// Format 2's packed records (record/packed.hpp, docs/format.md "Packed data block payload"): every
// argument type and edge value, long runs of one site, alternating sites and threads, random
// values, decimal floats and their changes of scale, sites with more than 6 and with 64
// arguments, raw and zstd blocks; a packed block encoded by hand from the spec; checkpoints, which
// bound what a damaged metadata block costs.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "../tools/cli_test_support.hpp"
#include "format/reader.hpp"
#include "record/codecs.hpp"

namespace {

using lynx::format::BlockKind;
using lynx::record::Kind;
using lynx::record::Value;
using lynx::test::kBase;
using lynx::test::ring_bytes;
using lynx::test::TestFile;
using lynx::test::types_of;

// A value as text that tells every bit apart (floats by their bit patterns).
std::string show(const Value& v) {
  switch (v.kind) {
    case Kind::boolean: return v.b ? "true" : "false";
    case Kind::character: return "c" + std::to_string(static_cast<unsigned char>(v.c));
    case Kind::int64: return "i" + std::to_string(v.i);
    case Kind::uint64: return "u" + std::to_string(v.u);
    case Kind::pointer: return "p" + std::to_string(v.u);
    case Kind::float32:
      return "f" + std::to_string(std::bit_cast<std::uint32_t>(static_cast<float>(v.f)));
    case Kind::float64: return "d" + std::to_string(std::bit_cast<std::uint64_t>(v.f));
    case Kind::string: return "s" + std::to_string(v.s.size()) + ":" + std::string(v.s);
    default: break;  // structured values: tests/record/structured_test.cpp
  }
  return "?";
}

struct Rec {
  std::uint32_t site;
  std::uint32_t thread;
  std::int64_t ts;
  std::string values;  // show() of every argument
  bool operator==(const Rec&) const = default;
};

// Records what a log call with `args` must decode to, and adds it to `f`.
class Writer {
 public:
  explicit Writer(bool zstd) : file(7, 0, 0, zstd) {}
  template <class... Args>
  void define(std::uint32_t site) {
    file.site(site, "site", types_of<Args...>());
  }
  void thread(std::uint32_t id) { file.thread(id, 500 + id); }
  template <class... Args>
  void log(std::uint32_t site, std::uint32_t thread, std::int64_t ts, const Args&... args) {
    const auto types = types_of<Args...>();
    const auto ring = ring_bytes(args...);
    std::vector<Value> values(types.size());
    REQUIRE(lynx::record::args_from_ring(types, ring.data(), ring.size(), values.data()));
    std::string text;
    for (const Value& v : values) text += show(v) + " ";
    want.push_back(Rec{site, thread, ts, text});
    file.record(site, thread, ts, args...);
  }
  TestFile file;
  std::vector<Rec> want;
};

struct Read {
  std::vector<Rec> records;
  std::vector<lynx::format::Problem> problems;
};

Read read(std::vector<std::byte> bytes) {
  Read out;
  lynx::format::FileReader reader("packed.lynx");
  REQUIRE(reader.open_bytes(std::move(bytes)).ok());
  reader.read(
      [&](const lynx::format::Record& r) {
        std::string text;
        for (const Value& v : r.args) text += show(v) + " ";
        out.records.push_back(Rec{r.site->id, r.thread->id, r.ts_ns, text});
      },
      [&](const lynx::format::Problem& p) { out.problems.push_back(p); });
  return out;
}

void check_round_trip(Writer& w) {
  const Read r = read(w.file.bytes());
  CHECK(r.problems.empty());
  REQUIRE(r.records.size() == w.want.size());
  for (std::size_t i = 0; i < r.records.size(); ++i) {
    CAPTURE(i);
    CHECK(r.records[i] == w.want[i]);
  }
}

using All = std::tuple<std::int8_t, std::int16_t, std::int32_t, std::int64_t, std::uint8_t,
                       std::uint16_t, std::uint32_t, std::uint64_t, bool, char, float, double,
                       std::string_view, const void*>;

template <class T>
using lim = std::numeric_limits<T>;

void define_all(Writer& w, std::uint32_t site) {
  w.define<std::int8_t, std::int16_t, std::int32_t, std::int64_t, std::uint8_t, std::uint16_t,
           std::uint32_t, std::uint64_t, bool, char, float, double, std::string_view, const void*>(
      site);
}

}  // namespace

TEST_CASE("every argument type and edge value round-trips, raw and zstd") {
  const std::string big(1 << 20, 'b');
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    Writer w(zstd);
    define_all(w, 1);
    w.define<std::string_view, double, float>(2);
    w.thread(1);
    w.thread(2);
    const double dbl[] = {0.0,
                          -0.0,
                          1.5,
                          -1.0 / 3.0,
                          lim<double>::min(),
                          lim<double>::max(),
                          lim<double>::lowest(),
                          lim<double>::denorm_min(),
                          lim<double>::infinity(),
                          -lim<double>::infinity(),
                          std::nan(""),
                          -std::nan("0x123"),
                          101.37,
                          101.38,
                          0.000001};
    const float flt[] = {0.0f,
                         -0.0f,
                         0.25f,
                         lim<float>::max(),
                         lim<float>::denorm_min(),
                         -lim<float>::infinity(),
                         std::nanf(""),
                         0.8f,
                         1.234567f};
    const std::string_view str[] = {"", "a", "abc", "abd", "", big, big, "x"};
    std::int64_t ts = kBase;
    int k = 0;
    for (int round = 0; round < 3; ++round) {
      for (const double d : dbl) {
        for (const float f : flt) {
          const std::string_view s = str[k % 8];
          const bool alternate = round == 1;  // every other record another site and thread
          if (alternate && k % 2 == 1) {
            w.log(2, 2, ts, s, d, f);
          } else {
            w.log(
                1, 1, ts,
                static_cast<std::int8_t>(k % 2 ? lim<std::int8_t>::min() : lim<std::int8_t>::max()),
                static_cast<std::int16_t>(k % 3 ? lim<std::int16_t>::min() : 0),
                static_cast<std::int32_t>(k % 5 ? lim<std::int32_t>::max() : -k),
                k % 2 ? lim<std::int64_t>::min() : lim<std::int64_t>::max(),
                static_cast<std::uint8_t>(k), static_cast<std::uint16_t>(k * 7919),
                k % 2 ? lim<std::uint32_t>::max() : 0u, k % 4 ? lim<std::uint64_t>::max() : 0ull,
                k % 3 == 0, static_cast<char>(k * 37), f, d, s,
                reinterpret_cast<const void*>(static_cast<std::uintptr_t>(k) * 4096));
          }
          // Timestamps that go back and jump.
          ts += k % 7 == 0 ? -5 : (k % 11 == 0 ? 1'000'000'000 : 13);
          ++k;
          // Predictions restart with every block; a block holds what the engine's would (it seals
          // at 64 KiB, so a 1 MiB string ends its block).
          if (k % 97 == 0 || s.size() > 65536) w.file.seal();
        }
      }
    }
    check_round_trip(w);
  }
}

TEST_CASE("random values, decimal floats changing scale, many arguments") {
  std::mt19937_64 rng(42);
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    Writer w(zstd);
    w.define<std::uint64_t, double, float, std::int32_t, std::string_view, double, std::int16_t,
             bool>(3);  // 8 arguments: two of them flagged in an extra byte
    w.thread(4);
    std::int64_t cents = 10'000;
    for (int i = 0; i < 20'000; ++i) {
      cents += static_cast<std::int64_t>(rng() % 9) - 4;
      const double price = i % 1000 < 500 ? static_cast<double>(cents) / 100.0
                                          : static_cast<double>(cents) / 1000.0 + 1e-9 * i;
      const float latency = static_cast<float>(rng() % 5'000'000) / 1e6f;
      const std::string name = "user" + std::to_string(rng() % 50);
      const double walk = i % 3 == 0 ? std::bit_cast<double>(rng()) : 0.5 * i;
      w.log(3, 4, kBase + i * 40, rng(), price, latency, static_cast<std::int32_t>(rng()),
            std::string_view(name), walk, static_cast<std::int16_t>(i), i % 5 == 0);
    }
    check_round_trip(w);
  }
}

TEST_CASE("a site with 64 arguments (the most a statement takes)") {
  Writer w(false);
  std::vector<lynx::detail::ArgType> types(64, lynx::detail::ArgType::u32);
  w.file.site(9, "many", types);
  w.file.thread(1, 77);
  // Written through the builder directly: 64 u32s in the ring layout.
  for (std::uint32_t r = 0; r < 50; ++r) {
    std::vector<std::byte> ring(64 * 4);
    std::string text;
    for (std::uint32_t i = 0; i < 64; ++i) {
      const std::uint32_t v = i % 3 == 0 ? r * i : (i % 3 == 1 ? 7 : r * r * 2654435761u);
      std::memcpy(ring.data() + 4 * i, &v, 4);
      text += "u" + std::to_string(v) + " ";
    }
    w.want.push_back(Rec{9, 1, kBase + r, text});
    w.file.raw_record(9, 1, kBase + r, types, ring);
  }
  check_round_trip(w);
}

TEST_CASE("a packed block encoded by hand from docs/format.md decodes as the spec says") {
  // Site 5 = (i32, string, f64), thread 3; three records, worked out from the spec:
  //   1: n=10 s="bob" d=2.5  new site and thread; every prediction starts at zero and misses;
  //                          d is escaped to scale 2 (tenths): mantissa 25
  //   2: n=20 s="bob" d=2.5  n predicted by prev + stride (10 + 10), s and d repeat: flags only
  //   3: n=25 s="bobby" d=2.5  n misses 30 by -5; s shares "bob"; d predicted
  TestFile f(7, 0, 0, false);
  f.site(5, "n={n} s={s} d={d}", types_of<std::int32_t, std::string_view, double>());
  f.thread(3, 4242);
  f.seal();
  std::vector<std::byte> p;
  auto u8 = [&](unsigned v) { p.push_back(static_cast<std::byte>(v)); };
  // Record 1: new site and thread; no prediction holds (all start at zero).
  u8(0x03), u8(5), u8(3), u8(0);               // control, site 5, thread 3, ts delta 0
  u8(lynx::format::zigzag(10));                // n: 10 - 0
  u8(0), u8(3), u8('b'), u8('o'), u8('b');     // s: shares 0, 3 more bytes
  u8(0), u8(2), u8(lynx::format::zigzag(25));  // d: escape, scale 2 (10^1), mantissa 25
  // Record 2: same site and thread; all three as predicted (bits 2, 3, 4).
  u8(0x1C), u8(lynx::format::zigzag(10));  // control, ts delta +10
  // Record 3: n = 25 against 30 (residual -5); s = "bobby" (shares 3, adds "by"); d predicted.
  u8(0x10), u8(lynx::format::zigzag(-3));  // control (d), ts delta -3
  u8(lynx::format::zigzag(-5));
  u8(3), u8(2), u8('b'), u8('y');
  std::vector<std::byte> file = f.bytes();
  lynx::format::BlockHeader h;
  h.kind = BlockKind::packed;
  h.stored_size = h.raw_size = static_cast<std::uint32_t>(p.size());
  h.record_count = 3;
  h.first_ts = kBase;
  h.last_ts = kBase + 7;
  h.payload_checksum = XXH3_64bits(p.data(), p.size());
  std::vector<std::byte> header(lynx::format::kBlockHeaderSize);
  lynx::format::encode_block_header(h, header.data());
  file.insert(file.end(), header.begin(), header.end());
  file.insert(file.end(), p.begin(), p.end());

  lynx::format::FileReader reader("hand.lynx");
  REQUIRE(reader.open_bytes(file).ok());
  std::vector<std::string> got;
  std::vector<std::string> problems;
  reader.read(
      [&](const lynx::format::Record& r) {
        got.push_back(std::to_string(r.ts_ns - kBase) + " " + std::to_string(r.thread->os_tid) +
                      " " + std::to_string(r.args[0].i) + " " + std::string(r.args[1].s) + " " +
                      std::to_string(r.args[2].f) + " " + std::to_string(r.args[2].i) + "e-" +
                      std::to_string(r.args[2].count - 1));
        CHECK(r.args[2].has_decimal());  // the decimal it came as (Value::decimal)
      },
      [&](const lynx::format::Problem& p) { problems.push_back(p.message); });
  CHECK(problems.empty());
  CHECK(got == std::vector<std::string>{"0 4242 10 bob 2.500000 25e-1",
                                        "10 4242 20 bob 2.500000 25e-1",
                                        "7 4242 25 bobby 2.500000 25e-1"});
}

TEST_CASE("checkpoints: a damaged metadata block costs at most the records up to the next one") {
  TestFile f(7, 0, 0, true);
  std::uint32_t sites = 0;
  std::vector<std::uint32_t> records_per_block;
  for (int block = 0; block < 200; ++block) {
    if (block % 10 == 0) {  // a new site now and then: metadata blocks between the data
      f.site(++sites, "n={n} s={s}", types_of<int, std::string_view>());
      if (sites == 1) f.thread(1, 1001);
    }
    for (int i = 0; i < 20; ++i) {
      f.record(1 + static_cast<std::uint32_t>(i) % sites, 1, kBase + block * 100 + i,
               block * 20 + i, std::string_view("some text that compresses well"));
    }
    f.seal();
  }
  const std::vector<std::byte> good = f.bytes();
  // The first metadata block (file info, site 1, thread 1); later checkpoints repeat all of it.
  std::vector<lynx::test::BlockInfo> meta;
  std::vector<lynx::test::BlockInfo> data;
  for (const auto& b : f.blocks()) (b.kind == BlockKind::metadata ? meta : data).push_back(b);
  REQUIRE(data.size() == 200);
  // Checkpoints: metadata blocks much bigger than one new site's entry.
  std::vector<std::size_t> checkpoint_after;  // data blocks written before each checkpoint
  for (const auto& m : meta) {
    if (m.offset < data.front().offset) continue;
    std::size_t before = 0;
    while (before < data.size() && data[before].offset < m.offset) ++before;
    if (m.size > meta[1].size + 40) checkpoint_after.push_back(before);
  }
  CAPTURE(checkpoint_after.size());
  REQUIRE(checkpoint_after.size() >= 5);
  // At least kCheckpointBlocks data blocks between checkpoints (and more once the definitions
  // grow: their stored size times kCheckpointRatio must have been written too).
  CHECK(checkpoint_after.front() >= lynx::format::kCheckpointBlocks);
  for (std::size_t i = 1; i < checkpoint_after.size(); ++i)
    CHECK(checkpoint_after[i] - checkpoint_after[i - 1] >= lynx::format::kCheckpointBlocks);

  for (std::size_t at : {meta[0].offset + lynx::format::kBlockHeaderSize + 3, meta[0].offset + 5}) {
    CAPTURE(at);
    std::vector<std::byte> bad = good;
    bad[at] ^= std::byte{0x40};
    const Read r = read(bad);
    // Site 1 and thread 1 are unknown until the first checkpoint: only those blocks fail.
    const std::size_t lost_blocks = checkpoint_after.front();
    std::size_t lost = 0;
    for (std::size_t b = 0; b < lost_blocks; ++b) lost += data[b].records;
    CHECK(r.records.size() == 200 * 20 - lost);
    CHECK(r.problems.size() == 1 + lost_blocks);
  }
}
