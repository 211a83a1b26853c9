/// \file
/// Logging your own types, and which standard types lynx logs (docs/api.md has examples).
///
/// Built in, besides numbers, bool, char, strings and pointers: `std::optional` (null when
/// empty), `std::vector`, `std::array` and `std::span` of supported types (arrays), `std::pair`
/// and `std::tuple` (arrays), `std::chrono::duration` (a count with its unit: `250ms`),
/// `std::chrono::system_clock::time_point` (RFC 3339), `std::error_code` (value, category and,
/// for the generic and system categories, the message), `std::filesystem::path` and `char8_t`
/// strings (strings), `std::byte` (a number) and enums (their number, or their name through
/// lynx::EnumNames).
/// (lynx does not include `<filesystem>` or `<system_error>`: code that has a path or an
/// error_code has included them.) A string longer than Options::max_string_bytes is cut, ending in
/// "…[cut N bytes]"; a container logs at most 65,536 elements.
///
/// A type of your own is logged through lynx::Fields: name its members once, and every log call
/// copies them (no allocation) into the ring; the file describes the type, so `lynx cat` shows
/// it as a nested object with no code of yours:
///
///     struct Order { std::uint64_t id; double price; std::string user; };
///     template <> struct lynx::Fields<Order> {
///       static constexpr auto fields = lynx::fields(lynx::field("id", &Order::id),
///                                                   lynx::field("price", &Order::price),
///                                                   lynx::field("user", &Order::user));
///     };
///     LYNX_INFO(log, "placed {order}", order);  // "fields":{"order":{"id":7,"price":2.5,...}}
#pragma once

#include <cstddef>
#include <string_view>
#include <tuple>
#include <utility>

namespace lynx {

/// One named member of a type logged through lynx::Fields: made by lynx::field().
template <class Class, class Member>
struct Field {
  const char* name;       ///< the member's name in JSON: an identifier-like, non-empty string
  Member Class::*member;  ///< the data member it reads
};

/// A named data member for lynx::Fields: `lynx::field("price", &Order::price)`. The member may
/// be of any type lynx logs, including another type with lynx::Fields.
template <class Class, class Member>
constexpr Field<Class, Member> field(const char* name, Member Class::*member) {
  return {name, member};
}

/// The list of a type's fields for lynx::Fields: `lynx::fields(lynx::field(...), ...)` (at least
/// one).
template <class... Fs>
constexpr std::tuple<Fs...> fields(Fs... f) {
  static_assert(sizeof...(Fs) >= 1, "lynx: a type logged through lynx::Fields needs a field");
  return {f...};
}

/// Customisation point: specialise it with `static constexpr auto fields = lynx::fields(...);`
/// to log values of T as an object of those members (see the file comment). Each log call copies
/// the members; the type's shape (names and member types) is stored once per call site in the
/// file.
template <class T>
struct Fields;

/// Customisation point: specialise it to log an enum by name instead of by number:
///
///     template <> struct lynx::EnumNames<Color> {
///       static constexpr std::pair<Color, std::string_view> names[] = {
///           {Color::red, "red"}, {Color::green, "green"}};
///     };
///
/// The names are stored once per call site in the file; each log call copies only the number. A
/// value without a name shows as its number.
template <class E>
struct EnumNames;

}  // namespace lynx
