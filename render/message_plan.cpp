#include "render/message_plan.hpp"

#include <cstdint>

#include "render/buffer_ops.hpp"
#include "render/fixed_float.hpp"
#include "render/render.hpp"

namespace lynx::render::detail {

using record::Kind;
using record::Value;

MessagePlan::MessagePlan(std::string_view p) : pattern_(p) {
  auto literal = [&](std::string_view s) {
    if (!pieces_.empty() && pieces_.back().arg < 0) {
      pieces_.back().size += static_cast<std::uint32_t>(s.size());
    } else {
      pieces_.push_back(Piece{static_cast<std::uint32_t>(text_.size()),
                              static_cast<std::uint32_t>(s.size()), -1});
    }
    text_.append(s);
  };
  std::size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    if ((c == '{' || c == '}') && i + 1 < p.size() && p[i + 1] == c) {
      literal(p.substr(i, 1));
      i += 2;
    } else if (c == '}') {
      return;  // unmatched: fmt refuses it, and says so
    } else if (c == '{') {
      const std::size_t close = p.find('}', i + 1);
      if (close == std::string_view::npos) return;
      const std::string_view body = p.substr(i + 1, close - i - 1);
      // Only what parse_template() writes: "{}" or "{:spec}" (no index, no name, no nesting).
      if (!body.empty() && (body[0] != ':' || body.find('{') != std::string_view::npos)) return;
      Piece piece{static_cast<std::uint32_t>(text_.size()), 0,
                  static_cast<std::int32_t>(placeholders_++)};
      if (!body.empty()) {
        text_.append(p.substr(i, close + 1 - i));
        piece.size = static_cast<std::uint32_t>(close + 1 - i);
        piece.fixed = fixed_precision(p.substr(i, close + 1 - i));
      }
      pieces_.push_back(piece);
      i = close + 1;
    } else {
      const std::size_t next = p.find_first_of("{}", i);
      const std::size_t end = next == std::string_view::npos ? p.size() : next;
      literal(p.substr(i, end - i));
      i = end;
    }
  }
  ok_ = true;
}

namespace {

// One value through fmt with its spec ("{:>8}"), as fmt formats it within the whole pattern:
// structured values as their text (Renderer::message does the same).
void format_one(fmt::memory_buffer& out, std::string_view spec, const Value& v,
                fmt::memory_buffer& texts) {
  auto with = [&](const auto& x) {
    fmt::vformat_to(fmt::appender(out), spec, fmt::make_format_args(x));
  };
  switch (v.kind) {
    case Kind::int64: return with(v.i);
    case Kind::uint64: return with(v.u);
    case Kind::pointer: {
      const void* ptr = reinterpret_cast<const void*>(static_cast<std::uintptr_t>(v.u));
      return with(ptr);
    }
    case Kind::boolean: return with(v.b);
    case Kind::character: return with(v.c);
    case Kind::float32: {
      const float f = static_cast<float>(v.f);
      return with(f);
    }
    case Kind::float64: return with(v.f);
    case Kind::string: return with(v.s);
    default: break;
  }
  texts.clear();
  append_plain_value(texts, v);
  const std::string_view text(texts.data(), texts.size());
  with(text);
}

}  // namespace

void MessagePlan::render(fmt::memory_buffer& out, std::span<const Value> values,
                         fmt::memory_buffer& texts) const {
  const char* text = text_.data();
  for (const Piece& piece : pieces_) {
    if (piece.arg < 0) {
      append(out, text + piece.begin, text + piece.begin + piece.size);
    } else if (piece.size == 0) {
      append_plain_value(out, values[static_cast<std::size_t>(piece.arg)]);
    } else if (const Value& v = values[static_cast<std::size_t>(piece.arg)];
               piece.fixed >= 0 && (v.kind == Kind::float64 || v.kind == Kind::float32) &&
               ((v.has_decimal() && append_fixed_decimal(out, v.i, v.count - 1u, piece.fixed,
                                                         v.kind == Kind::float32)) ||
                append_fixed(out, v.f, piece.fixed))) {
      // done: what fmt prints for "{:.Nf}"
    } else {
      format_one(out, std::string_view(text + piece.begin, piece.size),
                 values[static_cast<std::size_t>(piece.arg)], texts);
    }
  }
}

const MessagePlan& MessagePlans::get(const record::Site& site) {
  static_assert(kSlots == 256);
  if (site.uid != 0) {
    Slot& s = slots_[site.uid % kSlots];
    if (s.uid != site.uid || !s.plan) {
      s.uid = site.uid;
      s.plan = std::make_unique<MessagePlan>(site.fmt_pattern);
    }
    return *s.plan;
  }
  const auto address = reinterpret_cast<std::uintptr_t>(site.fmt_pattern.data());
  Slot& s = slots_[static_cast<std::size_t>(((address >> 3) * 0x9E3779B97F4A7C15ull) >>
                                            56)];  // the top 8 bits
  if (s.uid != 0 || !s.plan || !s.plan->is(site.fmt_pattern)) {
    s.uid = 0;
    s.plan = std::make_unique<MessagePlan>(site.fmt_pattern);
  }
  return *s.plan;
}

}  // namespace lynx::render::detail
