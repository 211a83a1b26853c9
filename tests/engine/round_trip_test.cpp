// Every supported argument type goes through a real Engine into a file and comes back from
// format::FileReader with its exact value; placeholder names come back as field names.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <pthread.h>
#include <lynx/lynx.hpp>

#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "test_support.hpp"

namespace {

using lynx::detail::ArgType;
using lynx::test::DecodedRecord;
using lynx::test::render_double;
using lynx::test::render_float;
using lynx::test::render_pointer;

enum class Side : std::int16_t { sell = -1, buy = 1, lowest = INT16_MIN, highest = INT16_MAX };
enum Plain { kPlainA = 7, kPlainB = 42 };

// What one log statement should decode to.
struct Expect {
  std::string format;
  std::vector<ArgType> types;
  std::vector<std::string> values;
};

template <class T>
std::string dec(T v) {
  return std::to_string(v);
}

// One call site per integer type (each instantiation is its own site): min, max and a middle value.
template <class T>
void log_limits(lynx::Logger& log, std::vector<Expect>& expect, ArgType type) {
  constexpr T lo = std::numeric_limits<T>::min();
  constexpr T hi = std::numeric_limits<T>::max();
  constexpr T mid = static_cast<T>(hi / 3);
  LYNX_INFO(log, "limits {lo} {hi} {mid}", lo, hi, mid);
  expect.push_back({"limits {lo} {hi} {mid}", {type, type, type}, {dec(lo), dec(hi), dec(mid)}});
}

void log_from_helper(lynx::Logger& log) { LYNX_ERROR(log, "from a helper"); }

void check_records(const std::vector<const DecodedRecord*>& got,
                   const std::vector<Expect>& expect) {
  REQUIRE(got.size() == expect.size());
  for (std::size_t i = 0; i < expect.size(); ++i) {
    CAPTURE(i);
    CAPTURE(expect[i].format);
    CHECK(got[i]->format == expect[i].format);
    CHECK(got[i]->types == expect[i].types);
    REQUIRE(got[i]->values.size() == expect[i].values.size());
    for (std::size_t k = 0; k < expect[i].values.size(); ++k) {
      CAPTURE(k);
      CHECK(got[i]->values[k] == expect[i].values[k]);
    }
  }
}

lynx::Options options_for(const lynx::test::TempDir& dir) {
  return lynx::Options{.directory = dir.path(), .name = "t"};
}

}  // namespace

TEST_CASE("every integer type round-trips with its min and max, tagged by size and signedness") {
  lynx::test::TempDir dir("round-trip");
  lynx::Engine engine(options_for(dir));
  lynx::Logger& log = lynx::logger("rt.int");
  std::vector<Expect> expect;

  log_limits<std::int8_t>(log, expect, ArgType::i8);
  log_limits<std::int16_t>(log, expect, ArgType::i16);
  log_limits<std::int32_t>(log, expect, ArgType::i32);
  log_limits<std::int64_t>(log, expect, ArgType::i64);
  log_limits<std::uint8_t>(log, expect, ArgType::u8);
  log_limits<std::uint16_t>(log, expect, ArgType::u16);
  log_limits<std::uint32_t>(log, expect, ArgType::u32);
  log_limits<std::uint64_t>(log, expect, ArgType::u64);
  log_limits<short>(log, expect, ArgType::i16);
  log_limits<unsigned short>(log, expect, ArgType::u16);
  log_limits<int>(log, expect, ArgType::i32);
  log_limits<unsigned>(log, expect, ArgType::u32);
  log_limits<long long>(log, expect, ArgType::i64);
  log_limits<unsigned long long>(log, expect, ArgType::u64);
  static_assert(sizeof(long) == 8, "this test assumes LP64");
  log_limits<long>(log, expect, ArgType::i64);
  log_limits<unsigned long>(log, expect, ArgType::u64);
  log_limits<signed char>(log, expect, ArgType::i8);
  log_limits<unsigned char>(log, expect, ArgType::u8);

  // Small values and values around varint boundaries survive the compact re-encoding.
  const std::int64_t around[] = {0, -1, 1, 63, -64, 64, -65, 127, 128, 16383, 16384, -16385};
  for (std::int64_t v : around) {
    LYNX_INFO(log, "around {v} {u}", v, static_cast<std::uint64_t>(v < 0 ? -v : v));
    expect.push_back(
        {"around {v} {u}", {ArgType::i64, ArgType::u64}, {dec(v), dec(v < 0 ? -v : v)}});
  }
  // cv-qualified and reference arguments are tagged by their value type.
  const int cv = -5;
  const std::uint16_t& ref = 65535;
  LYNX_INFO(log, "qualified {cv} {ref}", cv, ref);
  expect.push_back({"qualified {cv} {ref}", {ArgType::i32, ArgType::u16}, {"-5", "65535"}});

  engine.flush();
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  check_records(decoded.user_records(), expect);
}

TEST_CASE(
    "bool, char, float, double and enums round-trip bit-exactly, including NaN and infinities") {
  lynx::test::TempDir dir("round-trip");
  lynx::Engine engine(options_for(dir));
  lynx::Logger& log = lynx::logger("rt.scalar");
  std::vector<Expect> expect;

  LYNX_INFO(log, "bools {t} {f}", true, false);
  expect.push_back({"bools {t} {f}", {ArgType::boolean, ArgType::boolean}, {"true", "false"}});

  LYNX_INFO(log, "chars {a} {nul} {high} {quote}", 'x', '\0', '\xE9', '"');
  expect.push_back(
      {"chars {a} {nul} {high} {quote}",
       {ArgType::character, ArgType::character, ArgType::character, ArgType::character},
       {"x", std::string(1, '\0'), "\xE9", "\""}});

  using FL = std::numeric_limits<float>;
  const float floats[] = {
      1.5f,           -2.25f,       0.0f,          -0.0f, FL::denorm_min(), FL::min(),
      FL::max(),      FL::lowest(), FL::epsilon(), 0.1f,  FL::quiet_NaN(),  FL::infinity(),
      -FL::infinity()};
  for (float f : floats) {
    LYNX_INFO(log, "float {f}", f);
    expect.push_back({"float {f}", {ArgType::f32}, {render_float(f)}});
  }
  using DL = std::numeric_limits<double>;
  const double doubles[] = {-2.5,
                            0.1,
                            -0.0,
                            DL::denorm_min(),
                            DL::min(),
                            DL::max(),
                            DL::lowest(),
                            1e-300,
                            -123456789.123456789,
                            DL::quiet_NaN(),
                            DL::infinity(),
                            -DL::infinity()};
  for (double d : doubles) {
    LYNX_INFO(log, "double {d:.3f}", d);
    expect.push_back({"double {d:.3f}", {ArgType::f64}, {render_double(d)}});
  }
  // long double is stored as a double.
  LYNX_INFO(log, "long double {ld}", 1.25L);
  expect.push_back({"long double {ld}", {ArgType::f64}, {"1.25"}});

  LYNX_INFO(log, "enum class {a} {b} {c} {d}", Side::sell, Side::buy, Side::lowest, Side::highest);
  expect.push_back({"enum class {a} {b} {c} {d}",
                    {ArgType::i16, ArgType::i16, ArgType::i16, ArgType::i16},
                    {"-1", "1", "-32768", "32767"}});
  LYNX_INFO(log, "plain enum {a} {b}", kPlainA, kPlainB);

  engine.flush();
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  auto got = decoded.user_records();
  REQUIRE(got.size() == expect.size() + 1);
  // A plain enum is stored as its underlying integer type (chosen by the compiler).
  const DecodedRecord& plain = *got.back();
  got.pop_back();
  CHECK(plain.format == "plain enum {a} {b}");
  REQUIRE(plain.types.size() == 2);
  constexpr ArgType plain_type =
      sizeof(std::underlying_type_t<Plain>) == 4
          ? (std::is_signed_v<std::underlying_type_t<Plain>> ? ArgType::i32 : ArgType::u32)
          : ArgType::i64;
  CHECK(plain.types[0] == plain_type);
  CHECK(plain.values == std::vector<std::string>{"7", "42"});
  check_records(got, expect);
}

TEST_CASE("strings of every kind round-trip byte for byte; a null const char* is an empty string") {
  lynx::test::TempDir dir("round-trip");
  lynx::Engine engine(options_for(dir));
  lynx::Logger& log = lynx::logger("rt.string");
  std::vector<Expect> expect;
  const std::vector<ArgType> one_string = {ArgType::string};

  const char* literal = "hello";
  const char* empty = "";
  const char* null_cstr = nullptr;
  char mutable_buf[] = "mutable char buffer";
  char* mutable_ptr = mutable_buf;
  LYNX_INFO(log, "c strings {lit} {empty} {null} {mut} {arr}", literal, empty, null_cstr,
            mutable_ptr, "array");
  expect.push_back({"c strings {lit} {empty} {null} {mut} {arr}",
                    std::vector<ArgType>(5, ArgType::string),
                    {"hello", "", "", "mutable char buffer", "array"}});

  const std::string short_str = "short";
  const std::string empty_str;
  std::string big(10 * 1024, '\0');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  const std::string tricky = std::string("quote \" backslash \\ newline \n tab \t cr \r nul ") +
                             '\0' + " utf8 \xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80 end {} {{";
  LYNX_INFO(log, "std::string {s}", short_str);
  LYNX_INFO(log, "std::string {s}", empty_str);
  LYNX_INFO(log, "std::string {s}", big);
  LYNX_INFO(log, "std::string {s}", tricky);
  for (const std::string* s :
       {&short_str, &empty_str, static_cast<const std::string*>(&big), &tricky}) {
    expect.push_back({"std::string {s}", one_string, {*s}});
  }

  // A string_view that is not NUL-terminated: exactly its bytes, no more.
  const std::string backing = "0123456789";
  const std::string_view middle = std::string_view(backing).substr(3, 4);
  const std::string_view empty_view;
  LYNX_INFO(log, "views {a} {b} {c}", middle, empty_view, std::string_view(tricky));
  expect.push_back({"views {a} {b} {c}",
                    {ArgType::string, ArgType::string, ArgType::string},
                    {"3456", "", tricky}});

  engine.flush();
  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  check_records(decoded.user_records(), expect);
}

TEST_CASE("a string whose memory is freed and reused right after the call still decodes intact") {
  lynx::test::TempDir dir("round-trip");
  lynx::Engine engine(
      lynx::Options{.directory = dir.path(), .name = "t", .flush_every = std::chrono::hours(1)});
  lynx::Logger& log = lynx::logger("rt.freed");

  const std::string original = std::string(500, 'a') + " heap string tail";
  const std::string original_c = "a transient C string on the heap";
  for (int round = 0; round < 50; ++round) {
    auto s = std::make_unique<std::string>(original);
    LYNX_INFO(log, "freed {s} {round}", *s, round);
    std::memset(s->data(), 'X', s->size());
    s.reset();

    auto c = std::make_unique<char[]>(original_c.size() + 1);
    std::memcpy(c.get(), original_c.c_str(), original_c.size() + 1);
    LYNX_INFO(log, "freed c {s} {round}", static_cast<const char*>(c.get()), round);
    std::memset(c.get(), 'Y', original_c.size());
    c.reset();

    // Likely to land on the memory just freed.
    auto reuse = std::make_unique<std::string>(original.size(), 'Z');
    auto reuse_c = std::make_unique<char[]>(original_c.size() + 1);
    std::memset(reuse_c.get(), 'W', original_c.size());
  }
  engine.flush();

  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  const auto got = decoded.user_records();
  REQUIRE(got.size() == 100);
  for (std::size_t i = 0; i < got.size(); ++i) {
    CAPTURE(i);
    CHECK(got[i]->values.at(0) == (i % 2 == 0 ? original : original_c));
    CHECK(got[i]->values.at(1) == std::to_string(i / 2));
  }
}

TEST_CASE("pointers are stored as addresses; nullptr and null typed pointers are 0") {
  lynx::test::TempDir dir("round-trip");
  lynx::Engine engine(options_for(dir));
  lynx::Logger& log = lynx::logger("rt.pointer");

  int local = 0;
  int* int_ptr = &local;
  const void* void_ptr = &local;
  int* null_int = nullptr;
  const double* cdp = reinterpret_cast<const double*>(std::uintptr_t{0xFFFFFFFFFFFFFFF8ull});
  LYNX_INFO(log, "pointers {v} {i} {n} {ni} {high}", void_ptr, int_ptr, nullptr, null_int, cdp);
  engine.flush();

  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  const auto got = decoded.user_records();
  REQUIRE(got.size() == 1);
  CHECK(got[0]->types == std::vector<ArgType>(5, ArgType::pointer));
  const std::string addr = render_pointer(reinterpret_cast<std::uintptr_t>(&local));
  CHECK(got[0]->values == std::vector<std::string>{addr, addr, "0x0", "0x0", "0xfffffffffffffff8"});
}

TEST_CASE("a record carries its level, logger, call site, thread and a wall-clock timestamp") {
  lynx::test::TempDir dir("round-trip");
  lynx::Engine engine(options_for(dir));
  lynx::Logger& log = lynx::logger("rt.meta");
  lynx::Logger& other = lynx::logger("rt.meta.other");
  log.set_level(lynx::Level::trace);

  const std::int64_t before = static_cast<std::int64_t>(lynx::detail::wall_clock_ns());
  const std::uint32_t trace_line = __LINE__ + 1;  // the line of the next statement
  LYNX_TRACE(log, "level {l}", 0);
  LYNX_DEBUG(log, "level {l}", 1);
  LYNX_INFO(log, "level {l}", 2);
  LYNX_WARN(log, "level {l}", 3);
  LYNX_ERROR(log, "level {l}", 4);
  LYNX_CRITICAL(log, "level {l}", 5);
  LYNX_WARN(other, "other logger");
  log_from_helper(log);
  std::uint64_t worker_tid = 0;
  std::thread worker([&] {
    pthread_setname_np(pthread_self(), "rt-worker");
    worker_tid = lynx::test::current_os_tid();
    LYNX_INFO(log, "from the worker");
  });
  worker.join();
  engine.flush();
  const std::int64_t after = static_cast<std::int64_t>(lynx::detail::wall_clock_ns());

  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  const auto got = decoded.user_records();
  REQUIRE(got.size() == 9);
  const lynx::Level levels[] = {lynx::Level::trace, lynx::Level::debug, lynx::Level::info,
                                lynx::Level::warn,  lynx::Level::error, lynx::Level::critical};
  for (int i = 0; i < 6; ++i) {
    CAPTURE(i);
    CHECK(got[i]->level == levels[i]);
    CHECK(got[i]->logger == "rt.meta");
    CHECK(got[i]->file == __FILE__);
    CHECK(got[i]->line == trace_line + i);
    CHECK(got[i]->os_tid == lynx::test::current_os_tid());
    CHECK(got[i]->values == std::vector<std::string>{std::to_string(i)});
  }
  CHECK(got[6]->logger == "rt.meta.other");
  CHECK(got[6]->level == lynx::Level::warn);
  CHECK(got[7]->function == "log_from_helper");
  CHECK(got[7]->level == lynx::Level::error);
  CHECK(got[8]->os_tid == worker_tid);
  CHECK(got[8]->thread_name == "rt-worker");
  CHECK(got[8]->thread_id != got[0]->thread_id);
  // Unix nanoseconds: inside the interval the records were logged in (one second of slack for the
  // tick calibration; this checks the clock's epoch and unit, not a duration).
  for (const DecodedRecord* r : got) {
    CHECK(r->ts_ns >= before - 1'000'000'000);
    CHECK(r->ts_ns <= after + 1'000'000'000);
  }
}

TEST_CASE(
    "placeholders: positional ones are named arg<i>, named ones keep their names, {{ }} are "
    "literal") {
  lynx::test::TempDir dir("round-trip");
  lynx::Engine engine(options_for(dir));
  lynx::Logger& log = lynx::logger("rt.names");

  LYNX_INFO(log, "{} and {}", 1, 2);
  LYNX_INFO(log, "{a} {b:.2f}", 3, 4.5);
  LYNX_INFO(log, "{{literal}} {x} }}", 5);
  LYNX_INFO(log, "{} {mid} {}", 6, 7, 8);
  LYNX_INFO(log, "{:>8} {name:#x}", 9, 10u);
  LYNX_INFO(log, "no placeholders, only {{braces}}");
  engine.flush();

  const auto decoded = lynx::test::decode_dir(dir.path());
  CHECK(decoded.problems == 0);
  const auto got = decoded.user_records();
  REQUIRE(got.size() == 6);
  using V = std::vector<std::string>;
  CHECK(got[0]->names == V{"arg0", "arg1"});
  CHECK(got[0]->fmt_pattern == "{} and {}");
  CHECK(got[0]->value("arg1") == "2");
  CHECK(got[1]->names == V{"a", "b"});
  CHECK(got[1]->fmt_pattern == "{} {:.2f}");
  CHECK(got[1]->value("b") == "4.5");
  CHECK(got[2]->names == V{"x"});
  CHECK(got[2]->format == "{{literal}} {x} }}");
  CHECK(got[2]->fmt_pattern == "{{literal}} {} }}");
  CHECK(got[2]->value("x") == "5");
  CHECK(got[3]->names == V{"arg0", "mid", "arg2"});
  CHECK(got[3]->values == V{"6", "7", "8"});
  CHECK(got[4]->names == V{"arg0", "name"});
  CHECK(got[4]->fmt_pattern == "{:>8} {:#x}");
  CHECK(got[5]->names.empty());
  CHECK(got[5]->values.empty());
  CHECK(got[5]->format == "no placeholders, only {{braces}}");
}
