// The packed record encoding of format 2 (docs/format.md, "Packed data block payload"): what the
// writer turns a record's ring bytes into, and what the reader turns those bytes back into.
//
// Each argument is predicted from the earlier records of its call site in the same block, and
// only what the prediction missed is stored:
//   - numbers (every integer, bool, char, pointer, and floats as their IEEE bit pattern) are
//     widened to 64 bits (sign-extended when signed) and predicted by stride: previous value plus
//     the last difference, in wrapping 64-bit arithmetic; the residual (value - prediction) is a
//     zigzag varint;
//   - strings are predicted to repeat the site's previous value; a miss stores the length of the
//     prefix it shares with that value, then the rest.
// A residual of zero (the prediction held) costs one bit of the record's control byte and nothing
// else. Predictions start from zero at the start of every block, so every block decodes on its
// own. Floats are predicted on their bit patterns with integer arithmetic, never with floating
// point, so decoding is exact on any machine and under any rounding or flush-to-zero mode.
//
// The per-type facts (ring width, signedness, Kind) come from the codecs of record/codecs.hpp
// through visit(), once per call site, into a Plan; encoding and decoding then switch on the
// plan's small PackOp only.
//
// BACKEND HOT PATH: PackedSite::encode runs for every record the backend writes to a file. It
// does not allocate once a site's strings have reached their longest length.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <vector>

#include "format/bytes.hpp"
#include "format/varint.hpp"
#include "record/codecs.hpp"
#include "record/value.hpp"

namespace lynx::record {

// How one argument is packed: a number of this ring width and signedness, or a string.
enum class PackOp : std::uint8_t { u8, u16, u32, u64, s8, s16, s32, s64, string };

// The PackOp of a codec (numbers by their ring width; floats as unsigned bit patterns).
template <class Codec>
constexpr PackOp pack_op() {
  if constexpr (Codec::kind == Kind::string) {
    return PackOp::string;
  } else {
    constexpr bool is_signed = Codec::kind == Kind::int64;
    switch (Codec::kMinRingBytes) {
      case 1: return is_signed ? PackOp::s8 : PackOp::u8;
      case 2: return is_signed ? PackOp::s16 : PackOp::u16;
      case 4: return is_signed ? PackOp::s32 : PackOp::u32;
      default: return is_signed ? PackOp::s64 : PackOp::u64;
    }
  }
}

// The 64-bit form of a number as the predictor sees it: truncated to the argument's width and
// sign-extended when signed. Decoded values are put into this form, so a crafted residual can
// never produce a value outside its type.
constexpr std::uint64_t canonical(PackOp op, std::uint64_t v) noexcept {
  switch (op) {
    case PackOp::u8: return v & 0xFF;
    case PackOp::u16: return v & 0xFFFF;
    case PackOp::u32: return v & 0xFFFF'FFFF;
    case PackOp::s8: return static_cast<std::uint64_t>(static_cast<std::int8_t>(v));
    case PackOp::s16: return static_cast<std::uint64_t>(static_cast<std::int16_t>(v));
    case PackOp::s32: return static_cast<std::uint64_t>(static_cast<std::int32_t>(v));
    default: return v;
  }
}

// A Value of `kind` from the canonical 64-bit form of a number.
inline Value value_of(Kind kind, std::uint64_t v) noexcept {
  switch (kind) {
    case Kind::boolean: return Value::boolean(v != 0);
    case Kind::character: return Value::character(static_cast<char>(v));
    case Kind::int64: return Value::int64(static_cast<std::int64_t>(v));
    case Kind::uint64: return Value::uint64(v);
    case Kind::float32: return Value::float32(std::bit_cast<float>(static_cast<std::uint32_t>(v)));
    case Kind::float64: return Value::float64(std::bit_cast<double>(v));
    case Kind::pointer: return Value::pointer(v);
    case Kind::string: break;
  }
  return {};
}

// Arguments whose zero flags live in the control byte; the flags of later ones follow the ids.
inline constexpr std::size_t kControlArgs = 6;
inline constexpr std::uint8_t kNewSite = 0x01;
inline constexpr std::uint8_t kNewThread = 0x02;

// Bytes of zero flags after the control byte for a site with `args` arguments.
constexpr std::size_t extra_flag_bytes(std::size_t args) noexcept {
  return args <= kControlArgs ? 0 : (args - kControlArgs + 7) / 8;
}

// A call site's packing plan and its predictor state within the current block.
class PackedSite {
 public:
  PackedSite() = default;
  explicit PackedSite(std::span<const ArgType> types) { plan(types); }

  void plan(std::span<const ArgType> types) {
    args_.assign(types.size(), Arg{});
    for (std::size_t i = 0; i < types.size(); ++i) {
      visit(types[i], [&](auto codec) {
        using Codec = decltype(codec);
        if constexpr (!std::is_same_v<Codec, UnknownCodec>) {
          args_[i].op = pack_op<Codec>();
          args_[i].kind = Codec::kind;
        }
      });
    }
    block_ = ~std::uint64_t{0};
  }
  std::size_t arg_count() const noexcept { return args_.size(); }

  // Starts predicting afresh when `block` (a number the caller changes for every block) is not
  // the block this site was last used in.
  void enter_block(std::uint64_t block) noexcept {
    if (block_ == block) return;
    block_ = block;
    for (Arg& a : args_) {
      a.prev = a.stride = 0;
      a.text.clear();
    }
  }

  // Upper bound of what encode() writes for a record of `ring_size` argument bytes.
  std::size_t encode_bound(std::size_t ring_size) const noexcept {
    return ring_size + args_.size() * format::kMaxVarintSize;
  }

  // Writes the residuals of the record whose ring argument bytes start at `ring` to `out` and
  // returns the new end; *zero gets bit i set for every argument i whose prediction held (and
  // that therefore wrote nothing).
  std::byte* encode(const std::byte* ring, std::byte* out, std::uint64_t* zero) {
    std::uint64_t flags = 0;
    for (std::size_t i = 0; i < args_.size(); ++i) {
      Arg& a = args_[i];
      if (a.op == PackOp::string) {
        const auto n = format::get<std::uint32_t>(ring);
        const char* s = reinterpret_cast<const char*>(ring + 4);
        ring += 4 + n;
        if (n == a.text.size() && std::memcmp(s, a.text.data(), n) == 0) {
          flags |= std::uint64_t{1} << i;
          continue;
        }
        std::size_t shared = 0;
        const std::size_t limit = n < a.text.size() ? n : a.text.size();
        while (shared < limit && s[shared] == a.text[shared]) ++shared;
        out = format::put_varint(out, shared);
        out = format::put_varint(out, n - shared);
        std::memcpy(out, s + shared, n - shared);
        out += n - shared;
        a.text.assign(s, n);
        continue;
      }
      const std::uint64_t v = load(a.op, ring);
      const std::uint64_t residual = v - (a.prev + a.stride);
      a.stride = v - a.prev;
      a.prev = v;
      if (residual == 0) {
        flags |= std::uint64_t{1} << i;
      } else {
        out = format::put_varint(out, format::zigzag(static_cast<std::int64_t>(residual)));
      }
    }
    *zero = flags;
    return out;
  }

  // Reads one record's residuals from `in` (bit i of `zero`: argument i's prediction held) into
  // out[0, arg_count()). String values point into this site's state: valid until the site's next
  // record is decoded. False when the bytes are malformed.
  bool decode(format::Cursor& in, std::uint64_t zero, Value* out) {
    for (std::size_t i = 0; i < args_.size(); ++i) {
      Arg& a = args_[i];
      const bool same = (zero >> i) & 1;
      if (a.op == PackOp::string) {
        if (!same) {
          std::uint64_t shared, rest;
          const std::byte* p;
          if (!in.varint(&shared) || !in.varint(&rest) || shared > a.text.size() ||
              !in.view(&p, rest)) {
            return false;
          }
          a.text.resize(shared);
          a.text.append(reinterpret_cast<const char*>(p), rest);
        }
        out[i] = Value::string(a.text);
        continue;
      }
      std::uint64_t residual = 0;
      if (!same) {
        std::uint64_t z;
        if (!in.varint(&z)) return false;
        residual = static_cast<std::uint64_t>(format::unzigzag(z));
      }
      const std::uint64_t v = canonical(a.op, a.prev + a.stride + residual);
      a.stride = v - a.prev;
      a.prev = v;
      out[i] = value_of(a.kind, v);
    }
    return true;
  }

 private:
  struct Arg {
    PackOp op = PackOp::u64;
    Kind kind = Kind::uint64;
    std::uint64_t prev = 0;
    std::uint64_t stride = 0;
    std::string text;  // strings: the previous value
  };

  // The canonical 64-bit form of a number's ring bytes; advances `ring`.
  static std::uint64_t load(PackOp op, const std::byte*& ring) noexcept {
    std::uint64_t v;
    switch (op) {
      case PackOp::u8: v = format::get<std::uint8_t>(ring), ring += 1; break;
      case PackOp::u16: v = format::get<std::uint16_t>(ring), ring += 2; break;
      case PackOp::u32: v = format::get<std::uint32_t>(ring), ring += 4; break;
      case PackOp::s8:
        v = static_cast<std::uint64_t>(format::get<std::int8_t>(ring)), ring += 1;
        break;
      case PackOp::s16:
        v = static_cast<std::uint64_t>(format::get<std::int16_t>(ring)), ring += 2;
        break;
      case PackOp::s32:
        v = static_cast<std::uint64_t>(format::get<std::int32_t>(ring)), ring += 4;
        break;
      default: v = format::get<std::uint64_t>(ring), ring += 8; break;
    }
    return v;
  }

  std::vector<Arg> args_;
  std::uint64_t block_ = ~std::uint64_t{0};
};

}  // namespace lynx::record
