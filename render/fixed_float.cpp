#include "render/fixed_float.hpp"

#include "render/buffer_ops.hpp"

#include <bit>
#include <cstdint>

namespace lynx::render::detail {

namespace {

constexpr std::uint64_t kPow10[] = {1,      10,      100,      1000,      10000,
                                    100000, 1000000, 10000000, 100000000, 1000000000};
static_assert(sizeof kPow10 / sizeof kPow10[0] == kMaxFixedPrecision + 1);

using u128 = unsigned __int128;

// At a constant precision the divisions by 10^precision become multiplications.
template <int precision>
bool append_fixed_at(fmt::memory_buffer& out, double v) {
  const auto bits = std::bit_cast<std::uint64_t>(v);
  const bool negative = (bits >> 63) != 0;
  const auto biased = static_cast<int>((bits >> 52) & 0x7FF);
  std::uint64_t mantissa = bits & ((std::uint64_t{1} << 52) - 1);
  if (biased == 0x7FF) return false;  // NaN, infinities
  if (biased != 0) mantissa |= std::uint64_t{1} << 52;
  // |v| = mantissa * 2^exponent
  const int exponent = (biased == 0 ? 1 : biased) - 1075;
  if (exponent > 10) return false;  // |v| >= 2^63
  const std::uint64_t scale = kPow10[precision];
  u128 q;  // |v| * 10^precision, rounded to the nearest, ties to even (as fmt rounds)
  if (exponent >= 0) {
    q = static_cast<u128>(mantissa << exponent) * scale;
  } else {
    const u128 num = static_cast<u128>(mantissa) * scale;  // < 2^83
    const int shift = -exponent;
    if (shift > 100) {
      q = 0;  // below half of the last digit: 0.000...
    } else {
      q = num >> shift;
      const u128 rem = num - (q << shift);
      const u128 half = u128{1} << (shift - 1);
      if (rem > half || (rem == half && (q & 1) != 0)) ++q;
    }
  }
  // The digits of q, right to left, with the point before the last `precision` of them.
  char buf[64];
  char* const end = buf + sizeof buf;
  char* p;
  if (q >> 64 == 0) {  // the usual case: 64-bit divisions by constants, multiplications
    const auto q64 = static_cast<std::uint64_t>(q);
    p = put_digits_backwards(end, q64 % scale, precision);
    if constexpr (precision != 0) *--p = '.';
    p = put_decimal_backwards(p, q64 / scale);
  } else {
    const auto int_part = static_cast<std::uint64_t>(q / scale);
    p = put_digits_backwards(
        end, static_cast<std::uint64_t>(q - static_cast<u128>(int_part) * scale), precision);
    if constexpr (precision != 0) *--p = '.';
    p = put_decimal_backwards(p, int_part);
  }
  if (negative) *--p = '-';
  append(out, p, end);
  return true;
}

}  // namespace

bool append_fixed(fmt::memory_buffer& out, double v, int precision) {
  switch (precision) {
    case 0: return append_fixed_at<0>(out, v);
    case 1: return append_fixed_at<1>(out, v);
    case 2: return append_fixed_at<2>(out, v);
    case 3: return append_fixed_at<3>(out, v);
    case 4: return append_fixed_at<4>(out, v);
    case 5: return append_fixed_at<5>(out, v);
    case 6: return append_fixed_at<6>(out, v);
    case 7: return append_fixed_at<7>(out, v);
    case 8: return append_fixed_at<8>(out, v);
    case 9: return append_fixed_at<9>(out, v);
    default: return false;
  }
}

}  // namespace lynx::render::detail
