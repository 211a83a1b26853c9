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
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

#include "lynx/types.hpp"

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
  // Format 2.1: a value of a composite type (optional, container, tuple, duration, time point,
  // error_code, named enum, a type with lynx::Fields), laid out like a string (u32 size, bytes;
  // detail/structured.hpp); its type descriptor is in the call site (docs/format.md).
  structured = 15,
};
// The highest ArgType this build knows; readers refuse higher values in a call site.
inline constexpr ArgType kLastArgType = ArgType::structured;

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
                "lynx: unsupported log argument type; supported are numbers, bool, char, enums, "
                "strings, pointers, the standard types of lynx/types.hpp and types with "
                "lynx::Fields");
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

// Enums log as their underlying integer, unless lynx::EnumNames names them (structured.hpp).
template <class T>
concept HasEnumNames = std::is_enum_v<T> && requires {
  EnumNames<T>::names;
};
template <class T>
struct ArgCodec<T, std::enable_if_t<std::is_enum_v<T> && !HasEnumNames<T>>> {
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

// Strings longer than this many bytes are cut by the producer (Options::max_string_bytes, set
// when an engine starts; a quarter of the default ring before). Read relaxed: a load and a branch.
inline std::atomic<std::uint32_t> max_string_bytes{256u << 10};

// A cut string keeps its first bytes (whole UTF-8 sequences) followed by the marker
// "…[cut N bytes]", N the original length (saturated at 2^31 - 1). What measure() returns for
// it: kCutString | original << 32 | bytes stored (kept + marker).
inline constexpr std::size_t kCutString = std::size_t{1} << 63;
inline constexpr std::size_t kMaxCutOriginal = 0x7FFF'FFFF;
constexpr std::size_t decimal_digits(std::size_t v) noexcept {
  std::size_t d = 1;
  for (; v >= 10; v /= 10) ++d;
  return d;
}
constexpr std::size_t cut_marker_size(std::size_t original) noexcept {
  return 15 + decimal_digits(original);  // "\u2026[cut " (8 bytes), digits, " bytes]" (7)
}
// Cold: what measure() says for a string of `len` bytes above `limit`.
[[gnu::cold]] inline std::size_t measure_cut(const char* s, std::size_t len,
                                             std::size_t limit) noexcept {
  std::size_t kept = limit;
  while (kept > 0 && (static_cast<unsigned char>(s[kept]) & 0xC0) == 0x80) --kept;
  const std::size_t original = len < kMaxCutOriginal ? len : kMaxCutOriginal;
  return kCutString | original << 32 | (kept + cut_marker_size(original));
}
// Cold: writes a cut string's bytes (see measure_cut) after its length; returns the end.
[[gnu::cold]] inline std::byte* encode_cut(std::byte* dst, const char* s,
                                           std::size_t measured) noexcept {
  const std::size_t stored = measured & 0xFFFF'FFFF, original = (measured >> 32) & kMaxCutOriginal;
  const std::size_t kept = stored - cut_marker_size(original);
  std::memcpy(dst, s, kept);
  char* p = reinterpret_cast<char*>(dst + kept);
  std::memcpy(p, "\xE2\x80\xA6[cut ", 8);
  p += 8;
  const std::size_t digits = decimal_digits(original);
  std::size_t v = original;
  for (std::size_t i = digits; i-- > 0; v /= 10) p[i] = static_cast<char>('0' + v % 10);
  std::memcpy(p + digits, " bytes]", 7);
  return dst + stored;
}

// Strings are copied: u32 length, then the bytes (cut above max_string_bytes). A null C string
// logs as "". char8_t strings log as their bytes.
template <class T>
struct StringArgCodec {
  static constexpr ArgType type = ArgType::string;
  static const char* data(const T& v) noexcept {
    if constexpr (std::is_pointer_v<T>)
      return reinterpret_cast<const char*>(v);
    else
      return reinterpret_cast<const char*>(v.data());
  }
  static std::size_t measure(const T& v) noexcept {
    std::size_t len;
    if constexpr (std::is_pointer_v<T>)
      len = v == nullptr ? 0 : std::strlen(data(v));
    else
      len = v.size();
    const std::size_t limit = max_string_bytes.load(std::memory_order_relaxed);
    if (len <= limit) [[likely]]
      return len;
    return measure_cut(data(v), len, limit);
  }
  static constexpr std::size_t ring_size(std::size_t measured) noexcept {
    return 4 + (measured & 0xFFFF'FFFF);
  }
  static std::byte* encode(std::byte* dst, const T& v, std::size_t measured) noexcept {
    const auto n = static_cast<std::uint32_t>(measured);
    std::memcpy(dst, &n, 4);
    if (measured & kCutString) [[unlikely]]
      return encode_cut(dst + 4, data(v), measured);
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
template <>
struct ArgCodec<const char8_t*> : StringArgCodec<const char8_t*> {};
template <>
struct ArgCodec<char8_t*> : StringArgCodec<char8_t*> {};
template <>
struct ArgCodec<std::u8string> : StringArgCodec<std::u8string> {};
template <>
struct ArgCodec<std::u8string_view> : StringArgCodec<std::u8string_view> {};
// std::byte logs as a number (u8).
template <>
struct ArgCodec<std::byte> : TrivialArgCodec<std::byte, ArgType::u8> {};

// Other pointers log as their address (8 bytes).
template <class T>
inline constexpr bool kStringPointer =
    std::is_same_v<T, const char*> || std::is_same_v<T, char*> ||
    std::is_same_v<T, const char8_t*> || std::is_same_v<T, char8_t*>;
template <class T>
struct ArgCodec<T, std::enable_if_t<(std::is_pointer_v<T> && !kStringPointer<T>) ||
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
struct SiteDesc;  // structured.hpp
template <class... Ts>
struct ArgList {
  static constexpr std::size_t size = sizeof...(Ts);
  static constexpr std::array<ArgType, sizeof...(Ts)> types = {arg_type_of<Ts>()...};
  // The type descriptors of the structured arguments, in order (empty without any).
  static constexpr std::string_view type_desc() {
    return {SiteDesc<Ts...>::bytes.data(), SiteDesc<Ts...>::bytes.size() - 1};
  }
};
template <class... Args>
ArgList<arg_t<Args>...> arg_list(const Args&...);  // declared only: decltype(arg_list(args...))

// ---- what producer.hpp calls, per argument ----

template <class T>
inline std::size_t measure_arg(const T& v) noexcept {
  return ArgCodec<arg_t<T>>::measure(v);  // arrays: a string literal or char buffer
}

template <class T>
constexpr std::size_t ring_size(std::size_t measured) noexcept {
  return ArgCodec<arg_t<T>>::ring_size(measured);
}

template <class T>
inline std::byte* encode_arg(std::byte* dst, const T& v, std::size_t measured) noexcept {
  return ArgCodec<arg_t<T>>::encode(dst, v, measured);  // arrays: a string literal or buffer
}

}  // namespace lynx::detail

#include "lynx/detail/structured.hpp"  // IWYU pragma: export
