// Structured argument values (format 2.1): checking their bytes against their type, turning them
// into a Value, and walking the elements of arrays and objects. Values never own anything: an
// array or object Value holds its bytes (Value::s, in the decoded block or ring) and its type
// (Value::type, in the call site's SiteTypes), and its elements are decoded from them when walked,
// so decoding a record allocates nothing.
//
// The data layout (docs/format.md, "Structured values") is the producer's ring layout
// (include/lynx/detail/structured.hpp), which the writer stores unchanged: leaves as in the ring
// (record/codecs.hpp), optional u8 flag then the value, sequence u32 stored, u32 logged, then the
// elements, tuple and object the members in order, duration the count, time point i64 ns,
// error_code i32 value and the category name as a string, named enum the integer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "format/bytes.hpp"
#include "record/codecs.hpp"
#include "record/type_desc.hpp"
#include "record/value.hpp"

namespace lynx::record {

namespace structured_detail {

// The bytes a value of `t` takes at p (at most end - p), or false when they do not fit.
inline bool span_of(const TypeNode& t, const std::byte* p, const std::byte* end,
                    std::size_t* size) {
  const auto left = static_cast<std::size_t>(end - p);
  if (t.fixed_size != 0) {
    if (left < t.fixed_size) return false;
    *size = t.fixed_size;
    return true;
  }
  if (left < t.min_size) return false;
  if (t.leaf()) {  // a string
    const std::size_t n = 4 + std::size_t{format::get<std::uint32_t>(p)};
    if (n > left) return false;
    *size = n;
    return true;
  }
  std::size_t used = 0, part;
  auto kid = [&](const TypeNode& k) {
    if (!span_of(k, p + used, end, &part)) return false;
    used += part;
    return true;
  };
  switch (static_cast<TypeTag>(t.tag)) {
    case TypeTag::optional:
      used = 1;
      if (*p == std::byte{0}) break;
      if (*p != std::byte{1} || !kid(*t.kids[0])) return false;
      break;
    case TypeTag::sequence: {
      const std::uint32_t n = format::get<std::uint32_t>(p);
      const std::uint32_t all = format::get<std::uint32_t>(p + 4);
      const TypeNode& e = *t.kids[0];
      used = 8;
      if (all < n || n > (left - 8) / e.min_size) return false;
      if (e.fixed_size != 0) {
        used += std::size_t{n} * e.fixed_size;
        break;
      }
      for (std::uint32_t i = 0; i < n; ++i)
        if (!kid(e)) return false;
      break;
    }
    case TypeTag::tuple:
    case TypeTag::object:
    case TypeTag::duration:
    case TypeTag::named_enum:
      for (std::uint32_t i = 0; i < t.kid_count; ++i)
        if (!kid(*t.kids[i])) return false;
      break;
    case TypeTag::error_code: {
      const std::size_t n = 8 + std::size_t{format::get<std::uint32_t>(p + 4)};
      if (n > left) return false;
      used = n;
      break;
    }
    default: return false;  // time_point is fixed-size
  }
  *size = used;
  return true;
}

// The value of `t` at p, whose span_of() is `size` (already checked).
inline Value value_at(const TypeNode& t, const std::byte* p, std::size_t size) {
  if (t.leaf()) {
    return visit(t.leaf_type(), [&](auto codec) {
      const std::byte* q = p;
      return codec.from_ring(q);
    });
  }
  Value v;
  switch (static_cast<TypeTag>(t.tag)) {
    case TypeTag::optional:
      if (*p == std::byte{0}) return Value::null();
      return value_at(*t.kids[0], p + 1, size - 1);
    case TypeTag::sequence:
      v.kind = Kind::array;
      v.count = format::get<std::uint32_t>(p);
      v.u = format::get<std::uint32_t>(p + 4);
      v.type = t.kids[0];
      v.s = {reinterpret_cast<const char*>(p + 8), size - 8};
      return v;
    case TypeTag::tuple:
    case TypeTag::object:
      v.kind = Kind::object;
      v.count = t.kid_count;
      v.type = &t;
      v.s = {reinterpret_cast<const char*>(p), size};
      return v;
    case TypeTag::duration: {
      const Value n = value_at(*t.kids[0], p, size);
      v = n;
      v.kind = Kind::duration;
      v.type = &t;
      return v;
    }
    case TypeTag::time_point:
      v.kind = Kind::time_point;
      v.i = format::get<std::int64_t>(p);
      return v;
    case TypeTag::error_code:
      v.kind = Kind::error_code;
      v.i = format::get<std::int32_t>(p);
      v.s = {reinterpret_cast<const char*>(p + 8), size - 8};
      return v;
    case TypeTag::named_enum: {
      const Value n = value_at(*t.kids[0], p, size);
      const std::int64_t x = n.kind == Kind::int64 ? n.i : static_cast<std::int64_t>(n.u);
      for (const EnumName& e : t.enums)
        if (e.value == x) return Value::string(e.name);
      return n;
    }
    default: return {};
  }
}

}  // namespace structured_detail

// True when `v`'s Kind is an object decoded from a std::tuple / std::pair (JSON and text show
// those as arrays; their members have no names).
inline bool is_tuple(const Value& v) {
  return v.kind == Kind::object && v.type != nullptr &&
         v.type->tag == static_cast<std::uint8_t>(TypeTag::tuple);
}

// Turns the bytes of a structured argument (what its codec decoded: a string Value) into its
// Value. False when the bytes do not match the type exactly (damage); *v is then unchanged.
inline bool structured_value(const TypeNode& type, Value* v) {
  const auto* p = reinterpret_cast<const std::byte*>(v->s.data());
  const std::byte* end = p + v->s.size();
  std::size_t size;
  if (!structured_detail::span_of(type, p, end, &size) || size != v->s.size()) return false;
  *v = structured_detail::value_at(type, p, size);
  return true;
}

// Replaces each structured argument of a decoded record (out[i] for the i with a root in
// `types`) by its Value. False when one is malformed.
inline bool expand_structured(const SiteTypes& types, std::span<Value> out) {
  if (types.empty()) return true;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const TypeNode* t = types.root(i);
    if (t != nullptr && !structured_value(*t, &out[i])) return false;
  }
  return true;
}

// Walks the elements of an array Value or the members of an object Value, in order:
//   for (Elements e(v); e.next();) use(e.value(), e.name());
// A value handed out stays valid as long as `v`'s bytes and type. Stops early (next() false) on
// bytes that do not fit, which structured_value() has already ruled out for decoded records.
class Elements {
 public:
  explicit Elements(const Value& v)
      : v_(v), p_(reinterpret_cast<const std::byte*>(v.s.data())), end_(p_ + v.s.size()) {}
  bool next() {
    if (i_ >= v_.count || v_.type == nullptr) return false;
    const TypeNode& t = v_.kind == Kind::array ? *v_.type : *v_.type->kids[i_];
    std::size_t size;
    if (!structured_detail::span_of(t, p_, end_, &size)) return false;
    value_ = structured_detail::value_at(t, p_, size);
    name_ = v_.kind == Kind::object && v_.type->tag == static_cast<std::uint8_t>(TypeTag::object)
                ? v_.type->names[i_]
                : std::string_view();
    p_ += size;
    ++i_;
    return true;
  }
  const Value& value() const { return value_; }
  std::string_view name() const { return name_; }  // objects of lynx::Fields; else empty
  std::size_t index() const { return i_ - 1; }

 private:
  const Value& v_;
  const std::byte* p_;
  const std::byte* end_;
  std::uint32_t i_ = 0;
  Value value_;
  std::string_view name_;
};

}  // namespace lynx::record
