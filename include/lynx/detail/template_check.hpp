// Compile-time validation of log templates: "order {id} took {ms:.1f} ms".
// Grammar: literal text; "{{" and "}}" are literal braces; a placeholder is "{" [name] [":" spec]
// "}" where name is [A-Za-z_][A-Za-z0-9_]* (empty = positional, named arg<i>) and spec is fmt's
// format spec without nested braces. The runtime parser in format/template_parse.cpp follows the
// same grammar.
//
// Each placeholder's spec is also checked against its argument's type (the ArgType of the
// argument in the same position), with fmt's rules for that type: `{x:.2f}` with an int or
// `{s:d}` with a string does not compile, and the error names the placeholder
// (`lynx::detail::Placeholder{"x"}` in the "required from" line).
#pragma once

#include <cstddef>
#include <span>

#include "lynx/detail/arg_types.hpp"

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
  // The spec does not fit the argument's type (fmt would refuse it when the record is rendered):
  spec_type,       // presentation type: 'f' for an integer, 'd' for a string, 'q' for anything
  spec_precision,  // ".N" for an integer, bool, char or pointer
  spec_flag,       // sign, '#', '0' or 'L' for a string, pointer or non-numeric presentation
  spec_malformed,  // characters after the presentation type, or in the wrong order
};

// The name of the placeholder a check's error is about, as a template argument, so that the
// compiler prints it in the error's "required from" line: Placeholder{"price"}.
struct Placeholder {
  char name[48] = {};
};

struct TemplateCheck {
  TemplateError error = TemplateError::none;
  std::size_t placeholders = 0;
  std::size_t length = 0;  // of the template, in bytes (the call site's string_view uses it)
  // The placeholder a spec error is about: its name in the template (bad_len 0: positional,
  // named arg<bad_index>).
  std::size_t bad_at = 0, bad_len = 0, bad_index = 0;
  Placeholder bad;  // its name, for TemplateOk (bad_placeholder())
};

// How fmt treats an argument's spec, by the class of its type.
enum class SpecClass { integer, boolean, character, floating, string, pointer };

constexpr SpecClass spec_class(ArgType t) {
  switch (t) {
    case ArgType::boolean: return SpecClass::boolean;
    case ArgType::character: return SpecClass::character;
    case ArgType::f32:
    case ArgType::f64: return SpecClass::floating;
    case ArgType::pointer: return SpecClass::pointer;
    case ArgType::string:
    case ArgType::structured: return SpecClass::string;  // structured values format as text
    default: return SpecClass::integer;
  }
}

constexpr bool is_one_of(char c, const char* set) {
  for (; *set != '\0'; ++set)
    if (*set == c) return true;
  return false;
}

// Checks spec t[b, e) (after the ':') against fmt's standard format spec for class k:
// [[fill]align][sign]["#"]["0"][width]["." precision]["L"][type].
constexpr TemplateError check_spec(const char* t, std::size_t b, std::size_t e, SpecClass k) {
  std::size_t i = b;
  if (e - i >= 2 && is_one_of(t[i + 1], "<>^"))
    i += 2;
  else if (i < e && is_one_of(t[i], "<>^"))
    i += 1;
  bool numeric_flag = false, precision = false;
  if (i < e && is_one_of(t[i], "+- ")) ++i, numeric_flag = true;
  if (i < e && t[i] == '#') ++i, numeric_flag = true;
  if (i < e && t[i] == '0') ++i, numeric_flag = true;
  while (i < e && t[i] >= '0' && t[i] <= '9') ++i;
  if (i < e && t[i] == '.') {
    ++i;
    if (i == e || t[i] < '0' || t[i] > '9') return TemplateError::spec_malformed;
    while (i < e && t[i] >= '0' && t[i] <= '9') ++i;
    precision = true;
  }
  if (i < e && t[i] == 'L') ++i, numeric_flag = true;
  const char type = i < e ? t[i++] : '\0';
  if (i != e) return TemplateError::spec_malformed;
  constexpr const char* kIntTypes = "bBcdoxX";
  bool type_ok = false, numeric = true;
  switch (k) {
    case SpecClass::integer: type_ok = type == '\0' || is_one_of(type, kIntTypes); break;
    case SpecClass::boolean:
      type_ok = type == '\0' || type == 's' || is_one_of(type, kIntTypes);
      numeric = type != '\0' && type != 's';
      break;
    case SpecClass::character:
      type_ok = type == '\0' || is_one_of(type, kIntTypes);
      numeric = type != '\0' && type != 'c';
      break;
    case SpecClass::floating: type_ok = type == '\0' || is_one_of(type, "aAeEfFgG"); break;
    case SpecClass::string:
      type_ok = type == '\0' || type == 's';
      numeric = false;
      break;
    case SpecClass::pointer:
      type_ok = type == '\0' || type == 'p';
      numeric = false;
      break;
  }
  if (!type_ok) return TemplateError::spec_type;
  if (precision && k != SpecClass::floating && k != SpecClass::string)
    return TemplateError::spec_precision;
  if (numeric_flag && !numeric) return TemplateError::spec_flag;
  return TemplateError::none;
}

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

// The placeholder a spec error names ("arg<i>" for a positional one); empty without an error.
constexpr Placeholder bad_placeholder(const char* t, const TemplateCheck& c) {
  Placeholder p;
  if (c.error < TemplateError::spec_type) return p;
  constexpr std::size_t kMax = sizeof p.name - 1;
  if (c.bad_len != 0) {
    for (std::size_t i = 0; i < c.bad_len && i < kMax; ++i) p.name[i] = t[c.bad_at + i];
    return p;
  }
  p.name[0] = 'a', p.name[1] = 'r', p.name[2] = 'g';
  std::size_t v = c.bad_index, digits = 1;
  for (std::size_t x = v; x >= 10; x /= 10) ++digits;
  for (std::size_t i = 0; i < digits; ++i, v /= 10) p.name[3 + digits - 1 - i] = char('0' + v % 10);
  return p;
}

// Checks a NUL-terminated template (a string literal) against the number of arguments and, when
// `types` is given (arg_count entries), each placeholder's spec against its argument's type.
// `types` is a span and never compared with nullptr: GCC's -fsanitize=undefined makes that
// comparison of a constant address non-constant.
consteval TemplateCheck check_template(const char* t, std::size_t arg_count,
                                       std::span<const ArgType> types = {}) {
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
      const std::size_t spec_at = j + 1;
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
      if (!types.empty() && r.placeholders < arg_count && r.placeholders < types.size()) {
        const TemplateError e = check_spec(t, spec_at, j, spec_class(types[r.placeholders]));
        if (e != TemplateError::none) {
          r.error = e;
          r.bad_at = at;
          r.bad_len = len;
          r.bad_index = r.placeholders;
          r.bad = bad_placeholder(t, r);
          return r;
        }
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
// of a program share one instantiation per result (TemplateOk<none, {}> for every correct
// statement) instead of each evaluating the static_asserts. `P` names the placeholder of a spec
// error: the compiler prints it in the "required from" line.
template <TemplateError E, Placeholder P = Placeholder{}>
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
  static_assert(E != TemplateError::spec_type,
                "lynx: a placeholder's presentation type does not fit its argument's type (such as "
                "'f' for an integer or 'd' for a string); the placeholder is named in "
                "lynx::detail::Placeholder{...} above");
  static_assert(E != TemplateError::spec_precision,
                "lynx: a placeholder has a precision ('.N') but its argument is not a "
                "floating-point number or a string; the placeholder is named in "
                "lynx::detail::Placeholder{...} above");
  static_assert(E != TemplateError::spec_flag,
                "lynx: a placeholder has a sign, '#', '0' or 'L' but its argument is not shown as "
                "a number; the placeholder is named in lynx::detail::Placeholder{...} above");
  static_assert(E != TemplateError::spec_malformed,
                "lynx: a placeholder's format spec is not a valid fmt spec; the placeholder is "
                "named in lynx::detail::Placeholder{...} above");
  static constexpr bool value = true;  // the asserts above fail; this only instantiates them
};
// What the LYNX_* macros assert for a template's check.
template <TemplateCheck C>
inline constexpr bool template_ok = TemplateOk<C.error, C.bad>::value;

}  // namespace lynx::detail
