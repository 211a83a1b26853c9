// Structured arguments on the reader's side (record/type_desc.hpp, record/structured.hpp): what a
// producer encodes decodes to the same values through the descriptor its call site carries, and
// descriptors and data from a damaged or crafted file are refused, never read past.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "lynx/detail/arg_types.hpp"
#include "record/structured.hpp"

namespace {

using lynx::detail::ArgType;
using lynx::record::Kind;
using lynx::record::Value;
namespace record = lynx::record;
namespace detail = lynx::detail;

struct Item {
  std::uint16_t n;
  std::string name;
};

}  // namespace

template <>
struct lynx::Fields<Item> {
  static constexpr auto fields =
      lynx::fields(lynx::field("n", &Item::n), lynx::field("name", &Item::name));
};

namespace {

// The data bytes of one structured value (what follows the u32 size in the ring).
template <class T>
std::string data_of(const T& v) {
  std::string out(detail::Enc<T>::size(v), '\0');
  const std::byte* end = detail::Enc<T>::put(reinterpret_cast<std::byte*>(out.data()), v);
  REQUIRE(end == reinterpret_cast<const std::byte*>(out.data() + out.size()));
  return out;
}

template <class T>
bool parse_one(record::SiteTypes& types) {
  const ArgType t[] = {ArgType::structured};
  return types.parse(t, detail::ArgList<T>::type_desc());
}

bool parse_raw(record::SiteTypes& types, std::string_view desc) {
  const ArgType t[] = {ArgType::structured};
  return types.parse(t, desc);
}

}  // namespace

TEST_CASE("a nested value decodes from the producer's bytes through its descriptor") {
  using T = std::vector<std::tuple<std::optional<Item>, std::int64_t>>;
  const T v = {{Item{7, "seven"}, -1}, {std::nullopt, 2}};
  record::SiteTypes types;
  REQUIRE(parse_one<T>(types));
  const std::string bytes = data_of(v);
  Value value = Value::string(bytes);
  REQUIRE(record::structured_value(*types.root(0), &value));
  REQUIRE(value.kind == Kind::array);
  CHECK(value.count == 2);
  record::Elements rows(value);
  REQUIRE(rows.next());
  CHECK(record::is_tuple(rows.value()));
  record::Elements first(rows.value());
  REQUIRE(first.next());
  REQUIRE(first.value().kind == Kind::object);
  record::Elements item(first.value());
  REQUIRE(item.next());
  CHECK(item.name() == "n");
  CHECK(item.value() == Value::uint64(7));
  REQUIRE(item.next());
  CHECK(item.name() == "name");
  CHECK(item.value().s == "seven");
  CHECK_FALSE(item.next());
  REQUIRE(first.next());
  CHECK(first.value() == Value::int64(-1));
  REQUIRE(rows.next());
  record::Elements second(rows.value());
  REQUIRE(second.next());
  CHECK(second.value().kind == Kind::null);
  CHECK_FALSE(rows.next());
}

TEST_CASE("data that does not match its type exactly is refused") {
  using T = std::vector<std::optional<std::uint32_t>>;
  record::SiteTypes types;
  REQUIRE(parse_one<T>(types));
  const std::string good = data_of(T{1u, std::nullopt, 3u});
  Value ok = Value::string(good);
  CHECK(record::structured_value(*types.root(0), &ok));
  for (std::size_t n = 0; n < good.size(); ++n) {  // every cut short
    Value v = Value::string(std::string_view(good).substr(0, n));
    CHECK_FALSE(record::structured_value(*types.root(0), &v));
  }
  std::string longer = good + "x";
  Value v1 = Value::string(longer);
  CHECK_FALSE(record::structured_value(*types.root(0), &v1));
  std::string flag = good;
  flag[8] = 2;  // the first optional's flag
  Value v2 = Value::string(flag);
  CHECK_FALSE(record::structured_value(*types.root(0), &v2));
  std::string more = good;
  more[0] = 4;  // stored (4) > logged (3)
  Value v3 = Value::string(more);
  CHECK_FALSE(record::structured_value(*types.root(0), &v3));
  std::string huge = good;
  huge[3] = huge[7] = '\x7f';  // 2^30 elements claimed in a few bytes
  Value v4 = Value::string(huge);
  CHECK_FALSE(record::structured_value(*types.root(0), &v4));
}

TEST_CASE("malformed descriptors are refused") {
  record::SiteTypes types;
  CHECK(parse_raw(types, "\x21\x03"));            // sequence of i32
  CHECK_FALSE(parse_raw(types, ""));              // missing
  CHECK_FALSE(parse_raw(types, "\x21"));          // cut short
  CHECK_FALSE(parse_raw(types, "\x21\x03\x03"));  // bytes left over
  CHECK_FALSE(parse_raw(types, "\x0f"));          // structured is no leaf
  CHECK_FALSE(parse_raw(types, std::string("\x00", 1)));
  CHECK_FALSE(parse_raw(types, "\x28"));                              // unknown tag
  CHECK_FALSE(parse_raw(types, std::string("\x22\x00", 2)));          // empty tuple
  CHECK_FALSE(parse_raw(types, "\x23\x01\x05\x41"));                  // a name runs past the end
  CHECK_FALSE(parse_raw(types, std::string("\x24\x00\x01\x04", 4)));  // a zero period
  CHECK_FALSE(parse_raw(types, "\x24\x01\x01\x0d"));                  // a string count
  CHECK_FALSE(parse_raw(types, "\x27\x0b\x00"));                      // an enum of floats
  CHECK_FALSE(parse_raw(types, std::string(40, '\x20') + "\x03"));    // too deep
  CHECK(parse_raw(types, std::string(31, '\x20') + "\x03"));
  const ArgType two[] = {ArgType::i32, ArgType::structured};
  CHECK(types.parse(two, "\x25"));
  CHECK(types.root(0) == nullptr);
  CHECK(types.root(1) != nullptr);
}

TEST_CASE("named enums, durations and the unit of an unusual period") {
  using D = std::chrono::duration<std::int16_t, std::ratio<3, 7>>;
  record::SiteTypes types;
  REQUIRE(parse_one<D>(types));
  CHECK(types.root(0)->unit() == "[3/7]s");
  const std::string bytes = data_of(D(-5));
  Value v = Value::string(bytes);
  REQUIRE(record::structured_value(*types.root(0), &v));
  CHECK(v.kind == Kind::duration);
  CHECK(v.i == -5);
}
