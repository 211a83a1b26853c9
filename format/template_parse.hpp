// Runtime view of a log template: the field names of its placeholders and an equivalent {fmt}
// pattern with the names removed ("took {ms:.1f}" -> "took {:.1f}"). Same grammar as the
// compile-time check in include/lynx/detail/template_check.hpp; used by readers, never on the hot
// path.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace lynx::format {

struct ParsedTemplate {
  bool ok = false;                 // false: malformed (only possible for damaged or foreign files)
  std::vector<std::string> names;  // one per placeholder; "arg<i>" for positional ones
  std::string fmt_pattern;         // for fmt::vformat
  // Not empty when a placeholder's spec asks for a width or precision above kMaxSpecWidth
  // (format.hpp): rendering it would allocate that much per record. `ok` is false then.
  std::string limit_error;
};

ParsedTemplate parse_template(std::string_view text);

}  // namespace lynx::format
