// Context fields (lynx::Context) in their two encoded forms, shared by the backend (which receives
// them in a thread's ring), the file writer (format/block_builder.cpp) and the reader: the ring
// form is what lynx/detail/control.hpp's context_push events carry; the file form is in
// docs/format.md ("Record extras"). Cold on the producer side: never used there.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "lynx/detail/arg_types.hpp"
#include "record/codecs.hpp"
#include "record/value.hpp"

namespace lynx::record {

// One field in ring form: `value` points at its bytes in the ring layout of `type`.
struct RingField {
  std::string_view name;
  detail::ArgType type = detail::ArgType::i64;
  const std::byte* value = nullptr;
  std::size_t value_size = 0;
};

// A decoded field, as renderers and sinks see it (RecordView::context).
struct ContextEntry {
  std::string_view name;
  Value value;
};

// Parses fields in ring form (per field: u8 arg_type, u8 name size, name, value) and appends them
// to `out`. False when the bytes do not hold whole fields of known types (never for what a
// producer wrote).
inline bool parse_ring_fields(const std::byte* p, std::size_t n, std::vector<RingField>* out) {
  const std::byte* const end = p + n;
  while (p != end) {
    if (end - p < 2) return false;
    const auto type = static_cast<std::uint8_t>(p[0]);
    const auto name_size = static_cast<std::size_t>(p[1]);
    if (!known_arg_type(type) || static_cast<std::size_t>(end - p) < 2 + name_size) return false;
    RingField f;
    f.name = std::string_view(reinterpret_cast<const char*>(p + 2), name_size);
    f.type = static_cast<detail::ArgType>(type);
    p += 2 + name_size;
    const auto left = static_cast<std::size_t>(end - p);
    const bool fits = visit(f.type, [&](auto codec) {
      if (left < codec.kMinRingBytes || codec.ring_bytes(p) > left) return false;
      f.value_size = codec.ring_bytes(p);
      return true;
    });
    if (!fits) return false;
    f.value = p;
    p += f.value_size;
    out->push_back(f);
  }
  return true;
}

// The value of a field in ring form.
inline Value ring_field_value(const RingField& f) {
  const std::byte* p = f.value;
  return visit(f.type, [&](auto codec) { return codec.from_ring(p); });
}

}  // namespace lynx::record
