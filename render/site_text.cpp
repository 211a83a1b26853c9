#include "render/site_text.hpp"

#include "render/buffer_ops.hpp"
#include "render/render.hpp"

namespace lynx::render::detail {

namespace {

void append_level_upper(fmt::memory_buffer& out, Level level) {
  const std::string_view name = to_string(level);
  for (const char c : name) {
    out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
  }
  for (std::size_t i = name.size(); i < 5; ++i) out.push_back(' ');
}

std::string to_string(const fmt::memory_buffer& b) { return std::string(b.data(), b.size()); }

}  // namespace

void append_text_head(fmt::memory_buffer& out, const record::Site& site) {
  append_level_upper(out, site.level);
  out.push_back(' ');
  append_text_escaped(out, site.logger);
  append(out, " [");
}

void append_text_tail(fmt::memory_buffer& out, const record::Site& site) {
  append(out, "] ");
  append_text_escaped(out, site.file);
  out.push_back(':');
  append_int(out, site.line);
  out.push_back(' ');
}

void append_json_head(fmt::memory_buffer& out, const record::Site& site) {
  append(out, "\",\"level\":");
  append_json_string(out, lynx::to_string(site.level));
  append(out, ",\"logger\":");
  append_json_string(out, site.logger);
  append(out, ",\"thread\":");
}

void append_json_tail(fmt::memory_buffer& out, const record::Site& site) {
  append(out, ",\"file\":");
  append_json_string(out, site.file);
  append(out, ",\"line\":");
  append_int(out, site.line);
  append(out, ",\"function\":");
  append_json_string(out, site.function);
  append(out, ",\"msg\":");
}

void append_json_key(fmt::memory_buffer& out, const record::Site& site, std::size_t i,
                     fmt::memory_buffer& tmp) {
  if (i != 0) out.push_back(',');
  append_json_string(out, field_name(site, i, tmp));
  out.push_back(':');
}

const SiteText* SiteTexts::get(const record::Site& site) {
  if (site.uid == 0) return nullptr;
  SiteText& t = slots_[site.uid % kSlots];
  if (t.uid == site.uid) return &t;
  fmt::memory_buffer b;
  auto part = [&](void (*append_part)(fmt::memory_buffer&, const record::Site&)) {
    b.clear();
    append_part(b, site);
    return to_string(b);
  };
  t.text_head = part(append_text_head);
  t.text_tail = part(append_text_tail);
  t.json_head = part(append_json_head);
  t.json_tail = part(append_json_tail);
  b.clear();
  t.key_end.clear();
  for (std::size_t i = 0; i < site.types.size(); ++i) {
    append_json_key(b, site, i, tmp_);
    t.key_end.push_back(static_cast<std::uint32_t>(b.size()));
  }
  t.json_keys = to_string(b);
  t.uid = site.uid;
  return &t;
}

}  // namespace lynx::render::detail
