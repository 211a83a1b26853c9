#include "render/fixed_float.hpp"

#include "render/buffer_ops.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <cstring>

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

// Half the float's spacing at a value is below 2^-(significand bits) of it: far below half of
// the N-th decimal when |mantissa| * 10^(N - decimals) < 2^(bits - 2). The bound on |mantissa|
// for each N - decimals, for a double and for a float.
constexpr auto kDecimalLimit = [] {
  std::array<std::array<std::uint64_t, kMaxFixedPrecision + 1>, 2> t{};
  for (int pad = 0; pad <= kMaxFixedPrecision; ++pad) {
    t[0][pad] = (std::uint64_t{1} << 51) / kPow10[pad];
    t[1][pad] = (std::uint64_t{1} << 22) / kPow10[pad];
  }
  return t;
}();

template <int precision>
bool append_fixed_decimal_at(fmt::memory_buffer& out, std::int64_t mantissa, unsigned decimals,
                             bool float32) {
  if (decimals > static_cast<unsigned>(precision)) return false;  // fmt rounds: not covered
  const bool negative = mantissa < 0;
  const std::uint64_t m =
      negative ? 0 - static_cast<std::uint64_t>(mantissa) : static_cast<std::uint64_t>(mantissa);
  const unsigned pad = static_cast<unsigned>(precision) - decimals;
  if (m >= kDecimalLimit[float32 ? 1 : 0][pad]) return false;
  const std::uint64_t q = m * kPow10[pad];  // the value times 10^precision, exactly
  char buf[32];
  char* const end = buf + sizeof buf;
  char* p = put_digits_backwards(end, q % kPow10[precision], precision);
  if constexpr (precision != 0) *--p = '.';
  p = put_decimal_backwards(p, q / kPow10[precision]);
  if (negative) *--p = '-';
  append(out, p, end);
  return true;
}

}  // namespace

bool append_fixed_decimal(fmt::memory_buffer& out, std::int64_t mantissa, unsigned decimals,
                          int precision, bool float32) {
  switch (precision) {
    case 0: return append_fixed_decimal_at<0>(out, mantissa, decimals, float32);
    case 1: return append_fixed_decimal_at<1>(out, mantissa, decimals, float32);
    case 2: return append_fixed_decimal_at<2>(out, mantissa, decimals, float32);
    case 3: return append_fixed_decimal_at<3>(out, mantissa, decimals, float32);
    case 4: return append_fixed_decimal_at<4>(out, mantissa, decimals, float32);
    case 5: return append_fixed_decimal_at<5>(out, mantissa, decimals, float32);
    case 6: return append_fixed_decimal_at<6>(out, mantissa, decimals, float32);
    case 7: return append_fixed_decimal_at<7>(out, mantissa, decimals, float32);
    case 8: return append_fixed_decimal_at<8>(out, mantissa, decimals, float32);
    case 9: return append_fixed_decimal_at<9>(out, mantissa, decimals, float32);
    default: return false;
  }
}

bool append_shortest_decimal(fmt::memory_buffer& out, std::int64_t mantissa, unsigned decimals,
                             bool float32) {
  const bool negative = mantissa < 0;
  const std::uint64_t m =
      negative ? 0 - static_cast<std::uint64_t>(mantissa) : static_cast<std::uint64_t>(mantissa);
  if (m >= (float32 ? kPow10[6] : kPow10[9] * kPow10[6]) || decimals > 22) return false;
  if (m == 0) {  // +0.0 (a decimal is never -0.0)
    out.push_back('0');
    return true;
  }
  // The digits of m, then without the trailing zeros of its decimals.
  char digits[24];
  char* end = digits + sizeof digits;
  const char* const begin = put_decimal_backwards(end, m);
  while (decimals != 0 && end[-1] == '0') --end, --decimals;
  const auto n = static_cast<unsigned>(end - begin);
  // fmt writes the exponent form below 1e-4 (and from 1e16, beyond what is taken here).
  if (n + 4 < decimals + 1) return false;
  // Fixed notation: "ddd", "dd.ddd" or "0.00ddd", after a '-' for a negative value.
  const std::size_t size = negative + (decimals == 0 ? n : decimals < n ? n + 1 : decimals + 2);
  const std::size_t at = out.size();
  out.resize(at + size);
  char* p = out.data() + at;
  if (negative) *p++ = '-';
  if (decimals == 0) {
    std::memcpy(p, begin, n);
  } else if (decimals < n) {
    std::memcpy(p, begin, n - decimals);
    p[n - decimals] = '.';
    std::memcpy(p + n - decimals + 1, end - decimals, decimals);
  } else {
    p[0] = '0';
    p[1] = '.';
    std::memset(p + 2, '0', decimals - n);
    std::memcpy(p + 2 + decimals - n, begin, n);
  }
  return true;
}

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
