// The record codecs (record/codecs.hpp): for every argument type, what a producer writes into a
// ring decodes to the same Value straight from the ring and through the file encoding; malformed
// file bytes and short ring bytes are refused, never read past.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "lynx/detail/arg_types.hpp"
#include "record/codecs.hpp"

namespace {

using lynx::detail::ArgType;
using lynx::record::Kind;
using lynx::record::Value;
namespace record = lynx::record;
namespace detail = lynx::detail;

// The ring bytes of one log call's arguments, as detail::log() writes them.
template <class... Args>
std::vector<std::byte> ring_of(const Args&... args) {
  std::vector<std::byte> out((detail::ring_size<Args>(detail::measure_arg(args)) + ... + 0));
  std::byte* p = out.data();
  ((p = detail::encode_arg(p, args, detail::measure_arg(args))), ...);
  REQUIRE(p == out.data() + out.size());
  return out;
}

template <class... Args>
std::vector<ArgType> types_of() {
  const auto& t = detail::ArgList<detail::arg_t<Args>...>::types;
  return {t.begin(), t.end()};
}

// Decodes `args` both ways and checks they agree with each other and with `expected`.
template <class... Args>
void check_round_trip(const std::vector<Value>& expected, const Args&... args) {
  const std::vector<ArgType> types = types_of<Args...>();
  const std::vector<std::byte> ring = ring_of(args...);

  std::vector<Value> from_ring(types.size());
  REQUIRE(record::args_from_ring(types, ring.data(), ring.size(), from_ring.data()));
  CHECK(from_ring == expected);

  std::vector<std::byte> disk(ring.size() + types.size() * record::kMaxDiskGrowth);
  const std::byte* end = record::args_to_disk(types, ring.data(), disk.data());
  const auto disk_size = static_cast<std::size_t>(end - disk.data());
  CHECK(disk_size <= disk.size());
  lynx::format::Cursor in(disk.data(), disk_size);
  std::vector<Value> from_disk(types.size());
  REQUIRE(record::args_from_disk(types, in, from_disk.data()));
  CHECK(in.remaining() == 0);
  CHECK(from_disk == expected);
}

}  // namespace

TEST_CASE("integers of every width decode to their kind, limits included") {
  check_round_trip({Value::int64(-128), Value::int64(-32768), Value::int64(-2147483648LL),
                    Value::int64(std::numeric_limits<std::int64_t>::min())},
                   std::int8_t{-128}, std::int16_t{-32768}, std::int32_t{-2147483647 - 1},
                   std::numeric_limits<std::int64_t>::min());
  check_round_trip({Value::uint64(255), Value::uint64(65535), Value::uint64(4294967295u),
                    Value::uint64(std::numeric_limits<std::uint64_t>::max())},
                   std::uint8_t{255}, std::uint16_t{65535}, std::uint32_t{4294967295u},
                   std::numeric_limits<std::uint64_t>::max());
  enum class Color : std::uint8_t { red = 250 };
  check_round_trip({Value::uint64(250), Value::int64(-7)}, Color::red, -7L);
}

TEST_CASE("bool, char, floats, strings and pointers") {
  const char* null_string = nullptr;
  std::string owned = "owned";
  int x = 0;
  check_round_trip(
      {Value::boolean(true), Value::boolean(false), Value::character('A'), Value::float32(0.25f),
       Value::float64(-0.5), Value::float64(2.5), Value::string("lit"), Value::string(""),
       Value::string("owned"), Value::string("view"),
       Value::pointer(reinterpret_cast<std::uintptr_t>(&x)), Value::pointer(0)},
      true, false, 'A', 0.25f, -0.5, 2.5L, "lit", null_string, owned, std::string_view("view"), &x,
      nullptr);
  // NaN compares unequal to itself: check it apart.
  const std::vector<ArgType> types = types_of<double>();
  const auto ring = ring_of(std::nan(""));
  Value v;
  REQUIRE(record::args_from_ring(types, ring.data(), ring.size(), &v));
  CHECK(v.kind == Kind::float64);
  CHECK(std::isnan(v.f));
}

TEST_CASE("strings keep their bytes, including NUL and invalid UTF-8") {
  const std::string bytes("a\0b\xff\n", 5);
  check_round_trip({Value::string(bytes)}, bytes);
}

TEST_CASE("malformed file bytes are refused") {
  const std::vector<ArgType> types = {ArgType::i64, ArgType::string};
  // A varint that never ends.
  std::vector<std::byte> endless(12, std::byte{0xFF});
  lynx::format::Cursor c1(endless.data(), endless.size());
  Value out[2];
  CHECK_FALSE(record::args_from_disk(types, c1, out));
  // A string length past the end of the block.
  const std::byte longer[] = {std::byte{2}, std::byte{100}, std::byte{'a'}};
  lynx::format::Cursor c2(longer, sizeof longer);
  CHECK_FALSE(record::args_from_disk(types, c2, out));
  // A float cut short.
  const std::byte half[] = {std::byte{0}, std::byte{0}};
  lynx::format::Cursor c3(half, sizeof half);
  const std::vector<ArgType> f = {ArgType::f64};
  CHECK_FALSE(record::args_from_disk(f, c3, out));
  // A type this build does not know.
  CHECK_FALSE(record::known_arg_type(0));
  CHECK_FALSE(record::known_arg_type(static_cast<std::uint8_t>(detail::kLastArgType) + 1));
  CHECK(record::known_arg_type(static_cast<std::uint8_t>(ArgType::string)));
  const std::byte one[] = {std::byte{1}};
  lynx::format::Cursor c4(one, sizeof one);
  const std::vector<ArgType> unknown = {static_cast<ArgType>(200)};
  CHECK_FALSE(record::args_from_disk(unknown, c4, out));
}

TEST_CASE("ring bytes shorter than the arguments are refused") {
  const std::vector<ArgType> types = types_of<std::string, std::int64_t>();
  const auto ring = ring_of(std::string("hello"), std::int64_t{5});
  Value out[2];
  CHECK(record::args_from_ring(types, ring.data(), ring.size(), out));
  for (std::size_t n = 0; n < ring.size(); ++n) {
    CAPTURE(n);
    CHECK_FALSE(record::args_from_ring(types, ring.data(), n, out));
  }
}
