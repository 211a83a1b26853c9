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

}  // namespace

bool append_fixed(fmt::memory_buffer& out, double v, int precision) {
  if (precision < 0 || precision > kMaxFixedPrecision) return false;
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
  if (negative) out.push_back('-');
  const auto int_part = static_cast<std::uint64_t>(q / scale);
  append_int(out, int_part);
  if (precision == 0) return true;
  auto frac = static_cast<std::uint64_t>(q - static_cast<u128>(int_part) * scale);
  char digits[kMaxFixedPrecision + 1];
  digits[0] = '.';
  for (int i = precision; i >= 1; --i) {
    digits[i] = static_cast<char>('0' + frac % 10);
    frac /= 10;
  }
  append(out, digits, digits + precision + 1);
  return true;
}

}  // namespace lynx::render::detail
