// Composite log arguments (ArgType::structured): optional, vector/array/span, pair/tuple,
// chrono durations and system_clock time points, error_code, enums with lynx::EnumNames, and
// types with lynx::Fields. Two halves, both generated from the C++ type:
//   - Desc<T>: the type descriptor, built at compile time and stored once per call site in the
//     file (docs/format.md, "Type descriptors"), so a reader decodes the values without the
//     program's code;
//   - Enc<T>: the value's bytes, copied into the ring on the hot path (u32 size, then the data
//     as docs/format.md describes; the backend copies them to the file unchanged).
// HOT PATH: Enc<T>::size and Enc<T>::put run inside the log call: no allocation, lock or syscall.
// Descriptor tags are stored in files: never renumber, only append.
#pragma once

#include <array>
#include <chrono>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <ratio>
#include <span>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>

#include "lynx/types.hpp"

namespace lynx::detail {

// Descriptor node tags; a leaf is the ArgType of a plain argument (1 to 14).
enum class TypeTag : std::uint8_t {
  optional = 32,    // child
  sequence = 33,    // child
  tuple = 34,       // varint n, n children
  object = 35,      // varint n, n x (str name, child)
  duration = 36,    // varint num, varint den (the period in seconds), child (the count's leaf)
  time_point = 37,  // system_clock: i64 ns since the Unix epoch
  error_code = 38,  // i32 value, category name as a string
  named_enum = 39,  // integer leaf, varint n, n x (zigzag value, str name)
};

// Containers log at most this many elements; the rest is cut (the original count is kept).
inline constexpr std::size_t kMaxElements = 1u << 16;

template <class T>
struct Enc;  // the value side; specialised below and for leaves

template <class T>
struct IsStructured : std::false_type {};
template <class T>
inline constexpr bool kStructured = IsStructured<T>::value;

// ---- which types are composite ----

template <class T>
concept HasFields = requires {
  Fields<T>::fields;
};

template <class T>
struct IsStructured<std::optional<T>> : std::true_type {};
template <class T, class A>
struct IsStructured<std::vector<T, A>> : std::true_type {};
template <class T, std::size_t N>
struct IsStructured<std::array<T, N>> : std::true_type {};
template <class T, std::size_t N>
struct IsStructured<std::span<T, N>> : std::true_type {};
template <class A, class B>
struct IsStructured<std::pair<A, B>> : std::true_type {};
template <class... Ts>
struct IsStructured<std::tuple<Ts...>> : std::bool_constant<(sizeof...(Ts) > 0)> {};
template <class R, class P>
struct IsStructured<std::chrono::duration<R, P>> : std::true_type {};
template <class D>
struct IsStructured<std::chrono::time_point<std::chrono::system_clock, D>> : std::true_type {};
// std::error_code (and error_condition), recognised by shape so that <system_error> is not needed.
template <class T>
concept ErrorCodeLike = requires(const T& e) {
  { e.value() } -> std::same_as<int>;
  { e.category().name() } -> std::convertible_to<const char*>;
  e.category().message(0);
};
template <ErrorCodeLike T>
struct IsStructured<T> : std::true_type {};
template <HasFields T>
struct IsStructured<T> : std::true_type {};
template <HasEnumNames T>
struct IsStructured<T> : std::true_type {};

// ---- compile-time descriptor bytes ----

// Builds descriptors into a fixed array; used twice per type: once to count, once to write.
struct DescOut {
  char* out = nullptr;  // nullptr: only count
  std::size_t n = 0;
  constexpr void byte(std::uint8_t b) {
    if (out != nullptr) out[n] = static_cast<char>(b);
    ++n;
  }
  constexpr void varint(std::uint64_t v) {
    while (v >= 0x80) {
      byte(static_cast<std::uint8_t>(v | 0x80));
      v >>= 7;
    }
    byte(static_cast<std::uint8_t>(v));
  }
  constexpr void str(const char* s) {
    std::size_t len = 0;
    while (s[len] != '\0') ++len;
    varint(len);
    for (std::size_t i = 0; i < len; ++i) byte(static_cast<std::uint8_t>(s[i]));
  }
  constexpr void str(std::string_view s) {
    varint(s.size());
    for (const char c : s) byte(static_cast<std::uint8_t>(c));
  }
};

template <class T>
constexpr void describe(DescOut& d);

template <class T>
struct Describe {  // a leaf: its ArgType
  static constexpr void put(DescOut& d) { d.byte(static_cast<std::uint8_t>(ArgCodec<T>::type)); }
};

template <class T>
constexpr void describe(DescOut& d) {
  Describe<arg_t<T>>::put(d);
}

template <class T>
struct Describe<std::optional<T>> {
  static constexpr void put(DescOut& d) {
    d.byte(static_cast<std::uint8_t>(TypeTag::optional));
    describe<T>(d);
  }
};
template <class T>
constexpr void describe_sequence(DescOut& d) {
  d.byte(static_cast<std::uint8_t>(TypeTag::sequence));
  describe<std::remove_cv_t<T>>(d);
}
template <class T, class A>
struct Describe<std::vector<T, A>> {
  static constexpr void put(DescOut& d) { describe_sequence<T>(d); }
};
template <class T, std::size_t N>
struct Describe<std::array<T, N>> {
  static constexpr void put(DescOut& d) { describe_sequence<T>(d); }
};
template <class T, std::size_t N>
struct Describe<std::span<T, N>> {
  static constexpr void put(DescOut& d) { describe_sequence<T>(d); }
};
template <class... Ts>
struct Describe<std::tuple<Ts...>> {
  static constexpr void put(DescOut& d) {
    d.byte(static_cast<std::uint8_t>(TypeTag::tuple));
    d.varint(sizeof...(Ts));
    (describe<Ts>(d), ...);
  }
};
template <class A, class B>
struct Describe<std::pair<A, B>> : Describe<std::tuple<A, B>> {};
template <class R, class P>
struct Describe<std::chrono::duration<R, P>> {
  static_assert(std::is_arithmetic_v<R>, "lynx: a duration's count must be a number");
  static constexpr void put(DescOut& d) {
    d.byte(static_cast<std::uint8_t>(TypeTag::duration));
    d.varint(static_cast<std::uint64_t>(P::num));
    d.varint(static_cast<std::uint64_t>(P::den));
    describe<R>(d);
  }
};
template <class D>
struct Describe<std::chrono::time_point<std::chrono::system_clock, D>> {
  static constexpr void put(DescOut& d) { d.byte(static_cast<std::uint8_t>(TypeTag::time_point)); }
};
template <ErrorCodeLike T>
struct Describe<T> {
  static constexpr void put(DescOut& d) { d.byte(static_cast<std::uint8_t>(TypeTag::error_code)); }
};
template <HasEnumNames E>
struct Describe<E> {
  static constexpr void put(DescOut& d) {
    using U = std::underlying_type_t<E>;
    d.byte(static_cast<std::uint8_t>(TypeTag::named_enum));
    describe<U>(d);
    d.varint(std::size(EnumNames<E>::names));
    for (const auto& [value, name] : EnumNames<E>::names) {
      const auto v = static_cast<std::int64_t>(static_cast<U>(value));
      d.varint((static_cast<std::uint64_t>(v) << 1) ^ static_cast<std::uint64_t>(v >> 63));
      d.str(std::string_view(name));
    }
  }
};
template <HasFields T>
struct Describe<T> {
  static constexpr void put(DescOut& d) {
    constexpr auto& fs = Fields<T>::fields;
    d.byte(static_cast<std::uint8_t>(TypeTag::object));
    d.varint(std::tuple_size_v<std::remove_cvref_t<decltype(fs)>>);
    std::apply(
        [&](const auto&... f) {
          ((d.str(f.name),
            describe<std::remove_cvref_t<decltype(std::declval<const T&>().*(f.member))>>(d)),
           ...);
        },
        fs);
  }
};

// The descriptors of the structured types among Ts, back to back (what a call site stores).
template <class... Ts>
struct SiteDesc {
  static constexpr std::size_t size() {
    DescOut d;
    ((kStructured<Ts> ? describe<Ts>(d) : void()), ...);
    return d.n;  // d is used even without structured Ts: n is read
  }
  static constexpr std::array<char, size() + 1> make() {
    std::array<char, size() + 1> a{};
    DescOut d{a.data(), 0};
    ((kStructured<Ts> ? describe<Ts>(d) : void()), ...);
    (void)d;
    return a;
  }
  static constexpr std::array<char, size() + 1> bytes = make();
};

// ---- the value's bytes ----

template <class T>
struct Enc {  // a leaf: its ring form
  using C = ArgCodec<T>;
  static std::size_t size(const T& v) noexcept { return C::ring_size(C::measure(v)); }
  static std::byte* put(std::byte* dst, const T& v) noexcept {
    return C::encode(dst, v, C::measure(v));
  }
};
template <class T>
using enc_t = Enc<arg_t<T>>;

template <class T>
struct Enc<std::optional<T>> {
  static std::size_t size(const std::optional<T>& v) noexcept {
    return 1 + (v ? enc_t<T>::size(*v) : 0);
  }
  static std::byte* put(std::byte* dst, const std::optional<T>& v) noexcept {
    *dst++ = std::byte{v.has_value()};
    return v ? enc_t<T>::put(dst, *v) : dst;
  }
};

// Sequences: u32 elements stored, u32 elements the container had, the elements.
template <class R>
struct SequenceEnc {
  using E = std::remove_cv_t<typename R::value_type>;
  static std::size_t count(const R& v) noexcept {
    return v.size() < kMaxElements ? v.size() : kMaxElements;
  }
  static std::size_t size(const R& v) noexcept {
    const std::size_t n = count(v);
    std::size_t s = 8;
    if constexpr (!kStructured<arg_t<E>> && ArgCodec<arg_t<E>>::type != ArgType::string) {
      s += n * ArgCodec<arg_t<E>>::ring_size(0);
    } else {
      std::size_t i = 0;
      for (auto it = v.begin(); i < n; ++it, ++i) s += enc_t<E>::size(*it);
    }
    return s;
  }
  static std::byte* put(std::byte* dst, const R& v) noexcept {
    const auto n = static_cast<std::uint32_t>(count(v));
    const auto all = static_cast<std::uint32_t>(v.size() < 0xFFFF'FFFF ? v.size() : 0xFFFF'FFFF);
    std::memcpy(dst, &n, 4);
    std::memcpy(dst + 4, &all, 4);
    dst += 8;
    std::uint32_t i = 0;
    for (auto it = v.begin(); i < n; ++it, ++i) dst = enc_t<E>::put(dst, *it);
    return dst;
  }
};
template <class T, class A>
struct Enc<std::vector<T, A>> : SequenceEnc<std::vector<T, A>> {};
template <class T, std::size_t N>
struct Enc<std::array<T, N>> : SequenceEnc<std::array<T, N>> {};
template <class T, std::size_t N>
struct Enc<std::span<T, N>> : SequenceEnc<std::span<T, N>> {};

template <class... Ts>
struct Enc<std::tuple<Ts...>> {
  static std::size_t size(const std::tuple<Ts...>& v) noexcept {
    return std::apply([](const auto&... x) { return (std::size_t{0} + ... + enc_t<Ts>::size(x)); },
                      v);
  }
  static std::byte* put(std::byte* dst, const std::tuple<Ts...>& v) noexcept {
    std::apply([&](const auto&... x) { ((dst = enc_t<Ts>::put(dst, x)), ...); }, v);
    return dst;
  }
};
template <class A, class B>
struct Enc<std::pair<A, B>> {
  static std::size_t size(const std::pair<A, B>& v) noexcept {
    return enc_t<A>::size(v.first) + enc_t<B>::size(v.second);
  }
  static std::byte* put(std::byte* dst, const std::pair<A, B>& v) noexcept {
    return enc_t<B>::put(enc_t<A>::put(dst, v.first), v.second);
  }
};
template <class R, class P>
struct Enc<std::chrono::duration<R, P>> {
  static std::size_t size(const std::chrono::duration<R, P>&) noexcept { return sizeof(R); }
  static std::byte* put(std::byte* dst, const std::chrono::duration<R, P>& v) noexcept {
    return enc_t<R>::put(dst, v.count());
  }
};
template <class D>
struct Enc<std::chrono::time_point<std::chrono::system_clock, D>> {
  using TP = std::chrono::time_point<std::chrono::system_clock, D>;
  static std::size_t size(const TP&) noexcept { return 8; }
  static std::byte* put(std::byte* dst, const TP& v) noexcept {
    const std::int64_t ns =
        std::chrono::duration_cast<std::chrono::nanoseconds>(v.time_since_epoch()).count();
    std::memcpy(dst, &ns, 8);
    return dst + 8;
  }
};
// error_code: the value and the category's name (a static string: no allocation). The message
// is not copied (error_category::message() allocates): readers give it for the generic and
// system categories (docs/api.md).
template <ErrorCodeLike T>
struct Enc<T> {
  static std::size_t size(const T& v) noexcept {
    return 4 + Enc<const char*>::size(v.category().name());
  }
  static std::byte* put(std::byte* dst, const T& v) noexcept {
    const std::int32_t value = v.value();
    std::memcpy(dst, &value, 4);
    return Enc<const char*>::put(dst + 4, v.category().name());
  }
};
template <HasEnumNames E>
struct Enc<E> {
  using U = std::underlying_type_t<E>;
  static std::size_t size(const E&) noexcept { return sizeof(U); }
  static std::byte* put(std::byte* dst, const E& v) noexcept {
    const U u = static_cast<U>(v);
    std::memcpy(dst, &u, sizeof u);
    return dst + sizeof u;
  }
};
template <HasFields T>
struct Enc<T> {
  template <class F>
  using member_t =
      std::remove_cvref_t<decltype(std::declval<const T&>().*(std::declval<F>().member))>;
  static std::size_t size(const T& v) noexcept {
    return std::apply(
        [&](const auto&... f) {
          return (std::size_t{0} + ... + enc_t<member_t<decltype(f)>>::size(v.*(f.member)));
        },
        Fields<T>::fields);
  }
  static std::byte* put(std::byte* dst, const T& v) noexcept {
    std::apply(
        [&](const auto&... f) {
          ((dst = enc_t<member_t<decltype(f)>>::put(dst, v.*(f.member))), ...);
        },
        Fields<T>::fields);
    return dst;
  }
};

// The producer codec of every structured type: u32 size, then Enc<T>'s bytes.
template <class T>
struct StructuredArgCodec {
  static constexpr ArgType type = ArgType::structured;
  static std::size_t measure(const T& v) noexcept { return Enc<T>::size(v); }
  static constexpr std::size_t ring_size(std::size_t measured) noexcept { return 4 + measured; }
  static std::byte* encode(std::byte* dst, const T& v, std::size_t measured) noexcept {
    const auto n = static_cast<std::uint32_t>(measured);
    std::memcpy(dst, &n, 4);
    return Enc<T>::put(dst + 4, v);
  }
};
template <class T>
struct ArgCodec<T, std::enable_if_t<kStructured<T>>> : StructuredArgCodec<T> {};

// std::filesystem::path logs as its string (native() is a reference: no copy). Recognised by its
// shape rather than by name, so that this header need not include <filesystem> (which costs more
// compile time than the rest of lynx together).
template <class T>
concept PathLike = requires(const T& p) {
  typename T::string_type;
  T::preferred_separator;
  { p.native() } -> std::same_as<const typename T::string_type&>;
  { p.has_root_directory() } -> std::same_as<bool>;
}
&&std::is_same_v<typename T::string_type, std::string>;
template <PathLike T>
struct ArgCodec<T> {
  using S = StringArgCodec<std::string>;
  static constexpr ArgType type = ArgType::string;
  static std::size_t measure(const T& v) noexcept { return S::measure(v.native()); }
  static constexpr std::size_t ring_size(std::size_t m) noexcept { return S::ring_size(m); }
  static std::byte* encode(std::byte* dst, const T& v, std::size_t m) noexcept {
    return S::encode(dst, v.native(), m);
  }
};

}  // namespace lynx::detail
