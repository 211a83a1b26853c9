// Call sites of Python log calls, registered at run time.
//
// A C++ statement owns a constant-initialised detail::CallSite; records point at it and the
// backend writes its definition into each file the first time one of its records lands there
// (engine/backend.cpp keys its site table by that pointer). A Python call site has no static
// storage, so this registry makes one CallSite per distinct
//   (level, template, file, function, line, argument types, type descriptors)
// the first time such a call is made, and keeps it for the life of the process: records in any
// ring may point at it until the backend has written them, a later engine may see it again, and
// the backend must never see a freed address reused by another site.
//
// The number of sites is bounded, and so are their bytes: a reader holds the definitions of each
// file within format::kMaxDefinitionBytes (16 MiB, about 800 bytes of bookkeeping per site plus
// its strings, the template three times) and refuses the rest of a file past it. The registry
// stops at kMaxSites sites or kMaxSiteBytes of that estimate, whichever comes first, which keeps
// every file readable whatever the Python program logs (C++ sites add their own, far fewer).
// Past the limit, records go through one fallback site per level that carries the template as
// text, so that a program logging ever-new shapes cannot grow memory without limit either.
//
// Thread safety: every function here is called with the GIL held, which serialises them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "lynx/detail/call_site.hpp"
#include "lynx/level.hpp"

namespace lynx::python {

inline constexpr std::size_t kMaxSites = 8192;
inline constexpr std::size_t kMaxSiteBytes = std::size_t{8} << 20;
// What a reader's definition budget counts for one site beyond its strings (an upper estimate of
// format/reader.cpp's sizeof(CallSiteInfo) and per-argument bookkeeping).
inline constexpr std::size_t kSiteOverhead = 1024;

// One placeholder of a template: its name, empty for a positional `{}`.
struct TemplatePart {
  std::string name;
};

// A parsed template (cached by its text).
struct TemplateInfo {
  bool ok = false;
  std::string error;  // why it is malformed (when !ok)
  std::vector<TemplatePart> placeholders;
  std::size_t positional = 0;  // how many of them are `{}`
};

// The parsed form of `text` (same grammar as the C++ compile-time check and the readers).
const TemplateInfo& template_info(std::string_view text);

struct SiteKey {
  Level level;
  std::string_view format;
  std::string_view file;
  std::string_view function;
  std::uint32_t line;
  std::string_view types;  // one ArgType per argument
  std::string_view desc;   // descriptors of the structured arguments
};

// The call site for `key`, registered on first use. nullptr once the registry is full (the
// caller then uses fallback_site()).
const detail::CallSite* site_for(const SiteKey& key);

// The site records go through when site_for() is full: "{template}" with one string argument.
const detail::CallSite& fallback_site(Level level);

// How many sites are registered (tests).
std::size_t site_count();

}  // namespace lynx::python
