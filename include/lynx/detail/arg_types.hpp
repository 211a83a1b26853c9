// How each supported argument type is tagged and copied into a thread's ring.
// HOT PATH: everything here runs inside every log call. It must stay noexcept, allocation-free
// and branch-light. ArgType values are stored in log files: never renumber, only append.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace lynx::detail {

enum class ArgType : std::uint8_t {
  i8 = 1, i16 = 2, i32 = 3, i64 = 4,
  u8 = 5, u16 = 6, u32 = 7, u64 = 8,
  boolean = 9, character = 10,
  f32 = 11, f64 = 12,
  string = 13,
  pointer = 14,
};

template <class T>
inline constexpr bool kUnsupportedArg = false;

template <class T>
constexpr ArgType integer_arg_type() {
  if constexpr (std::is_signed_v<T>) {
    if constexpr (sizeof(T) == 1) return ArgType::i8;
    else if constexpr (sizeof(T) == 2) return ArgType::i16;
    else if constexpr (sizeof(T) == 4) return ArgType::i32;
    else return ArgType::i64;
  } else {
    if constexpr (sizeof(T) == 1) return ArgType::u8;
    else if constexpr (sizeof(T) == 2) return ArgType::u16;
    else if constexpr (sizeof(T) == 4) return ArgType::u32;
    else return ArgType::u64;
  }
}

// T is already decayed and cv-stripped.
template <class T>
constexpr ArgType arg_type_of() {
  if constexpr (std::is_same_v<T, bool>) return ArgType::boolean;
  else if constexpr (std::is_same_v<T, char>) return ArgType::character;
  else if constexpr (std::is_enum_v<T>) return integer_arg_type<std::underlying_type_t<T>>();
  else if constexpr (std::is_integral_v<T>) {
    static_assert(sizeof(T) <= 8, "lynx: 128-bit integers are not supported as log arguments");
    return integer_arg_type<T>();
  } else if constexpr (std::is_same_v<T, float>) return ArgType::f32;
  else if constexpr (std::is_same_v<T, double> || std::is_same_v<T, long double>) return ArgType::f64;
  else if constexpr (std::is_same_v<T, const char*> || std::is_same_v<T, char*> ||
                     std::is_same_v<T, std::string> || std::is_same_v<T, std::string_view>)
    return ArgType::string;
  else if constexpr (std::is_pointer_v<T> || std::is_null_pointer_v<T>) return ArgType::pointer;
  else {
    static_assert(kUnsupportedArg<T>,
                  "lynx: unsupported log argument type; supported are integers, bool, char, float, "
                  "double, enums, const char*, std::string, std::string_view and pointers");
    return ArgType::i64;
  }
}

template <class T>
using arg_t = std::remove_cvref_t<std::decay_t<T>>;

// Bytes a fixed-size argument occupies in the ring (strings: see below).
constexpr std::size_t fixed_size(ArgType t) noexcept {
  switch (t) {
    case ArgType::i8: case ArgType::u8: case ArgType::boolean: case ArgType::character: return 1;
    case ArgType::i16: case ArgType::u16: return 2;
    case ArgType::i32: case ArgType::u32: case ArgType::f32: return 4;
    case ArgType::i64: case ArgType::u64: case ArgType::f64: case ArgType::pointer: return 8;
    case ArgType::string: return 4;  // u32 length prefix; the bytes follow
  }
  return 0;
}

// The compile-time list of a call site's argument types. Only used in unevaluated contexts.
template <class... Ts>
struct ArgList {
  static constexpr std::size_t size = sizeof...(Ts);
  static constexpr std::array<ArgType, sizeof...(Ts)> types = {arg_type_of<Ts>()...};
};
template <class... Args>
ArgList<arg_t<Args>...> arg_list(const Args&...);  // declared only: decltype(arg_list(args...))

// ---- ring encoding: fixed-size values are memcpy'd; strings are u32 length + bytes ----

template <class T>
inline std::size_t string_size(const T& v) noexcept {
  using U = arg_t<T>;
  if constexpr (std::is_array_v<T>) {
    return std::strlen(v);  // a string literal or char buffer: never null
  } else if constexpr (std::is_same_v<U, const char*> || std::is_same_v<U, char*>) {
    return v == nullptr ? 0 : std::strlen(v);  // a null C string logs as ""

  } else if constexpr (std::is_same_v<U, std::string> || std::is_same_v<U, std::string_view>) {
    return v.size();
  } else {
    return 0;
  }
}

// Ring bytes for one argument whose string length (if a string) is `len`.
template <class T>
constexpr std::size_t ring_size(std::size_t len) noexcept {
  constexpr ArgType t = arg_type_of<arg_t<T>>();
  return fixed_size(t) + (t == ArgType::string ? len : 0);
}

template <class T>
inline std::byte* encode_arg(std::byte* dst, const T& v, std::size_t len) noexcept {
  using U = arg_t<T>;
  constexpr ArgType t = arg_type_of<U>();
  if constexpr (t == ArgType::string) {
    const auto n = static_cast<std::uint32_t>(len);
    std::memcpy(dst, &n, 4);
    const char* s;
    if constexpr (std::is_same_v<U, const char*> || std::is_same_v<U, char*>) s = v;
    else s = v.data();
    if (n != 0) std::memcpy(dst + 4, s, n);
    return dst + 4 + n;
  } else if constexpr (t == ArgType::pointer) {
    std::uintptr_t p = 0;
    if constexpr (!std::is_null_pointer_v<U>) p = reinterpret_cast<std::uintptr_t>(v);
    std::memcpy(dst, &p, 8);
    return dst + 8;
  } else if constexpr (std::is_same_v<U, long double>) {
    const double d = static_cast<double>(v);
    std::memcpy(dst, &d, 8);
    return dst + 8;
  } else {
    static_assert(sizeof(U) == fixed_size(t));
    std::memcpy(dst, &v, sizeof(U));
    return dst + sizeof(U);
  }
}

}  // namespace lynx::detail
