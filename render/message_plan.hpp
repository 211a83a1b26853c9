// A call site's {fmt} pattern (format/template_parse.hpp: only "{}" and "{:spec}" placeholders,
// "{{" and "}}" escapes) split once into literal text and placeholders, so that a message renders
// by appending its pieces: a "{}" value through append_plain_value() (what fmt prints for it),
// a "{:spec}" value through fmt with that one spec. That skips fmt's runtime parse of the whole
// pattern and its type-erased argument store for every record, which was most of `lynx cat`'s
// time. Internal to the render library (Renderer::message).
//
// What must hold: for any pattern and values, the pieces print exactly what fmt::vformat_to of
// the whole pattern prints. A pattern the plan does not understand is marked not ok (the caller
// uses fmt), and a spec fmt refuses throws fmt::format_error as fmt would (the caller redoes the
// message the slow way, which reports it).
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "record/record_view.hpp"
#include "record/value.hpp"

namespace lynx::render::detail {

class MessagePlan {
 public:
  explicit MessagePlan(std::string_view pattern);

  bool ok() const { return ok_; }
  bool is(std::string_view pattern) const { return pattern == pattern_; }
  // Placeholders in the pattern (fmt needs at least as many values).
  std::size_t placeholders() const { return placeholders_; }

  // Appends the message; `texts` is scratch space. Throws fmt::format_error like fmt does.
  void render(fmt::memory_buffer& out, std::span<const record::Value> values,
              fmt::memory_buffer& texts) const;

 private:
  struct Piece {
    std::uint32_t begin = 0;  // into text_: literal bytes, or a value's "{:spec}" pattern
    std::uint32_t size = 0;   // 0 for a "{}" value
    std::int32_t arg = -1;    // -1: literal text; else the value's index
    int fixed = -1;           // "{:.Nf}": N (render/fixed_float.hpp)
  };

  std::string pattern_;
  std::string text_;
  std::vector<Piece> pieces_;
  std::size_t placeholders_ = 0;
  bool ok_ = false;
};

// The plans of the patterns seen lately. A site with an identity (record::Site::uid) finds its
// plan by it: one compare per record. Without one, by the address of the pattern's bytes (a call
// site's pattern stays where it is), checked against the bytes themselves so that a pattern at a
// reused address is never given another's plan. Bounded: kSlots plans.
class MessagePlans {
 public:
  const MessagePlan& get(const record::Site& site);

 private:
  static constexpr std::size_t kSlots = 256;
  struct Slot {
    std::uint64_t uid = 0;  // the site whose plan it is; 0: found by its pattern
    std::unique_ptr<MessagePlan> plan;
  };
  std::array<Slot, kSlots> slots_;
};

}  // namespace lynx::render::detail
