#include "format/template_parse.hpp"

#include <cstdint>

#include "format/format.hpp"
#include "lynx/detail/template_check.hpp"

namespace lynx::format {

static_assert(kMaxSpecWidth == detail::kMaxSpecWidth,
              "readers accept what the compile-time check lets through");

namespace {

// Digits at spec[*i], saturated far above any limit; *i moves past them.
std::uint64_t parse_number(std::string_view spec, std::size_t* i) {
  std::uint64_t n = 0;
  while (*i < spec.size() && spec[*i] >= '0' && spec[*i] <= '9') {
    n = n > (1u << 30) ? n : n * 10 + static_cast<unsigned>(spec[*i] - '0');
    ++*i;
  }
  return n;
}

bool is_align(char c) { return c == '<' || c == '>' || c == '^'; }

// Length of the UTF-8 sequence a lead byte starts (fmt's fill is one code point), at least 1.
std::size_t code_point_length(unsigned char c) {
  return c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

// The width and precision of an fmt standard spec ([[fill]align][sign][#][0][width][.precision]
// [L][type]), checked against kMaxSpecWidth. Returns an error message, or "" when within it.
std::string check_spec(std::string_view spec) {
  std::size_t i = 0;
  const std::size_t fill =
      spec.empty() ? 0 : code_point_length(static_cast<unsigned char>(spec[0]));
  if (fill < spec.size() && is_align(spec[fill])) {
    i = fill + 1;
  } else if (!spec.empty() && is_align(spec[0])) {
    i = 1;
  }
  if (i < spec.size() && (spec[i] == '+' || spec[i] == '-' || spec[i] == ' ')) ++i;
  if (i < spec.size() && spec[i] == '#') ++i;
  if (i < spec.size() && spec[i] == '0') ++i;
  const std::uint64_t width = parse_number(spec, &i);
  std::uint64_t precision = 0;
  if (i < spec.size() && spec[i] == '.') {
    ++i;
    precision = parse_number(spec, &i);
  }
  const auto limit = std::to_string(kMaxSpecWidth);
  if (width > kMaxSpecWidth) {
    return "placeholder width " + std::to_string(width) + " is above the limit of " + limit;
  }
  if (precision > kMaxSpecWidth) {
    return "placeholder precision " + std::to_string(precision) + " is above the limit of " + limit;
  }
  return {};
}

}  // namespace

ParsedTemplate parse_template(std::string_view t) {
  ParsedTemplate r;
  std::size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '}') {
      if (i + 1 < t.size() && t[i + 1] == '}') {
        r.fmt_pattern += "}}";
        i += 2;
        continue;
      }
      return r;
    }
    if (c != '{') {
      r.fmt_pattern += c;
      ++i;
      continue;
    }
    if (i + 1 < t.size() && t[i + 1] == '{') {
      r.fmt_pattern += "{{";
      i += 2;
      continue;
    }
    const std::size_t close = t.find('}', i + 1);
    if (close == std::string_view::npos) return r;
    const std::string_view body = t.substr(i + 1, close - i - 1);
    if (body.find('{') != std::string_view::npos) return r;
    const std::size_t colon = body.find(':');
    std::string name(body.substr(0, colon));
    if (name.empty()) name = "arg" + std::to_string(r.names.size());
    r.names.push_back(std::move(name));
    r.fmt_pattern += '{';
    if (colon != std::string_view::npos) {
      r.limit_error = check_spec(body.substr(colon + 1));
      if (!r.limit_error.empty()) return r;
      r.fmt_pattern += body.substr(colon);
    }
    r.fmt_pattern += '}';
    i = close + 1;
  }
  r.ok = true;
  return r;
}

}  // namespace lynx::format
