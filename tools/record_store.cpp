#include "tools/record_store.hpp"

#include <algorithm>
#include <cstring>
#include <new>

namespace lynx::tools {

using record::Kind;
using record::Value;

namespace {

// A held value: its kind (one byte), then
//   boolean, character                 one byte
//   int64, uint64, pointer             8 bytes (i or u)
//   floats                             8 bytes (f), then count (1 byte; Value::decimal), then,
//                                      when it is not 0, the decimal's mantissa (8 bytes: i)
//   string                             size (4 bytes) and the bytes
//   anything else (null, structured)   the whole Value, then, when it points to bytes, size and
//                                      bytes (rare: copied as they are)
constexpr std::size_t kSizeBytes = sizeof(std::uint32_t);

// A float's count byte: its Value::decimal count, 0 when it carries none (or one too large for a
// byte, which no decoder makes: then it is held without it).
std::uint8_t held_decimal(const Value& v) {
  return v.has_decimal() && v.count <= UINT8_MAX ? static_cast<std::uint8_t>(v.count) : 0;
}

std::size_t held_size(const Value& v) {
  switch (v.kind) {
    case Kind::boolean:
    case Kind::character: return 2;
    case Kind::int64:
    case Kind::uint64:
    case Kind::pointer: return 9;
    case Kind::float32:
    case Kind::float64: return held_decimal(v) != 0 ? 18 : 10;
    case Kind::string: return 1 + kSizeBytes + v.s.size();
    default: return 1 + sizeof(Value) + (v.has_bytes() ? kSizeBytes + v.s.size() : 0);
  }
}

// Appends without alignment (the chunk's bytes hold values of any size at any offset).
template <class T>
std::byte* put_raw(std::byte* at, const T& x) {
  std::memcpy(at, &x, sizeof x);
  return at + sizeof x;
}
template <class T>
const std::byte* get_raw(const std::byte* at, T* x) {
  std::memcpy(x, at, sizeof *x);
  return at + sizeof *x;
}

std::byte* put_bytes(std::byte* at, std::string_view s) {
  at = put_raw(at, static_cast<std::uint32_t>(s.size()));
  if (!s.empty()) std::memcpy(at, s.data(), s.size());
  return at + s.size();
}
const std::byte* get_bytes(const std::byte* at, std::string_view* s) {
  std::uint32_t n;
  at = get_raw(at, &n);
  *s = std::string_view(reinterpret_cast<const char*>(at), n);
  return at + n;
}

std::byte* put_value(std::byte* at, const Value& v) {
  *at++ = static_cast<std::byte>(v.kind);
  switch (v.kind) {
    case Kind::boolean: *at = static_cast<std::byte>(v.b); return at + 1;
    case Kind::character: *at = static_cast<std::byte>(v.c); return at + 1;
    case Kind::int64: return put_raw(at, v.i);
    case Kind::uint64:
    case Kind::pointer: return put_raw(at, v.u);
    case Kind::float32:
    case Kind::float64: {
      const std::uint8_t decimal = held_decimal(v);
      at = put_raw(at, v.f);
      *at++ = static_cast<std::byte>(decimal);
      return decimal != 0 ? put_raw(at, v.i) : at;
    }
    case Kind::string: return put_bytes(at, v.s);
    default: at = put_raw(at, v); return v.has_bytes() ? put_bytes(at, v.s) : at;
  }
}

// Fills *v field by field (Value::reset): assigning a temporary stalled on its own stores.
const std::byte* get_value(const std::byte* at, Value* v) {
  const auto kind = static_cast<Kind>(*at++);
  switch (kind) {
    case Kind::boolean: v->reset(kind), v->b = *at != std::byte{0}; return at + 1;
    case Kind::character: v->reset(kind), v->c = static_cast<char>(*at); return at + 1;
    case Kind::int64: v->reset(kind); return get_raw(at, &v->i);
    case Kind::uint64:
    case Kind::pointer: v->reset(kind); return get_raw(at, &v->u);
    case Kind::float32:
    case Kind::float64:
      v->reset(kind);
      at = get_raw(at, &v->f);
      v->count = static_cast<std::uint8_t>(*at++);
      return v->count != 0 ? get_raw(at, &v->i) : at;
    case Kind::string: v->reset(kind); return get_bytes(at, &v->s);
    default: at = get_raw(at, v); return v->has_bytes() ? get_bytes(at, &v->s) : at;
  }
}

constexpr std::size_t kAlign = alignof(RecordStore::Held);
constexpr std::size_t aligned(std::size_t n) { return (n + kAlign - 1) & ~(kAlign - 1); }

}  // namespace

RecordStore::Chunk& RecordStore::room_for(std::size_t size) {
  if (!chunks_.empty()) {
    Chunk& c = chunks_[current_];
    if (c.live == 0) c.used = 0;  // nothing held in it any more: start it again
    if (c.capacity - c.used >= size) return c;
    if (c.live == 0) spare_.push_back(current_);  // too small for this record: left empty
  }
  // A spare chunk big enough, else a new one (a record larger than a chunk gets its own).
  for (std::size_t i = spare_.size(); i-- > 0;) {
    if (chunks_[spare_[i]].capacity >= size) {
      current_ = spare_[i];
      spare_.erase(spare_.begin() + static_cast<std::ptrdiff_t>(i));
      chunks_[current_].used = 0;
      return chunks_[current_];
    }
  }
  Chunk c;
  c.capacity = std::max(kChunkSize, size);
  c.data = std::make_unique_for_overwrite<std::byte[]>(c.capacity);
  chunks_.push_back(std::move(c));
  current_ = static_cast<std::uint32_t>(chunks_.size() - 1);
  return chunks_.back();
}

std::byte* RecordStore::claim(std::size_t size) {
  Chunk& c = room_for(size);
  std::byte* at = c.data.get() + c.used;
  c.used += size;
  ++c.live;
  bytes_ += size;
  ++held_;
  return at;
}

const RecordStore::Held* RecordStore::put(const Source& r, std::int64_t order_ns,
                                          std::uint64_t tag) {
  std::size_t size = sizeof(Held);
  for (const Value& v : r.values) size += held_size(v);
  for (const record::ContextEntry& e : r.context)
    size += kSizeBytes + e.name.size() + held_size(e.value);
  size = aligned(size);
  std::byte* at = claim(size);
  Held* h = new (at) Held{};
  h->ts_ns = r.ts_ns;
  h->order_ns = order_ns;
  h->site = r.site;
  h->thread = r.thread;
  h->suppressed = r.suppressed;
  h->tag = tag;
  h->chunk = current_;
  h->size = static_cast<std::uint32_t>(size);
  static_assert(format::kMaxCallSiteArgs <= UINT16_MAX);
  h->values = static_cast<std::uint16_t>(r.values.size());
  h->context = static_cast<std::uint32_t>(r.context.size());
  h->backtrace = r.backtrace;
  at += sizeof(Held);
  for (const Value& v : r.values) at = put_value(at, v);
  for (const record::ContextEntry& e : r.context) at = put_value(put_bytes(at, e.name), e.value);
  return h;
}

const RecordStore::Held* RecordStore::copy(const Held& from, std::uint64_t tag) {
  std::byte* at = claim(from.size);
  std::memcpy(at, &from, from.size);
  Held* h = std::launder(reinterpret_cast<Held*>(at));
  h->tag = tag;
  h->chunk = current_;
  return h;
}

void RecordStore::load(const Held& h, Loaded* out) {
  const std::byte* at = reinterpret_cast<const std::byte*>(&h) + sizeof(Held);
  out->values.resize(h.values);
  for (Value& v : out->values) at = get_value(at, &v);
  out->context.resize(h.context);
  for (record::ContextEntry& e : out->context) at = get_value(get_bytes(at, &e.name), &e.value);
}

void RecordStore::clear() {
  spare_.clear();
  for (std::uint32_t i = 0; i < chunks_.size(); ++i) {
    chunks_[i].live = 0;
    chunks_[i].used = 0;
    if (i != current_) spare_.push_back(i);
  }
  bytes_ = 0;
  held_ = 0;
}

std::size_t RecordStore::capacity() const {
  std::size_t n = 0;
  for (const Chunk& c : chunks_) n += c.capacity;
  return n;
}

void RecordStore::drop(const Held* h) {
  Chunk& c = chunks_[h->chunk];
  bytes_ -= h->size;
  --held_;
  if (--c.live == 0 && h->chunk != current_) spare_.push_back(h->chunk);
}

}  // namespace lynx::tools
