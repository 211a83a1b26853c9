// Compile-time validation of log templates: "order {id} took {ms:.1f} ms".
// Grammar: literal text; "{{" and "}}" are literal braces; a placeholder is "{" [name] [":" spec]
// "}" where name is [A-Za-z_][A-Za-z0-9_]* (empty = positional, named arg<i>) and spec is fmt's
// format spec without nested braces. The runtime parser in format/template_parse.cpp follows the
// same grammar.
#pragma once

#include <cstddef>

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
  std::size_t length = 0;  // of the template, in bytes (the call site's string_view uses it)
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

// The compiler's constant evaluator runs what follows once per log statement, so it is written to
// do little per character: the length and the next brace come from builtins that GCC folds in
// constant expressions (a loop elsewhere), literal text is skipped in one step, and the name
// arrays stay uninitialised until written (allowed since C++20).
consteval std::size_t template_length(const char* t) {
#if defined(__GNUC__) && !defined(__clang__)
  return __builtin_strlen(t);
#else
  std::size_t n = 0;
  while (t[n] != '\0') ++n;
  return n;
#endif
}

// The position of the first '{' or '}' at or after i, or n. t[n] is the template's terminating
// NUL.
consteval std::size_t next_brace(const char* t, std::size_t i, std::size_t n) {
#if defined(__GNUC__) && !defined(__clang__)
  if (i >= n) return n;
  const char* p = __builtin_strpbrk(t + i, "{}");
  return p == nullptr ? n : static_cast<std::size_t>(p - t);
#else
  while (i < n && t[i] != '{' && t[i] != '}') ++i;
  return i;
#endif
}

// Checks a NUL-terminated template (a string literal) against the number of arguments.
consteval TemplateCheck check_template(const char* t, std::size_t arg_count) {
  TemplateCheck r;
  const std::size_t n = template_length(t);
  r.length = n;
  std::size_t name_at[kMaxArgs];   // where each placeholder's name starts in t ...
  std::size_t name_len[kMaxArgs];  // ... and its length (0 = positional)
  std::size_t i = next_brace(t, 0, n);
  while (i < n) {
    if (t[i] == '}') {
      if (i + 1 < n && t[i + 1] == '}') {
        i = next_brace(t, i + 2, n);
        continue;
      }
      r.error = TemplateError::unmatched_close;
      return r;
    }
    if (i + 1 < n && t[i + 1] == '{') {  // t[i] == '{'
      i = next_brace(t, i + 2, n);
      continue;
    }
    std::size_t j = i + 1;
    while (j < n && t[j] != '}' && t[j] != ':' && t[j] != '{') ++j;
    if (j >= n) {
      r.error = TemplateError::unmatched_open;
      return r;
    }
    if (t[j] == '{') {
      r.error = TemplateError::nested_brace;
      return r;
    }
    const std::size_t at = i + 1, len = j - i - 1;
    if (len != 0) {
      if (!is_ident_start(t[at])) {
        r.error = TemplateError::bad_name;
        return r;
      }
      for (std::size_t k = at; k < j; ++k)
        if (!is_ident_char(t[k])) {
          r.error = TemplateError::bad_name;
          return r;
        }
      for (std::size_t k = 0; k < r.placeholders && k < kMaxArgs; ++k) {
        if (name_len[k] != len) continue;
        std::size_t m = 0;
        while (m < len && t[name_at[k] + m] == t[at + m]) ++m;
        if (m == len) {
          r.error = TemplateError::duplicate_name;
          return r;
        }
      }
    }
    if (t[j] == ':') {
      std::size_t number = 0;
      while (j < n && t[j] != '}') {
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
      if (j >= n) {
        r.error = TemplateError::unmatched_open;
        return r;
      }
    }
    if (r.placeholders >= kMaxArgs) {
      r.error = TemplateError::too_many_args;
      return r;
    }
    name_at[r.placeholders] = at;
    name_len[r.placeholders] = len;
    ++r.placeholders;
    i = next_brace(t, j + 1, n);
  }
  if (r.placeholders != arg_count) r.error = TemplateError::count_mismatch;
  return r;
}

// Turns a check's result into a readable compile error. A class template, so that the statements
// of a program share one instantiation per result (TemplateOk<none> for every correct statement)
// instead of each evaluating eight static_asserts.
template <TemplateError E>
struct TemplateOk {
  static_assert(E != TemplateError::unmatched_open,
                "lynx: log template has a '{' without a matching '}' (write '{{' for a brace)");
  static_assert(E != TemplateError::unmatched_close,
                "lynx: log template has a '}' without a matching '{' (write '}}' for a brace)");
  static_assert(E != TemplateError::bad_name,
                "lynx: placeholder name must be an identifier, as in {order_id} or {ms:.1f}");
  static_assert(E != TemplateError::nested_brace,
                "lynx: nested braces inside a placeholder are not supported");
  static_assert(E != TemplateError::duplicate_name,
                "lynx: two placeholders in the log template have the same name");
  static_assert(E != TemplateError::spec_too_wide,
                "lynx: a placeholder's width or precision is above 4096");
  static_assert(E != TemplateError::too_many_args,
                "lynx: a log statement takes at most 64 arguments");
  static_assert(E != TemplateError::count_mismatch,
                "lynx: the number of {placeholders} in the log template differs from the number "
                "of arguments");
  static constexpr bool value = true;  // the asserts above fail; this only instantiates them
};

}  // namespace lynx::detail
