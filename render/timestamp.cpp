// RFC 3339 timestamps without a time zone library: the date comes from H. Hinnant's
// civil_from_days, so any int64 nanosecond value renders (years 1677..2262).
#include <cstdint>
#include <cstring>
#include <ctime>

#include "render/buffer_ops.hpp"
#include "render/render.hpp"

namespace lynx::render {

using detail::append;

namespace {

std::int64_t floor_div(std::int64_t a, std::int64_t b) {
  const std::int64_t q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

// Days since 1970-01-01 to a proleptic Gregorian date.
void civil_from_days(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2 ? 1 : 0);
}

// `width` digits of v at p (leading zeros kept); returns the end.
char* put_digits(char* p, std::uint64_t v, int width) {
  detail::put_digits_backwards(p + width, v, width);
  return p + width;
}

// The text of a second: "2026-11-27T21:17:26." into p (20 bytes).
void put_second(char* p, std::int64_t secs) {
  const std::int64_t days = floor_div(secs, 86400);
  const auto sod = static_cast<std::uint64_t>(secs - days * 86400);
  std::int64_t year;
  unsigned month, day;
  civil_from_days(days, &year, &month, &day);
  // int64 nanoseconds span the years 1677..2262: always four digits.
  p = put_digits(p, static_cast<std::uint64_t>(year), 4);
  *p++ = '-';
  p = put_digits(p, month, 2);
  *p++ = '-';
  p = put_digits(p, day, 2);
  *p++ = 'T';
  p = put_digits(p, sod / 3600, 2);
  *p++ = ':';
  p = put_digits(p, sod / 60 % 60, 2);
  *p++ = ':';
  p = put_digits(p, sod % 60, 2);
  *p = '.';
}

std::int64_t split_ns(std::int64_t ts_ns, std::uint64_t* nanos) {
  std::int64_t secs = ts_ns / 1'000'000'000;
  std::int64_t rem = ts_ns % 1'000'000'000;  // no secs * 1e9: it overflows near INT64_MIN
  if (rem < 0) {
    rem += 1'000'000'000;
    --secs;
  }
  *nanos = static_cast<std::uint64_t>(rem);
  return secs;
}

}  // namespace

void append_timestamp(fmt::memory_buffer& out, std::int64_t ts_ns, TimestampCache& cache) {
  std::uint64_t nanos;
  const std::int64_t secs = split_ns(ts_ns, &nanos);
  if (!cache.valid || secs != cache.second) {
    put_second(cache.text, secs);
    cache.second = secs;
    cache.valid = true;
  }
  // Straight into the buffer: the second's text, nine digits of nanoseconds, 'Z'.
  constexpr std::size_t kSize = TimestampCache::kSecondSize + 10;
  const std::size_t size = out.size();
  out.reserve(size + kSize);
  char* p = out.data() + size;
  std::memcpy(p, cache.text, TimestampCache::kSecondSize);
  detail::put_digits_backwards(p + TimestampCache::kSecondSize + 9, nanos, 9);
  p[kSize - 1] = 'Z';
  out.resize(size + kSize);
}

void append_timestamp(fmt::memory_buffer& out, std::int64_t ts_ns) {
  TimestampCache cache;
  append_timestamp(out, ts_ns, cache);
}

}  // namespace lynx::render

namespace lynx::render {

void append_local_timestamp(fmt::memory_buffer& out, std::int64_t ts_ns, LocalOffsetCache& cache) {
  std::int64_t secs = ts_ns / 1'000'000'000;
  if (ts_ns % 1'000'000'000 < 0) --secs;
  const std::int64_t hour = floor_div(secs, 3600);
  if (hour != cache.hour) {
    // Zones change their offset on whole hours, or on half or quarter hours in a few places:
    // asking once per hour of timestamps is right but for those few, within that hour.
    const std::time_t t = static_cast<std::time_t>(secs);
    std::tm local{};
    cache.offset_s =
        ::localtime_r(&t, &local) != nullptr ? static_cast<std::int32_t>(local.tm_gmtoff) : 0;
    cache.hour = hour;
  }
  // The UTC form of the shifted instant, with its 'Z' replaced by the offset.
  const auto shifted = static_cast<std::int64_t>(  // wraps rather than overflow at the extremes
      static_cast<std::uint64_t>(ts_ns) +
      static_cast<std::uint64_t>(std::int64_t{cache.offset_s} * 1'000'000'000));
  append_timestamp(out, shifted);
  out.resize(out.size() - 1);
  const std::int32_t off = cache.offset_s < 0 ? -cache.offset_s : cache.offset_s;
  char buf[6] = {cache.offset_s < 0 ? '-' : '+', 0, 0, ':', 0, 0};
  put_digits(buf + 1, static_cast<std::uint64_t>(off / 3600), 2);
  put_digits(buf + 4, static_cast<std::uint64_t>(off / 60 % 60), 2);
  append(out, buf, buf + 6);
}

}  // namespace lynx::render
