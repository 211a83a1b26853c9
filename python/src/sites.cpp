// The run-time call-site registry of Python log calls (sites.hpp).
#include "python/src/sites.hpp"

#include <array>
#include <memory>
#include <unordered_map>

#include "format/template_parse.hpp"
#include "lynx/detail/template_check.hpp"

namespace lynx::python {

namespace {

bool ident_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

TemplateInfo parse(std::string_view t) {
  TemplateInfo info;
  const format::ParsedTemplate parsed = format::parse_template(t);
  if (!parsed.ok) {
    info.error = parsed.limit_error.empty()
                     ? "unmatched '{' or '}' (write '{{' and '}}' for braces)"
                     : parsed.limit_error;
    return info;
  }
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '}') {
      ++i;  // "}}": parse_template accepted it
      continue;
    }
    if (t[i] != '{') continue;
    if (i + 1 < t.size() && t[i + 1] == '{') {
      ++i;
      continue;
    }
    const std::size_t close = t.find('}', i + 1);
    std::string_view body = t.substr(i + 1, close - i - 1);
    body = body.substr(0, body.find(':'));
    bool good = body.empty() || ident_start(body[0]);
    for (const char c : body) good = good && ident_char(c);
    if (!good) {
      info.error = "placeholder {" + std::string(body) + "} is not a name (letters, digits, _)";
      return info;
    }
    for (const TemplatePart& p : info.placeholders) {
      if (!body.empty() && p.name == body) {
        info.error = "placeholder {" + std::string(body) + "} appears twice";
        return info;
      }
    }
    info.placeholders.push_back({std::string(body)});
    if (body.empty()) ++info.positional;
    i = close;
  }
  if (info.placeholders.size() > detail::kMaxArgs) {
    info.error = "more than " + std::to_string(detail::kMaxArgs) + " fields";
    return info;
  }
  info.ok = true;
  return info;
}

// A registered site and the storage its CallSite points into. Never freed (sites.hpp).
struct Site {
  detail::CallSite cs{};
  std::string format, file, function, types, desc;
};

struct Registry {
  std::unordered_map<std::string, std::unique_ptr<TemplateInfo>> templates;
  std::unordered_map<std::string, Site*> sites;
  std::size_t site_bytes = 0;  // the readers' estimate of all sites (sites.hpp)
  std::string key;             // reused for lookups
};

// Leaked on purpose: sites outlive every engine and the interpreter's teardown.
Registry& registry() {
  static Registry* r = new Registry;
  return *r;
}

void append_u32(std::string& s, std::uint32_t v) { s.append(reinterpret_cast<const char*>(&v), 4); }
void append_part(std::string& s, std::string_view part) {
  append_u32(s, static_cast<std::uint32_t>(part.size()));
  s.append(part);
}

Site* make_site(const SiteKey& k) {
  auto* s = new Site;
  s->format.assign(k.format);
  s->file.assign(k.file);
  s->function.assign(k.function);
  s->types.assign(k.types);
  s->desc.assign(k.desc);
  s->cs.format = s->format;
  s->cs.file = s->file.c_str();
  s->cs.function = s->function.c_str();
  s->cs.line = k.line;
  s->cs.level = k.level;
  s->cs.arg_count = static_cast<std::uint8_t>(s->types.size());
  s->cs.arg_types = reinterpret_cast<const detail::ArgType*>(s->types.data());
  s->cs.type_desc = s->desc;
  return s;
}

}  // namespace

const TemplateInfo& template_info(std::string_view text) {
  Registry& r = registry();
  r.key.assign(text);
  auto it = r.templates.find(r.key);
  if (it != r.templates.end()) return *it->second;
  // Bounded like the sites: past the limit a template is parsed each time, not kept.
  static TemplateInfo scratch;
  if (r.templates.size() >= kMaxSites || text.size() > 4096) return scratch = parse(text);
  auto info = std::make_unique<TemplateInfo>(parse(text));
  return *r.templates.emplace(r.key, std::move(info)).first->second;
}

const detail::CallSite* site_for(const SiteKey& k) {
  Registry& r = registry();
  std::string& key = r.key;
  key.clear();
  key.push_back(static_cast<char>(k.level));
  append_u32(key, k.line);
  append_part(key, k.format);
  append_part(key, k.file);
  append_part(key, k.function);
  append_part(key, k.types);
  key.append(k.desc);
  auto it = r.sites.find(key);
  if (it != r.sites.end()) return &it->second->cs;
  const std::size_t bytes = kSiteOverhead + k.file.size() + k.function.size() +
                            3 * k.format.size() + 16 * k.types.size() + 4 * k.desc.size();
  if (r.sites.size() >= kMaxSites || r.site_bytes + bytes > kMaxSiteBytes) return nullptr;
  r.site_bytes += bytes;
  Site* s = make_site(k);
  r.sites.emplace(key, s);
  return &s->cs;
}

const detail::CallSite& fallback_site(Level level) {
  static const std::array<Site*, 6> sites = [] {
    std::array<Site*, 6> a{};
    const char type = static_cast<char>(detail::ArgType::string);
    for (std::size_t i = 0; i < a.size(); ++i)
      a[i] = make_site({static_cast<Level>(i),
                        "{template}",
                        "<python>",
                        "<too many call sites>",
                        0,
                        std::string_view(&type, 1),
                        {}});
    return a;
  }();
  const auto i = static_cast<std::size_t>(level);
  return sites[i < sites.size() ? i : 2]->cs;
}

std::size_t site_count() { return registry().sites.size(); }

}  // namespace lynx::python
