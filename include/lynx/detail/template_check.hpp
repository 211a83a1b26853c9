// Compile-time validation of log templates: "order {id} took {ms:.1f} ms".
// Grammar: literal text; "{{" and "}}" are literal braces; a placeholder is "{" [name] [":" spec]
// "}" where name is [A-Za-z_][A-Za-z0-9_]* (empty = positional, named arg<i>) and spec is fmt's
// format spec without nested braces. The runtime parser in format/template_parse.cpp follows the
// same grammar.
#pragma once

#include <cstddef>
#include <string_view>

namespace lynx::detail {

enum class TemplateError {
  none,
  unmatched_open,   // "{" without "}"
  unmatched_close,  // "}" that is not "}}"
  bad_name,         // name is not an identifier
  nested_brace,     // "{" inside a placeholder (dynamic width/precision is not supported)
  duplicate_name,
  count_mismatch,  // placeholders != arguments
  too_many_args,
  spec_too_wide,  // a width or precision above kMaxSpecWidth (readers refuse such templates)
};

struct TemplateCheck {
  TemplateError error = TemplateError::none;
  std::size_t placeholders = 0;
};

inline constexpr std::size_t kMaxArgs = 64;
// Largest width or precision in a placeholder's spec ({x:>4096}, {x:.4096f}); readers treat a
// template beyond it as damage (format::kMaxSpecWidth), so it must not compile either. Any run of
// digits in a spec counts, which is stricter than fmt's grammar needs.
inline constexpr std::size_t kMaxSpecWidth = 4096;

constexpr bool is_ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
constexpr bool is_ident_char(char c) { return is_ident_start(c) || (c >= '0' && c <= '9'); }

consteval TemplateCheck check_template(std::string_view t, std::size_t arg_count) {
  TemplateCheck r;
  std::string_view names[kMaxArgs] = {};
  std::size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if (c == '}') {
      if (i + 1 < t.size() && t[i + 1] == '}') {
        i += 2;
        continue;
      }
      r.error = TemplateError::unmatched_close;
      return r;
    }
    if (c != '{') {
      ++i;
      continue;
    }
    if (i + 1 < t.size() && t[i + 1] == '{') {
      i += 2;
      continue;
    }
    std::size_t j = i + 1;
    while (j < t.size() && t[j] != '}' && t[j] != ':' && t[j] != '{') ++j;
    if (j >= t.size()) {
      r.error = TemplateError::unmatched_open;
      return r;
    }
    if (t[j] == '{') {
      r.error = TemplateError::nested_brace;
      return r;
    }
    const std::string_view name = t.substr(i + 1, j - i - 1);
    if (!name.empty()) {
      if (!is_ident_start(name[0])) {
        r.error = TemplateError::bad_name;
        return r;
      }
      for (char n : name)
        if (!is_ident_char(n)) {
          r.error = TemplateError::bad_name;
          return r;
        }
      for (std::size_t k = 0; k < r.placeholders && k < kMaxArgs; ++k)
        if (names[k] == name) {
          r.error = TemplateError::duplicate_name;
          return r;
        }
    }
    if (t[j] == ':') {
      std::size_t number = 0;
      while (j < t.size() && t[j] != '}') {
        if (t[j] == '{') {
          r.error = TemplateError::nested_brace;
          return r;
        }
        if (t[j] >= '0' && t[j] <= '9') {
          number = number * 10 + static_cast<std::size_t>(t[j] - '0');
          if (number > kMaxSpecWidth) {
            r.error = TemplateError::spec_too_wide;
            return r;
          }
        } else {
          number = 0;
        }
        ++j;
      }
      if (j >= t.size()) {
        r.error = TemplateError::unmatched_open;
        return r;
      }
    }
    if (r.placeholders >= kMaxArgs) {
      r.error = TemplateError::too_many_args;
      return r;
    }
    names[r.placeholders++] = name;
    i = j + 1;
  }
  if (r.placeholders != arg_count) r.error = TemplateError::count_mismatch;
  return r;
}

}  // namespace lynx::detail
