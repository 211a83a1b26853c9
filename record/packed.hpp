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
enum class PackOp : std::uint8_t { u8, u16, u32, u64, s8, s16, s32, s64, f32, f64, string };

// The PackOp of a codec (numbers by their ring width; floats as unsigned bit patterns).
template <class Codec>
constexpr PackOp pack_op() {
  if constexpr (Codec::kind == Kind::string) {
    return PackOp::string;
  } else if constexpr (Codec::kind == Kind::float32) {
    return PackOp::f32;
  } else if constexpr (Codec::kind == Kind::float64) {
    return PackOp::f64;
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
    case PackOp::u32:
    case PackOp::f32: return v & 0xFFFF'FFFF;
    case PackOp::s8: return static_cast<std::uint64_t>(static_cast<std::int8_t>(v));
    case PackOp::s16: return static_cast<std::uint64_t>(static_cast<std::int16_t>(v));
    case PackOp::s32: return static_cast<std::uint64_t>(static_cast<std::int32_t>(v));
    default: return v;
  }
}

// Makes *out the Value of `kind` from the canonical 64-bit form of a number (field by field:
// Value::reset).
inline void set_number(Value* out, Kind kind, std::uint64_t v) noexcept {
  out->reset(kind);
  switch (kind) {
    case Kind::boolean: out->b = v != 0; break;
    case Kind::character: out->c = static_cast<char>(v); break;
    case Kind::int64: out->i = static_cast<std::int64_t>(v); break;
    case Kind::uint64:
    case Kind::pointer: out->u = v; break;
    case Kind::float32: out->f = std::bit_cast<float>(static_cast<std::uint32_t>(v)); break;
    case Kind::float64: out->f = std::bit_cast<double>(v); break;
    default: out->reset(Kind::int64); break;  // strings and structured values are not numbers
  }
}

// Arguments whose zero flags live in the control byte; the flags of later ones follow the ids.
inline constexpr std::size_t kControlArgs = 6;
inline constexpr std::uint8_t kNewSite = 0x01;
inline constexpr std::uint8_t kNewThread = 0x02;

// Bytes of zero flags after the control byte for a site with `args` arguments.
constexpr std::size_t extra_flag_bytes(std::size_t args) noexcept {
  return args <= kControlArgs ? 0 : (args - kControlArgs + 7) / 8;
}

// Floats may be coded as decimals: value = d / 10^k with d an integer, which is how prices, rates
// and durations at a fixed resolution are made. Scales a writer looks for, and scales a reader
// accepts (10^k must be exact: 10^22 in double, 10^10 in float).
inline constexpr unsigned kMaxSearchScale = 9;
inline constexpr unsigned kMaxScaleF64 = 22;
inline constexpr unsigned kMaxScaleF32 = 10;
// Values a writer codes as bit patterns before it looks for a decimal scale again.
inline constexpr std::uint8_t kScaleRetry = 32;

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
    skipped_ = false;
    for (Arg& a : args_) {
      a.prev = a.stride = 0;
      a.cost[0] = a.cost[1] = a.cost[2] = 0;
      a.scale = a.retry = 0;
      a.text.clear();
      a.seen = {};
    }
  }

  // Upper bound of what encode() writes for a record of `ring_size` argument bytes.
  std::size_t encode_bound(std::size_t ring_size) const noexcept {
    return ring_size + args_.size() * (2 * format::kMaxVarintSize + 2);
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
      const std::uint64_t bits = load(a.op, ring);
      std::uint64_t v = bits;
      if (a.op == PackOp::f32 || a.op == PackOp::f64) {
        if (const int scale = float_scale(a, bits, &v); scale >= 0) {
          // Escape (a zero residual, which a clear flag never has): the new scale, then the value.
          *out++ = std::byte{0};
          out = format::put_varint(out, static_cast<std::uint64_t>(scale));
          out = format::put_varint(out,
                                   scale == 0 ? v : format::zigzag(static_cast<std::int64_t>(v)));
          a.scale = static_cast<std::uint8_t>(scale);
          restart(a, v);
          continue;
        }
      }
      const std::uint64_t residual = v - predict(a);
      if (residual == 0) {
        flags |= std::uint64_t{1} << i;
        step(a, v);
      } else {
        learn(a, v);
        out = format::put_varint(out, format::zigzag(static_cast<std::int64_t>(residual)));
      }
    }
    *zero = flags;
    return out;
  }

  // Reads one record's residuals from `in` (bit i of `zero`: argument i's prediction held) into
  // out[0, arg_count()). String values point into the block's bytes (which must stay where they
  // are for the whole block, as the reader's do) or into this site's state: valid until the
  // site's next record is decoded. False when the bytes are malformed.
  bool decode(format::Cursor& in, std::uint64_t zero, Value* out) {
    if (skipped_) return false;      // the predictions missed a record (see skip())
    Arg* const args = args_.data();  // out[] cannot alias them: no reload per argument
    const std::size_t n = args_.size();
    for (std::size_t i = 0; i < n; ++i) {
      Arg& a = args[i];
      const bool same = (zero >> i) & 1;
      if (a.op == PackOp::string) {
        if (!same) {
          std::uint64_t shared, rest;
          const std::byte* p;
          if (!in.varint(&shared) || !in.varint(&rest) || shared > a.seen.size() ||
              !in.view(&p, rest)) {
            return false;
          }
          const std::string_view tail(reinterpret_cast<const char*>(p), rest);
          if (shared == 0) {
            a.seen = tail;  // all of it in the block: no copy
          } else {
            // The shared prefix may be in a.text itself: build aside, then take it.
            spare_.assign(a.seen.data(), shared);
            spare_.append(tail);
            a.text.swap(spare_);
            a.seen = a.text;
          }
        }
        out[i].reset(Kind::string);
        out[i].s = a.seen;
        continue;
      }
      const bool is_float = a.op == PackOp::f32 || a.op == PackOp::f64;
      std::uint64_t v = predict(a);
      if (!same) {
        std::uint64_t z;
        if (!in.varint(&z)) return false;
        if (z == 0) {  // a float's escape: a new scale and the value
          std::uint64_t scale, x;
          if (!is_float || !in.varint(&scale) ||
              scale > 1 + (a.op == PackOp::f64 ? kMaxScaleF64 : kMaxScaleF32) || !in.varint(&x)) {
            return false;
          }
          a.scale = static_cast<std::uint8_t>(scale);
          v = scale == 0 ? canonical(a.op, x) : static_cast<std::uint64_t>(format::unzigzag(x));
          restart(a, v);
          is_float ? set_float(&out[i], a, v) : set_number(&out[i], a.kind, v);
          continue;
        }
        v += static_cast<std::uint64_t>(format::unzigzag(z));
      }
      if (!is_float || a.scale == 0) v = canonical(a.op, v);
      if (same) {
        step(a, v);
      } else {
        learn(a, v);
      }
      is_float ? set_float(&out[i], a, v) : set_number(&out[i], a.kind, v);
    }
    return true;
  }

  // Steps over one record's residuals without decoding them (a reader that wants no record of
  // this site: `lynx cat --level error` and the like): only their sizes are read. The predictions
  // are then stale for the rest of the block, so decode() refuses until the next block. False
  // when the bytes are malformed as far as sizes go.
  bool skip(format::Cursor& in, std::uint64_t zero) {
    skipped_ = true;
    for (std::size_t i = 0; i < args_.size(); ++i) {
      if ((zero >> i) & 1) continue;
      const PackOp op = args_[i].op;
      std::uint64_t a, b;
      const std::byte* p;
      if (op == PackOp::string) {
        if (!in.varint(&a) || !in.varint(&b) || !in.view(&p, b)) return false;
      } else if (!in.varint(&a)) {
        return false;
      } else if (a == 0) {  // a float's escape: a new scale and the value
        if ((op != PackOp::f32 && op != PackOp::f64) || !in.varint(&a) || !in.varint(&b))
          return false;
      }
    }
    return true;
  }

 private:
  struct Arg {
    PackOp op = PackOp::u64;
    Kind kind = Kind::uint64;
    std::uint8_t scale = 0;  // floats: 0 = bit patterns, k + 1 = decimal d / 10^k
    std::uint8_t retry = 0;  // writer: bit-pattern values before looking for a scale again
    std::uint16_t cost[3] = {0, 0, 0};  // recent residual bits of each predictor (predict())
    std::uint64_t prev = 0;
    std::uint64_t stride = 0;
    std::string text;       // strings: the previous value (writer), or its bytes (reader)
    std::string_view seen;  // reader: the previous value, in the block or in `text`
  };

  // Three predictions, each scored by the bits its residuals took lately (decayed by 1/16 at
  // every miss of the prediction in use; a hit changes no score, so a series that keeps being
  // predicted costs nothing to keep predicting); the best so far is used: previous value plus the
  // last step (counters, linear series), the previous value (random walks, constants), or zero
  // (random values).
  static std::uint64_t predict(const Arg& a) noexcept {
    if (a.cost[0] <= a.cost[1] && a.cost[0] <= a.cost[2]) return a.prev + a.stride;
    return a.cost[1] <= a.cost[2] ? a.prev : 0;
  }
  static void learn(Arg& a, std::uint64_t v) noexcept {
    const std::uint64_t guess[3] = {a.prev + a.stride, a.prev, 0};
    for (int p = 0; p < 3; ++p) {
      const auto bits = static_cast<std::uint16_t>(
          std::bit_width(format::zigzag(static_cast<std::int64_t>(v - guess[p]))));
      a.cost[p] = static_cast<std::uint16_t>(a.cost[p] - (a.cost[p] >> 4) + bits);
    }
    step(a, v);
  }
  static void step(Arg& a, std::uint64_t v) noexcept {
    a.stride = v - a.prev;
    a.prev = v;
  }
  static void restart(Arg& a, std::uint64_t v) noexcept {
    a.prev = v;
    a.stride = 0;
  }

  static constexpr double kPow10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                      1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                      1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

  // The float of `scale` whose decimal mantissa (or, at scale 0, bit pattern) is `v`, as bits.
  static std::uint64_t float_bits(PackOp op, unsigned scale, std::uint64_t v) noexcept {
    if (scale == 0) return v;
    const auto d = static_cast<std::int64_t>(v);
    if (op == PackOp::f64) {
      return std::bit_cast<std::uint64_t>(static_cast<double>(d) / kPow10[scale - 1]);
    }
    return std::bit_cast<std::uint32_t>(static_cast<float>(d) /
                                        static_cast<float>(kPow10[scale - 1]));
  }
  static std::uint64_t float_bits(const Arg& a, std::uint64_t v) noexcept {
    return float_bits(a.op, a.scale, v);
  }
  // Makes *out the Value of a float argument whose current form holds `v`; a decimal one carries
  // its decimal (Value::decimal).
  static void set_float(Value* out, const Arg& a, std::uint64_t v) noexcept {
    set_number(out, a.kind, float_bits(a, v));
    if (a.scale != 0) {
      out->i = static_cast<std::int64_t>(v);
      out->count = a.scale;  // decimals + 1
    }
  }
  // The decimal mantissa of the float `bits` at scale k, when the float is exactly that decimal.
  static bool decimal_at(PackOp op, std::uint64_t bits, unsigned k, std::uint64_t* d) noexcept {
    const double v = op == PackOp::f64 ? std::bit_cast<double>(bits)
                                       : std::bit_cast<float>(static_cast<std::uint32_t>(bits));
    const double x = v * kPow10[k];
    const double limit = op == PackOp::f64 ? 0x1p53 : 0x1p24;
    if (!(x > -limit && x < limit)) return false;  // NaN too
    const auto m = static_cast<std::int64_t>(x < 0 ? x - 0.5 : x + 0.5);
    if (float_bits(op, k + 1, static_cast<std::uint64_t>(m)) != bits) return false;  // -0.0 too
    *d = static_cast<std::uint64_t>(m);
    return true;
  }
  // Writer: puts the float `bits` in its arg's current form into *v. Returns -1 when that form
  // holds it, or the scale to escape to (0: bit patterns) when another one should.
  static int float_scale(Arg& a, std::uint64_t bits, std::uint64_t* v) noexcept {
    if (a.scale != 0 && decimal_at(a.op, bits, a.scale - 1u, v)) return -1;
    if (a.scale == 0 && a.retry != 0) {
      --a.retry;
      return -1;
    }
    for (unsigned k = 0; k <= kMaxSearchScale; ++k) {
      if (decimal_at(a.op, bits, k, v)) return static_cast<int>(k + 1);
    }
    *v = bits;
    a.retry = kScaleRetry;
    return a.scale == 0 ? -1 : 0;
  }

  // The canonical 64-bit form of a number's ring bytes; advances `ring`.
  static std::uint64_t load(PackOp op, const std::byte*& ring) noexcept {
    std::uint64_t v;
    switch (op) {
      case PackOp::u8: v = format::get<std::uint8_t>(ring), ring += 1; break;
      case PackOp::u16: v = format::get<std::uint16_t>(ring), ring += 2; break;
      case PackOp::u32:
      case PackOp::f32: v = format::get<std::uint32_t>(ring), ring += 4; break;
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
  std::string spare_;  // reader: where a string sharing a prefix is put together
  std::uint64_t block_ = ~std::uint64_t{0};
  bool skipped_ = false;  // reader: skip() stepped over a record of this block
};

}  // namespace lynx::record
