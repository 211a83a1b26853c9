// Type descriptors of structured arguments (format 2.1; docs/format.md, "Type descriptors"), as a
// reader holds them: parsed once per call site definition into a tree of TypeNodes that decoded
// values point to (Value::type). The producer writes them from the C++ types at compile time
// (include/lynx/detail/structured.hpp); the tags are detail::TypeTag.
// Cold path: runs once per call site definition. A descriptor comes from a file, so parsing it
// checks everything and bounds its depth (kMaxTypeDepth).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "format/varint.hpp"
#include "lynx/detail/arg_types.hpp"
#include "record/value.hpp"

namespace lynx::record {

using detail::TypeTag;

// Nesting deeper than this makes a descriptor malformed (a writer's types never come close).
inline constexpr std::size_t kMaxTypeDepth = 32;

struct EnumName {
  std::int64_t value;
  std::string_view name;
};

struct TypeNode {
  std::uint8_t tag = 0;  // an ArgType leaf (1 to 14) or a TypeTag
  std::uint32_t kid_count = 0;
  const TypeNode* const* kids = nullptr;  // optional, sequence, duration, enum: one; tuple, object
  const std::string_view* names = nullptr;  // object: one name per kid
  std::span<const EnumName> enums;          // named enum
  Kind rep = Kind::int64;                   // duration: the count's kind
  char unit_text[48] = {};                  // duration: "ms", "s", "[1/3]s", ...
  std::uint8_t unit_size = 0;
  std::size_t min_size = 0;    // fewest data bytes a value takes (at least 1)
  std::size_t fixed_size = 0;  // bytes every value takes, 0 when they vary

  bool leaf() const { return tag >= 1 && tag <= 14; }
  std::string_view unit() const { return {unit_text, unit_size}; }
  detail::ArgType leaf_type() const { return static_cast<detail::ArgType>(tag); }
};

// The parsed descriptors of one call site: one root per argument (nullptr for plain ones).
class SiteTypes {
 public:
  // Values point into its heap buffers, which a move keeps (a copy would not).
  SiteTypes() = default;
  SiteTypes(const SiteTypes&) = delete;
  SiteTypes& operator=(const SiteTypes&) = delete;
  SiteTypes(SiteTypes&&) noexcept = default;
  SiteTypes& operator=(SiteTypes&&) noexcept = default;

  // Parses `desc` (the call site's type_desc field) for the arguments `types`. False when it is
  // malformed, does not match the structured arguments, or has bytes left over.
  bool parse(std::span<const detail::ArgType> types, std::string_view desc) {
    raw_.assign(desc.begin(), desc.end());
    nodes_.clear();
    roots_.assign(types.size(), nullptr);
    std::vector<std::uint32_t> root_index(types.size(), ~0u);
    format::Cursor c(reinterpret_cast<const std::byte*>(raw_.data()), raw_.size());
    for (std::size_t i = 0; i < types.size(); ++i) {
      if (types[i] != detail::ArgType::structured) continue;
      std::uint32_t index;
      if (!node(c, 0, &index)) return false;
      root_index[i] = index;
    }
    if (c.remaining() != 0) return false;
    // Everything is in place: turn indices into pointers (the vectors no longer move).
    kid_ptrs_.clear();
    for (const std::uint32_t k : kid_index_) kid_ptrs_.push_back(&nodes_[k]);
    for (std::size_t n = 0; n < nodes_.size(); ++n) {
      nodes_[n].kids = kid_ptrs_.data() + kid_first_[n];
      nodes_[n].names = names_.data() + name_first_[n];
      nodes_[n].enums = std::span<const EnumName>(enums_.data() + enum_first_[n], enum_count_[n]);
    }
    for (std::size_t i = 0; i < types.size(); ++i)
      if (root_index[i] != ~0u) roots_[i] = &nodes_[root_index[i]];
    return true;
  }
  // The root type of argument i, or nullptr for a plain argument.
  const TypeNode* root(std::size_t i) const { return i < roots_.size() ? roots_[i] : nullptr; }
  std::span<const TypeNode* const> roots() const { return roots_; }
  bool empty() const { return nodes_.empty(); }
  // Bytes held, for the reader's definition budget.
  std::size_t bytes() const { return raw_.size() + nodes_.size() * (sizeof(TypeNode) + 64); }

 private:
  bool node(format::Cursor& c, std::size_t depth, std::uint32_t* out) {
    std::uint8_t tag;
    if (depth >= kMaxTypeDepth || !c.bytes(&tag, 1)) return false;
    const auto self = static_cast<std::uint32_t>(nodes_.size());
    nodes_.emplace_back();
    kid_first_.push_back(kid_index_.size());
    name_first_.push_back(names_.size());
    enum_first_.push_back(enums_.size());
    enum_count_.push_back(0);
    *out = self;
    nodes_[self].tag = tag;
    if (tag >= 1 && tag <= 14) {
      std::size_t size = 0;
      visit(static_cast<detail::ArgType>(tag), [&](auto codec) {
        size = codec.kMinRingBytes;
        if (codec.kind != Kind::string) nodes_[self].fixed_size = size;
      });
      nodes_[self].min_size = size;
      return true;
    }
    std::vector<std::uint32_t> kids;
    std::vector<std::string_view> names;
    std::size_t min = 0;
    bool fixed = true;
    auto kid = [&](std::size_t d) {
      std::uint32_t k;
      if (!node(c, d, &k)) return false;
      kids.push_back(k);
      min += nodes_[k].min_size;
      fixed = fixed && nodes_[k].fixed_size != 0;
      return true;
    };
    std::uint64_t n = 0;
    switch (static_cast<TypeTag>(tag)) {
      case TypeTag::optional:
        if (!kid(depth + 1)) return false;
        min = 1, fixed = false;
        break;
      case TypeTag::sequence:
        if (!kid(depth + 1)) return false;
        min = 8, fixed = false;
        break;
      case TypeTag::tuple:
      case TypeTag::object:
        if (!c.varint(&n) || n == 0 || n > c.remaining()) return false;
        for (std::uint64_t i = 0; i < n; ++i) {
          if (tag == static_cast<std::uint8_t>(TypeTag::object)) {
            std::uint64_t len;
            const std::byte* p;
            if (!c.varint(&len) || !c.view(&p, len)) return false;
            names.emplace_back(reinterpret_cast<const char*>(p), len);
          }
          if (!kid(depth + 1)) return false;
        }
        break;
      case TypeTag::duration: {
        std::uint64_t num, den;
        if (!c.varint(&num) || !c.varint(&den) || num == 0 || den == 0 || !kid(depth + 1) ||
            !nodes_[kids[0]].leaf() || nodes_[kids[0]].leaf_type() == detail::ArgType::string) {
          return false;
        }
        visit(nodes_[kids[0]].leaf_type(), [&](auto codec) { nodes_[self].rep = codec.kind; });
        const std::string unit = unit_of(num, den);  // at most 44 characters
        nodes_[self].unit_size = static_cast<std::uint8_t>(unit.size());
        unit.copy(nodes_[self].unit_text, unit.size());
        break;
      }
      case TypeTag::time_point: min = 8; break;
      case TypeTag::error_code: min = 8, fixed = false; break;
      case TypeTag::named_enum: {
        if (!kid(depth + 1) || !nodes_[kids[0]].leaf()) return false;
        Kind k = Kind::string;
        visit(nodes_[kids[0]].leaf_type(), [&](auto codec) { k = codec.kind; });
        if (k != Kind::int64 && k != Kind::uint64) return false;
        if (!c.varint(&n) || n > c.remaining()) return false;
        for (std::uint64_t i = 0; i < n; ++i) {
          std::uint64_t v, len;
          const std::byte* p;
          if (!c.varint(&v) || !c.varint(&len) || !c.view(&p, len)) return false;
          enums_.push_back({format::unzigzag(v), {reinterpret_cast<const char*>(p), len}});
        }
        enum_count_[self] = enums_.size() - enum_first_[self];
        break;
      }
      default: return false;
    }
    nodes_[self].min_size = min;
    nodes_[self].fixed_size = fixed && min != 0 ? min : 0;
    nodes_[self].kid_count = static_cast<std::uint32_t>(kids.size());
    kid_first_[self] = kid_index_.size();
    kid_index_.insert(kid_index_.end(), kids.begin(), kids.end());
    name_first_[self] = names_.size();
    names_.insert(names_.end(), names.begin(), names.end());
    return true;
  }

  static std::string unit_of(std::uint64_t num, std::uint64_t den) {
    struct Unit {
      std::uint64_t num, den;
      const char* name;
    };
    static constexpr Unit kUnits[] = {{1, 1000000000, "ns"}, {1, 1000000, "us"}, {1, 1000, "ms"},
                                      {1, 1, "s"},           {60, 1, "min"},     {3600, 1, "h"},
                                      {86400, 1, "d"}};
    for (const Unit& u : kUnits)
      if (u.num == num && u.den == den) return u.name;
    return "[" + std::to_string(num) + (den == 1 ? "" : "/" + std::to_string(den)) + "]s";
  }

  std::vector<char> raw_;  // names point into it; never resized after parse()
  std::vector<TypeNode> nodes_;
  std::vector<std::size_t> kid_first_, name_first_, enum_first_, enum_count_;
  std::vector<std::uint32_t> kid_index_;
  std::vector<const TypeNode*> kid_ptrs_;
  std::vector<std::string_view> names_;
  std::vector<EnumName> enums_;
  std::vector<const TypeNode*> roots_;
};

}  // namespace lynx::record
