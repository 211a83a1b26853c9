// A decoded argument value, as readers, renderers and sinks see it. What a value *is* (its Kind)
// is separate from how it was logged and stored (its detail::ArgType): renderers switch on Kind
// only, so a new argument type that decodes to an existing kind touches no renderer.
// Cold path: never used by the producer.
#pragma once

#include <cstdint>
#include <string_view>

namespace lynx::record {

enum class Kind : std::uint8_t {
  boolean,    // b
  character,  // c: one byte as logged
  int64,      // i: every signed integer type
  uint64,     // u: every unsigned integer type
  float32,    // f: a float, exactly widened (printed in float's shortest form)
  float64,    // f
  string,     // s: bytes as logged, not necessarily UTF-8
  pointer,    // u: an address
  // Structured arguments (format 2.1; record/structured.hpp decodes and walks them):
  null,        // an empty std::optional
  array,       // `count` elements of type `*type`, in bytes `s`; u: the count logged (> count
               // when the container was cut)
  object,      // the fields of `*type` (names and types), in bytes `s`; count: fields
  duration,    // i (signed count), u (unsigned) or f (floating), per type->rep; unit type->unit
  time_point,  // i: ns since the Unix epoch (UTC)
  error_code,  // i: the value; s: the category's name
};

struct TypeNode;  // record/type_desc.hpp

struct Value {
  Kind kind = Kind::int64;
  bool b = false;
  char c = 0;
  std::int64_t i = 0;
  std::uint64_t u = 0;
  double f = 0;
  // Points into storage owned by whoever produced the value (a decoded block, a ring): valid
  // only as long as that storage, as documented where values are handed out.
  std::string_view s;
  // Structured values: the type describing them (owned by the call site's definition, valid as
  // long as it) and a count (see Kind). Nothing here is allocated per value.
  const TypeNode* type = nullptr;
  std::uint32_t count = 0;

  static Value boolean(bool v) { return {.kind = Kind::boolean, .b = v, .s = {}}; }
  static Value character(char v) { return {.kind = Kind::character, .c = v, .s = {}}; }
  static Value int64(std::int64_t v) { return {.kind = Kind::int64, .i = v, .s = {}}; }
  static Value uint64(std::uint64_t v) { return {.kind = Kind::uint64, .u = v, .s = {}}; }
  static Value float32(float v) { return {.kind = Kind::float32, .f = v, .s = {}}; }
  static Value float64(double v) { return {.kind = Kind::float64, .f = v, .s = {}}; }
  static Value string(std::string_view v) { return {.kind = Kind::string, .s = v}; }
  static Value pointer(std::uint64_t v) { return {.kind = Kind::pointer, .u = v, .s = {}}; }
  static Value null() { return {.kind = Kind::null, .s = {}}; }

  // True for values that point into someone else's bytes `s` (copy them to keep the value;
  // arrays and objects are walked from those bytes).
  bool has_bytes() const {
    return kind == Kind::string || kind == Kind::array || kind == Kind::object ||
           kind == Kind::error_code;
  }
  // Makes this a value of kind `k` with every other field zero, one field at a time: what hot
  // decoders use instead of assigning a temporary (Value::int64(..) and the like), which GCC
  // builds on the stack in pieces and copies with wide loads that stall on those stores (a fifth
  // of `lynx cat`'s time went there).
  void reset(Kind k) noexcept {
    kind = k;
    b = false;
    c = 0;
    i = 0;
    u = 0;
    f = 0;
    s = {};
    type = nullptr;
    count = 0;
  }

  // A float decoded from a packed block's decimal coding (record/packed.hpp) carries that decimal
  // too: f is the float nearest to i / 10^(count - 1); count is 0 for any other float. Renderers
  // may print the value from the integer (render/fixed_float.hpp); it says nothing f does not, so
  // comparisons ignore it.
  static Value decimal(Kind kind, double f, std::int64_t mantissa, unsigned decimals) {
    return {.kind = kind, .i = mantissa, .f = f, .s = {}, .count = decimals + 1};
  }
  bool has_decimal() const {
    return count != 0 && (kind == Kind::float32 || kind == Kind::float64);
  }

  bool operator==(const Value& o) const {
    if (kind != o.kind) return false;
    if (kind == Kind::float32 || kind == Kind::float64) return f == o.f;
    return b == o.b && c == o.c && i == o.i && u == o.u && f == o.f && s == o.s && type == o.type &&
           count == o.count;
  }
};

}  // namespace lynx::record
