// How each supported argument type is tagged and copied into a thread's ring: one producer codec
// (`ArgCodec<T>`) per C++ type family. The backend and the reader read those bytes back through
// the record codec of the same ArgType (record/codecs.hpp), which static_asserts that both agree
// on the ring layout.
//
// HOT PATH: everything here runs inside every log call. It must stay noexcept, allocation-free
// and branch-light. ArgType values are stored in log files: never renumber, only append.
//
// Adding a type: an ArgCodec specialisation here (or a mapping onto an existing one), and, for a
// new ArgType, one record codec in record/codecs.hpp. Nothing else switches on ArgType.
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
  i8 = 1,
  i16 = 2,
  i32 = 3,
  i64 = 4,
  u8 = 5,
  u16 = 6,
  u32 = 7,
  u64 = 8,
  boolean = 9,
  character = 10,
  f32 = 11,
  f64 = 12,
  string = 13,
  pointer = 14,
};
// The highest ArgType this build knows; readers refuse higher values in a call site.
inline constexpr ArgType kLastArgType = ArgType::pointer;

template <class T>
inline constexpr bool kUnsupportedArg = false;

// Every producer codec has:
//   static constexpr ArgType type;                     the tag stored in the call site
//   static std::size_t measure(const T& v) noexcept;   what encode() needs to know (a string's
//                                                      length), measured once per call
//   static constexpr std::size_t ring_size(std::size_t measured) noexcept;
//   static std::byte* encode(std::byte* dst, const T& v, std::size_t measured) noexcept;
// Ring layouts: fixed-size values are their native bytes; strings are a u32 length then bytes.
template <class T, class Enable = void>
struct ArgCodec {
  static_assert(kUnsupportedArg<T>,
                "lynx: unsupported log argument type; supported are integers, bool, char, float, "
                "double, enums, const char*, std::string, std::string_view and pointers");
  static constexpr ArgType type = ArgType::i64;
  static std::size_t measure(const T&) noexcept { return 0; }
  static constexpr std::size_t ring_size(std::size_t) noexcept { return 0; }
  static std::byte* encode(std::byte* dst, const T&, std::size_t) noexcept { return dst; }
};

// A value copied as its own bytes: integers, bool, char, float, double.
template <class T, ArgType Tag>
struct TrivialArgCodec {
  static constexpr ArgType type = Tag;
  static std::size_t measure(const T&) noexcept { return 0; }
  static constexpr std::size_t ring_size(std::size_t) noexcept { return sizeof(T); }
  static std::byte* encode(std::byte* dst, const T& v, std::size_t) noexcept {
    std::memcpy(dst, &v, sizeof(T));
    return dst + sizeof(T);
  }
};

template <class T>
constexpr ArgType integer_arg_type() {
  static_assert(sizeof(T) <= 8, "lynx: 128-bit integers are not supported as log arguments");
  if constexpr (std::is_signed_v<T>) {
    if constexpr (sizeof(T) == 1)
      return ArgType::i8;
    else if constexpr (sizeof(T) == 2)
      return ArgType::i16;
    else if constexpr (sizeof(T) == 4)
      return ArgType::i32;
    else
      return ArgType::i64;
  } else {
    if constexpr (sizeof(T) == 1)
      return ArgType::u8;
    else if constexpr (sizeof(T) == 2)
      return ArgType::u16;
    else if constexpr (sizeof(T) == 4)
      return ArgType::u32;
    else
      return ArgType::u64;
  }
}

template <class T>
inline constexpr bool kPlainInteger =
    std::is_integral_v<T> && !std::is_same_v<T, bool> && !std::is_same_v<T, char>;

template <class T>
struct ArgCodec<T, std::enable_if_t<kPlainInteger<T>>> : TrivialArgCodec<T, integer_arg_type<T>()> {
};
template <>
struct ArgCodec<bool> : TrivialArgCodec<bool, ArgType::boolean> {};
template <>
struct ArgCodec<char> : TrivialArgCodec<char, ArgType::character> {};
template <>
struct ArgCodec<float> : TrivialArgCodec<float, ArgType::f32> {};
template <>
struct ArgCodec<double> : TrivialArgCodec<double, ArgType::f64> {};

// Enums log as their underlying integer.
template <class T>
struct ArgCodec<T, std::enable_if_t<std::is_enum_v<T>>> {
  using U = std::underlying_type_t<T>;
  static constexpr ArgType type = ArgCodec<U>::type;
  static std::size_t measure(const T&) noexcept { return 0; }
  static constexpr std::size_t ring_size(std::size_t) noexcept { return sizeof(U); }
  static std::byte* encode(std::byte* dst, const T& v, std::size_t) noexcept {
    const U u = static_cast<U>(v);
    std::memcpy(dst, &u, sizeof u);
    return dst + sizeof u;
  }
};

// long double is narrowed to double (the file stores IEEE 754 binary64).
template <>
struct ArgCodec<long double> {
  static constexpr ArgType type = ArgType::f64;
  static std::size_t measure(const long double&) noexcept { return 0; }
  static constexpr std::size_t ring_size(std::size_t) noexcept { return 8; }
  static std::byte* encode(std::byte* dst, const long double& v, std::size_t) noexcept {
    const double d = static_cast<double>(v);
    std::memcpy(dst, &d, 8);
    return dst + 8;
  }
};

// Strings are copied: u32 length, then the bytes. A null C string logs as "".
template <class T>
struct StringArgCodec {
  static constexpr ArgType type = ArgType::string;
  static const char* data(const T& v) noexcept {
    if constexpr (std::is_pointer_v<T>)
      return v;
    else
      return v.data();
  }
  static std::size_t measure(const T& v) noexcept {
    if constexpr (std::is_pointer_v<T>)
      return v == nullptr ? 0 : std::strlen(v);
    else
      return v.size();
  }
  static constexpr std::size_t ring_size(std::size_t len) noexcept { return 4 + len; }
  static std::byte* encode(std::byte* dst, const T& v, std::size_t len) noexcept {
    const auto n = static_cast<std::uint32_t>(len);
    std::memcpy(dst, &n, 4);
    if (n != 0) std::memcpy(dst + 4, data(v), n);
    return dst + 4 + n;
  }
};
template <>
struct ArgCodec<const char*> : StringArgCodec<const char*> {};
template <>
struct ArgCodec<char*> : StringArgCodec<char*> {};
template <>
struct ArgCodec<std::string> : StringArgCodec<std::string> {};
template <>
struct ArgCodec<std::string_view> : StringArgCodec<std::string_view> {};

// Other pointers log as their address (8 bytes).
template <class T>
struct ArgCodec<T, std::enable_if_t<(std::is_pointer_v<T> && !std::is_same_v<T, const char*> &&
                                     !std::is_same_v<T, char*>) ||
                                    std::is_null_pointer_v<T>>> {
  static constexpr ArgType type = ArgType::pointer;
  static std::size_t measure(const T&) noexcept { return 0; }
  static constexpr std::size_t ring_size(std::size_t) noexcept { return 8; }
  static std::byte* encode(std::byte* dst, const T& v, std::size_t) noexcept {
    std::uint64_t p = 0;
    if constexpr (!std::is_null_pointer_v<T>) p = reinterpret_cast<std::uintptr_t>(v);
    std::memcpy(dst, &p, 8);
    return dst + 8;
  }
};

// The type a log argument is handled as: without cv or reference; an array becomes a pointer to
// const (a string literal or a char buffer: const char*).
template <class T>
using arg_t = std::conditional_t<std::is_array_v<std::remove_cvref_t<T>>,
                                 const std::remove_all_extents_t<std::remove_cvref_t<T>>*,
                                 std::remove_cvref_t<std::decay_t<T>>>;

template <class T>
constexpr ArgType arg_type_of() {
  return ArgCodec<T>::type;
}

// The compile-time list of a call site's argument types. Only used in unevaluated contexts.
template <class... Ts>
struct ArgList {
  static constexpr std::size_t size = sizeof...(Ts);
  static constexpr std::array<ArgType, sizeof...(Ts)> types = {arg_type_of<Ts>()...};
};
template <class... Args>
ArgList<arg_t<Args>...> arg_list(const Args&...);  // declared only: decltype(arg_list(args...))

// ---- what producer.hpp calls, per argument ----

template <class T>
inline std::size_t measure_arg(const T& v) noexcept {
  if constexpr (std::is_array_v<T>) {
    return std::strlen(v);  // a string literal or char buffer: never null
  } else {
    return ArgCodec<arg_t<T>>::measure(v);
  }
}

template <class T>
constexpr std::size_t ring_size(std::size_t measured) noexcept {
  return ArgCodec<arg_t<T>>::ring_size(measured);
}

template <class T>
inline std::byte* encode_arg(std::byte* dst, const T& v, std::size_t measured) noexcept {
  if constexpr (std::is_array_v<T>) {
    return ArgCodec<const char*>::encode(dst, v, measured);  // a string literal or char buffer
  } else {
    return ArgCodec<arg_t<T>>::encode(dst, v, measured);
  }
}

}  // namespace lynx::detail
