// One codec per argument type (detail::ArgType): how an argument's bytes look in a producer's
// ring, how the backend re-encodes them for a file, and how both forms decode to a Value. The
// producer side (C++ value -> ring) is detail::ArgCodec in include/lynx/detail/arg_types.hpp; the
// static_asserts below keep the two on one ring layout.
//
// Every codec has:
//   static constexpr detail::ArgType type;  static constexpr Kind kind;
//   static std::byte* to_disk(const std::byte*& ring, std::byte* out) noexcept;
//       ring -> file encoding (format.hpp "Arguments"); advances `ring`; returns the new end of
//       `out`, which needs room for the ring bytes plus kMaxDiskGrowth
//   static bool from_disk(format::Cursor& in, Value* out);   file -> Value; false when malformed
//   static Value from_ring(const std::byte*& ring) noexcept; ring -> Value; advances `ring`
//   static std::size_t ring_bytes(const std::byte* ring) noexcept;  bytes of the ring form
//   static constexpr std::size_t kMinRingBytes;  bytes ring_bytes() reads (the fixed part)
//
// visit() is the one switch over ArgType in the code base. Adding a type: a codec here, a case in
// visit(), a producer codec in arg_types.hpp, a line in docs/format.md. ArgType numbers in files
// never change.
//
// BACKEND HOT PATH: to_disk runs for every argument of every record the backend writes; keep it
// branch-light and allocation-free. Decoding is the reader's (and text sinks') hot path.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string_view>
#include <type_traits>

#include "format/bytes.hpp"
#include "format/varint.hpp"
#include "lynx/detail/arg_types.hpp"
#include "record/value.hpp"

namespace lynx::record {

using detail::ArgType;

// The file form of an argument is at most this many bytes longer than its ring form (a 64-bit
// integer's varint takes 10 bytes for 8; a string's length varint 5 for 4).
inline constexpr std::size_t kMaxDiskGrowth = 2;

// Integers and pointers: their native bytes in the ring; a varint in files, zigzag for signed
// types.
template <class T, ArgType Tag, Kind K>
struct IntegerCodec {
  static constexpr ArgType type = Tag;
  static constexpr Kind kind = K;
  static constexpr std::size_t kMinRingBytes = sizeof(T);
  static std::size_t ring_bytes(const std::byte*) noexcept { return sizeof(T); }
  static std::byte* to_disk(const std::byte*& ring, std::byte* out) noexcept {
    const T v = format::get<T>(ring);
    ring += sizeof(T);
    if constexpr (std::is_signed_v<T>)
      return format::put_varint(out, format::zigzag(v));
    else
      return format::put_varint(out, v);
  }
  static bool from_disk(format::Cursor& in, Value* out) {
    std::uint64_t x;
    if (!in.varint(&x)) return false;
    if constexpr (std::is_signed_v<T>)
      *out = Value::int64(format::unzigzag(x));
    else
      *out = make(x);
    return true;
  }
  static Value from_ring(const std::byte*& ring) noexcept {
    const T v = format::get<T>(ring);
    ring += sizeof(T);
    if constexpr (std::is_signed_v<T>)
      return Value::int64(v);
    else
      return make(v);
  }
  static Value make(std::uint64_t v) noexcept {
    return K == Kind::pointer ? Value::pointer(v) : Value::uint64(v);
  }
};

// bool and char: one byte, stored as is.
template <ArgType Tag, Kind K>
struct ByteCodec {
  static constexpr ArgType type = Tag;
  static constexpr Kind kind = K;
  static constexpr std::size_t kMinRingBytes = 1;
  static std::size_t ring_bytes(const std::byte*) noexcept { return 1; }
  static std::byte* to_disk(const std::byte*& ring, std::byte* out) noexcept {
    *out = *ring++;
    return out + 1;
  }
  static bool from_disk(format::Cursor& in, Value* out) {
    std::uint8_t b;
    if (!in.bytes(&b, 1)) return false;
    *out = make(b);
    return true;
  }
  static Value from_ring(const std::byte*& ring) noexcept {
    return make(static_cast<std::uint8_t>(*ring++));
  }
  static Value make(std::uint8_t b) noexcept {
    return K == Kind::boolean ? Value::boolean(b != 0) : Value::character(static_cast<char>(b));
  }
};

// f32 and f64: IEEE 754 bytes, stored as is.
template <class T, ArgType Tag, Kind K>
struct FloatCodec {
  static constexpr ArgType type = Tag;
  static constexpr Kind kind = K;
  static constexpr std::size_t kMinRingBytes = sizeof(T);
  static std::size_t ring_bytes(const std::byte*) noexcept { return sizeof(T); }
  static std::byte* to_disk(const std::byte*& ring, std::byte* out) noexcept {
    std::memcpy(out, ring, sizeof(T));
    ring += sizeof(T);
    return out + sizeof(T);
  }
  static bool from_disk(format::Cursor& in, Value* out) {
    T v;
    if (!in.bytes(&v, sizeof v)) return false;
    *out = make(v);
    return true;
  }
  static Value from_ring(const std::byte*& ring) noexcept {
    const T v = format::get<T>(ring);
    ring += sizeof(T);
    return make(v);
  }
  static Value make(T v) noexcept {
    Value x;
    x.kind = K;
    x.f = v;
    return x;
  }
};

// Ring: u32 length, bytes. File: varint length, bytes.
template <ArgType Tag>
struct BytesCodec {
  static constexpr ArgType type = Tag;
  static constexpr Kind kind = Kind::string;
  static constexpr std::size_t kMinRingBytes = 4;  // the length
  static std::size_t ring_bytes(const std::byte* ring) noexcept {
    return 4 + format::get<std::uint32_t>(ring);
  }
  static std::byte* to_disk(const std::byte*& ring, std::byte* out) noexcept {
    const auto n = format::get<std::uint32_t>(ring);
    out = format::put_varint(out, n);
    std::memcpy(out, ring + 4, n);
    ring += 4 + n;
    return out + n;
  }
  static bool from_disk(format::Cursor& in, Value* out) {
    std::uint64_t n;
    const std::byte* p;
    if (!in.varint(&n) || !in.view(&p, n)) return false;
    *out = Value::string(std::string_view(reinterpret_cast<const char*>(p), n));
    return true;
  }
  static Value from_ring(const std::byte*& ring) noexcept {
    const auto n = format::get<std::uint32_t>(ring);
    const auto* s = reinterpret_cast<const char*>(ring + 4);
    ring += 4 + n;
    return Value::string(std::string_view(s, n));
  }
};
using StringCodec = BytesCodec<ArgType::string>;
// Structured arguments (format 2.1) travel as their bytes, like strings; the reader turns them
// into their Value with the call site's type descriptor (record/structured.hpp).
using StructuredCodec = BytesCodec<ArgType::structured>;

using I8Codec = IntegerCodec<std::int8_t, ArgType::i8, Kind::int64>;
using I16Codec = IntegerCodec<std::int16_t, ArgType::i16, Kind::int64>;
using I32Codec = IntegerCodec<std::int32_t, ArgType::i32, Kind::int64>;
using I64Codec = IntegerCodec<std::int64_t, ArgType::i64, Kind::int64>;
using U8Codec = IntegerCodec<std::uint8_t, ArgType::u8, Kind::uint64>;
using U16Codec = IntegerCodec<std::uint16_t, ArgType::u16, Kind::uint64>;
using U32Codec = IntegerCodec<std::uint32_t, ArgType::u32, Kind::uint64>;
using U64Codec = IntegerCodec<std::uint64_t, ArgType::u64, Kind::uint64>;
using BoolCodec = ByteCodec<ArgType::boolean, Kind::boolean>;
using CharCodec = ByteCodec<ArgType::character, Kind::character>;
using F32Codec = FloatCodec<float, ArgType::f32, Kind::float32>;
using F64Codec = FloatCodec<double, ArgType::f64, Kind::float64>;
using PointerCodec = IntegerCodec<std::uint64_t, ArgType::pointer, Kind::pointer>;

// A type this build does not know (readers refuse such call sites before decoding records).
struct UnknownCodec {
  static constexpr Kind kind = Kind::int64;
  static constexpr std::size_t kMinRingBytes = 0;
  static std::size_t ring_bytes(const std::byte*) noexcept { return 0; }
  static std::byte* to_disk(const std::byte*&, std::byte* out) noexcept { return out; }
  static bool from_disk(format::Cursor&, Value*) { return false; }
  static Value from_ring(const std::byte*&) noexcept { return {}; }
};

// Calls f(Codec{}) with the codec of `type`.
template <class F>
inline decltype(auto) visit(ArgType type, F&& f) {
  switch (type) {
    case ArgType::i8: return f(I8Codec{});
    case ArgType::i16: return f(I16Codec{});
    case ArgType::i32: return f(I32Codec{});
    case ArgType::i64: return f(I64Codec{});
    case ArgType::u8: return f(U8Codec{});
    case ArgType::u16: return f(U16Codec{});
    case ArgType::u32: return f(U32Codec{});
    case ArgType::u64: return f(U64Codec{});
    case ArgType::boolean: return f(BoolCodec{});
    case ArgType::character: return f(CharCodec{});
    case ArgType::f32: return f(F32Codec{});
    case ArgType::f64: return f(F64Codec{});
    case ArgType::string: return f(StringCodec{});
    case ArgType::pointer: return f(PointerCodec{});
    case ArgType::structured: return f(StructuredCodec{});
  }
  return f(UnknownCodec{});
}

// A type value read from a file that this build can decode.
constexpr bool known_arg_type(std::uint8_t t) noexcept {
  return t >= 1 && t <= static_cast<std::uint8_t>(detail::kLastArgType);
}

// The producer and the record codecs agree on the tag and ring layout of every type (a string's:
// the 4-byte length, then 3 bytes here).
template <class T, class Codec, std::size_t kMeasured = 0>
constexpr bool same_ring_layout() {
  return detail::ArgCodec<T>::type == Codec::type &&
         detail::ArgCodec<T>::ring_size(kMeasured) == Codec::kMinRingBytes + kMeasured;
}
static_assert(same_ring_layout<std::int8_t, I8Codec>() &&
              same_ring_layout<std::int16_t, I16Codec>() &&
              same_ring_layout<std::int32_t, I32Codec>() &&
              same_ring_layout<std::int64_t, I64Codec>());
static_assert(same_ring_layout<std::uint8_t, U8Codec>() &&
              same_ring_layout<std::uint16_t, U16Codec>() &&
              same_ring_layout<std::uint32_t, U32Codec>() &&
              same_ring_layout<std::uint64_t, U64Codec>());
static_assert(same_ring_layout<bool, BoolCodec>() && same_ring_layout<char, CharCodec>() &&
              same_ring_layout<float, F32Codec>() && same_ring_layout<double, F64Codec>() &&
              same_ring_layout<const void*, PointerCodec>() &&
              same_ring_layout<std::string_view, StringCodec, 3>() &&
              same_ring_layout<std::optional<int>, StructuredCodec, 3>());

// ---- whole argument lists ----

// Re-encodes a record's ring arguments for a file; `out` needs room for the ring bytes plus
// kMaxDiskGrowth per argument. Returns the new end of `out`.
inline std::byte* args_to_disk(std::span<const ArgType> types, const std::byte* ring,
                               std::byte* out) noexcept {
  for (const ArgType t : types) {
    out = visit(t, [&](auto codec) { return codec.to_disk(ring, out); });
  }
  return out;
}

// Decodes one record's arguments from a file block into out[0, types.size()). Strings point into
// the cursor's bytes. False when the bytes are malformed (the cursor is then failed).
inline bool args_from_disk(std::span<const ArgType> types, format::Cursor& in, Value* out) {
  for (std::size_t i = 0; i < types.size(); ++i) {
    if (!visit(types[i], [&](auto codec) { return codec.from_disk(in, &out[i]); })) return false;
  }
  return true;
}

// Decodes one record's arguments from its ring bytes (`size` bytes after the RecordHeader) into
// out[0, types.size()). Strings point into the ring. False when the arguments do not fit `size`
// (never for records a producer wrote).
inline bool args_from_ring(std::span<const ArgType> types, const std::byte* ring, std::size_t size,
                           Value* out) noexcept {
  const std::byte* const end = ring + size;
  for (std::size_t i = 0; i < types.size(); ++i) {
    const bool fits = visit(types[i], [&](auto codec) {
      const auto left = static_cast<std::size_t>(end - ring);
      if (left < codec.kMinRingBytes || codec.ring_bytes(ring) > left) return false;
      out[i] = codec.from_ring(ring);
      return true;
    });
    if (!fits) return false;
  }
  return true;
}

}  // namespace lynx::record
