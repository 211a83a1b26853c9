// Escaping of untrusted bytes for JSON strings and text lines. Both validate UTF-8 by Unicode
// table 3-7 (no overlong forms, no surrogates, nothing above U+10FFFF).
#include <cstddef>
#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "render/buffer_ops.hpp"
#include "render/render.hpp"

namespace lynx::render {

using detail::append;
using detail::copy_small;

namespace {

constexpr char kHex[] = "0123456789abcdef";

// Length of the valid UTF-8 sequence starting at p (a byte >= 0x80), or 0 when it is not one.
// Follows Unicode table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF.
std::size_t utf8_length(const unsigned char* p, const unsigned char* end) {
  const unsigned c = p[0];
  std::size_t n;
  unsigned lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < n || p[1] < lo || p[1] > hi) return 0;
  for (std::size_t i = 2; i < n; ++i) {
    if (p[i] < 0x80 || p[i] > 0xBF) return 0;
  }
  return n;
}

// Whether any of the 8 bytes of `w` is below 0x20, a '"', a '\\' or above 0x7F (the classic
// "has a byte less than n" and "has a zero byte" tests: exact as a yes/no).
bool json_word_needs_look(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  auto has_zero = [&](std::uint64_t x) { return (x - kOnes) & ~x & kHighs; };
  const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  return (below_space | has_zero(w ^ (kOnes * '"')) | has_zero(w ^ (kOnes * '\\')) |
          (w & kHighs)) != 0;
}

}  // namespace

// Whether all of `s` goes into a JSON string as it is (ASCII, no control, quote or backslash):
// 16 bytes at a time, the last few as part of the last 16 (or a copy padded with plain bytes). Most
// strings a JSON line holds (level, logger, file, function, field names, most messages) are.
bool json_plain(std::string_view s) {
#if defined(__SSE2__)
  const __m128i below = _mm_set1_epi8(0x1F), quote = _mm_set1_epi8('"'),
                backslash = _mm_set1_epi8('\\');
  auto plain16 = [&](const void* at) {
    const __m128i v = _mm_loadu_si128(static_cast<const __m128i*>(at));
    // As signed bytes, 0x20..0x7F are the ones above 0x1F (bytes >= 0x80 are negative).
    const __m128i bad = _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash));
    return _mm_movemask_epi8(_mm_andnot_si128(bad, _mm_cmpgt_epi8(v, below))) == 0xFFFF;
  };
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 16; p += 16, n -= 16) {
    if (!plain16(p)) return false;
  }
  if (n == 0) return true;
  if (s.size() >= 16) return plain16(s.data() + s.size() - 16);  // the 16 that end it
  char tail[16];
  std::memset(tail, 'a', sizeof tail);
  copy_small(tail, p, n);
  return plain16(tail);
#else
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) return false;
  }
  return true;
#endif
}

void append_json_string(fmt::memory_buffer& out, std::string_view s) {
  if (json_plain(s)) {
    out.push_back('"');
    append(out, s);
    out.push_back('"');
    return;
  }
  out.push_back('"');
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  const auto* run = p;  // start of bytes that need no escaping, appended in one go
  // ASCII without controls, quotes or backslashes, 8 bytes at a time.
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    if (json_word_needs_look(w)) break;
    p += 8;
  }
  while (p < end) {
    const unsigned c = *p;
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++p;
      continue;
    }
    if (c >= 0x80) {
      if (const std::size_t n = utf8_length(p, end); n != 0) {
        p += n;
        continue;
      }
    }
    append(out, reinterpret_cast<const char*>(run), reinterpret_cast<const char*>(p));
    switch (c) {
      case '"': append(out, "\\\""); break;
      case '\\': append(out, "\\\\"); break;
      case '\b': append(out, "\\b"); break;
      case '\f': append(out, "\\f"); break;
      case '\n': append(out, "\\n"); break;
      case '\r': append(out, "\\r"); break;
      case '\t': append(out, "\\t"); break;
      default:
        if (c >= 0x80) {
          append(out, "\\ufffd");
        } else {
          const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          append(out, esc, esc + 6);
        }
    }
    run = ++p;
  }
  append(out, reinterpret_cast<const char*>(run), reinterpret_cast<const char*>(p));
  out.push_back('"');
}

namespace {

// Bytes of a text line that need no look: printable ASCII and tab.
bool plain_text_byte(unsigned c) { return (c >= 0x20 && c < 0x7F) || c == '\t'; }

// A valid UTF-8 sequence at p (lead byte >= 0x80) that is text, not a C1 control: its length,
// else 0.
std::size_t text_sequence_length(const unsigned char* p, const unsigned char* end) {
  const std::size_t n = utf8_length(p, end);
  return n == 2 && p[0] == 0xC2 && p[1] < 0xA0 ? 0 : n;  // U+0080..U+009F: terminals act on them
}

// Whether any of the 8 bytes of `w` is below 0x20, 0x7F or above: then they need a closer look.
// (The classic "has a byte less than n" test: exact as a yes/no for n <= 128.)
bool word_needs_look(std::uint64_t w) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ull, kHighs = 0x8080808080808080ull;
  const std::uint64_t below_space = (w - kOnes * 0x20) & ~w & kHighs;
  const std::uint64_t del = w ^ (kOnes * 0x7F);
  const std::uint64_t is_del = (del - kOnes) & ~del & kHighs;
  return ((below_space | is_del) | (w & kHighs)) != 0;
}

}  // namespace

std::size_t text_safe_prefix(std::string_view s) {
  const auto* const begin = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = begin + s.size();
  const auto* p = begin;
  // Printable ASCII, 16 or 8 bytes at a time: almost every message is only that.
#if defined(__SSE2__)
  const __m128i below = _mm_set1_epi8(0x1F), del = _mm_set1_epi8(0x7F);
  auto plain16 = [&](const void* at) {
    const __m128i v = _mm_loadu_si128(static_cast<const __m128i*>(at));
    // As signed bytes, 0x20..0x7F are the ones above 0x1F (bytes >= 0x80 are negative).
    const __m128i plain = _mm_andnot_si128(_mm_cmpeq_epi8(v, del), _mm_cmpgt_epi8(v, below));
    return _mm_movemask_epi8(plain) == 0xFFFF;
  };
  while (end - p >= 16 && plain16(p)) p += 16;
  if (end - p < 16) {  // the last few bytes: the 16 that end the text, else a padded copy
    if (s.size() >= 16) {
      if (plain16(end - 16)) return s.size();
    } else {
      char tail[16];
      std::memset(tail, 'a', sizeof tail);
      copy_small(tail, reinterpret_cast<const char*>(p), static_cast<std::size_t>(end - p));
      if (plain16(tail)) return s.size();
    }
  }
#endif
  while (end - p >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, sizeof w);
    if (word_needs_look(w)) break;
    p += 8;
  }
  while (p < end) {
    if (plain_text_byte(*p)) {
      ++p;
    } else if (const std::size_t n = *p >= 0x80 ? text_sequence_length(p, end) : 0; n != 0) {
      p += n;
    } else {
      break;
    }
  }
  return static_cast<std::size_t>(p - begin);
}

void append_text_escaped(fmt::memory_buffer& out, std::string_view s) {
  // Almost every logger, file and message is printable ASCII only: one scan, one copy.
  const std::size_t safe = text_safe_prefix(s);
  append(out, s.data(), safe);
  if (safe == s.size()) return;
  s.remove_prefix(safe);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* const end = p + s.size();
  const auto* run = p;  // start of bytes that need no escaping, appended in one go
  while (p < end) {
    const unsigned c = *p;
    if (plain_text_byte(c)) {
      ++p;
      continue;
    }
    if (c >= 0x80) {
      if (const std::size_t n = text_sequence_length(p, end); n != 0) {
        p += n;
        continue;
      }
    }
    append(out, reinterpret_cast<const char*>(run), reinterpret_cast<const char*>(p));
    if (c == '\n') {
      append(out, "\\n");
    } else if (c == '\r') {
      append(out, "\\r");
    } else if (c == 0xC2 && p + 1 < end && p[1] >= 0x80 && p[1] < 0xA0) {
      const char esc[6] = {'\\', 'u', '0', '0', kHex[p[1] >> 4], kHex[p[1] & 0xF]};
      append(out, esc, esc + 6);
      ++p;  // the second byte of the C1 control
    } else {
      const char esc[4] = {'\\', 'x', kHex[c >> 4], kHex[c & 0xF]};
      append(out, esc, esc + 4);
    }
    run = ++p;
  }
  append(out, reinterpret_cast<const char*>(run), reinterpret_cast<const char*>(p));
}

}  // namespace lynx::render

namespace lynx::render {

void append_logfmt_value(fmt::memory_buffer& out, std::string_view s) {
  bool quote = s.empty() || text_safe_prefix(s) != s.size();
  for (std::size_t i = 0; !quote && i < s.size(); ++i) {
    const char c = s[i];
    quote = c == ' ' || c == '=' || c == '"' || c == '\t' || c == '\\';
  }
  if (!quote) return append(out, s);
  out.push_back('"');
  std::size_t run = 0;  // start of the bytes not yet appended
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '"' && s[i] != '\\') continue;
    append_text_escaped(out, s.substr(run, i - run));
    out.push_back('\\');
    out.push_back(s[i]);
    run = i + 1;
  }
  append_text_escaped(out, s.substr(run));
  out.push_back('"');
}

}  // namespace lynx::render
