// The parts of a text or JSON line that depend only on the record's call site (level, logger,
// file, line, function, field names), rendered once per site and appended as they are to every
// record of it. They were half the work of a JSON line, and a fifth of a text line. Internal to
// the render library (Renderer::text, Renderer::json).
//
// What must hold: a line built from the parts is byte for byte the line built from the site's
// fields for each record. The appenders below are the only code that renders these parts; the
// cache calls them once, and sites without an identity (Site::uid 0) call them per record.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "record/record_view.hpp"

namespace lynx::render::detail {

// Text:  <ts> ' ' head <os_tid> tail <message>
//   head: "INFO  orders ["           tail: "] main.cpp:6 "
void append_text_head(fmt::memory_buffer& out, const record::Site& site);
void append_text_tail(fmt::memory_buffer& out, const record::Site& site);
// JSON:  {"ts":"<ts> head <os_tid> ,"thread_name":..,"pid":.. tail <message> ,"fields":{ key0
//        <value0> key1 <value1> ... }
//   head: ","level":"info","logger":"orders","thread":
//   tail: ,"file":"main.cpp","line":6,"function":"main","msg":
//   key i: "name": (with a leading ',' for i > 0)
void append_json_head(fmt::memory_buffer& out, const record::Site& site);
void append_json_tail(fmt::memory_buffer& out, const record::Site& site);
void append_json_key(fmt::memory_buffer& out, const record::Site& site, std::size_t i,
                     fmt::memory_buffer& tmp);

struct SiteText {
  std::uint64_t uid = 0;  // 0: not filled
  std::string text_head, text_tail, json_head, json_tail;
  std::string json_keys;               // every key, one after the other
  std::vector<std::uint32_t> key_end;  // where key i ends in json_keys
  std::string_view key(std::size_t i) const {
    const std::uint32_t begin = i == 0 ? 0 : key_end[i - 1];
    return std::string_view(json_keys).substr(begin, key_end[i] - begin);
  }
};

// The parts of the sites seen lately, by Site::uid (direct-mapped, kSlots entries; a slot taken
// by another site is rendered again). Null for a site without a uid.
class SiteTexts {
 public:
  const SiteText* get(const record::Site& site);

 private:
  static constexpr std::size_t kSlots = 256;
  std::array<SiteText, kSlots> slots_;
  fmt::memory_buffer tmp_;
};

}  // namespace lynx::render::detail
