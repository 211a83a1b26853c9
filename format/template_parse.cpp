#include "format/template_parse.hpp"

namespace lynx::format {

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
    if (colon != std::string_view::npos) r.fmt_pattern += body.substr(colon);
    r.fmt_pattern += '}';
    i = close + 1;
  }
  r.ok = true;
  return r;
}

}  // namespace lynx::format
