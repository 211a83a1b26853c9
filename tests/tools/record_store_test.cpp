// tools/record_store.hpp: records held by the merge's windows and the follower's batches come back
// exactly as they went in (every kind of value, string bytes, context, extras), after the bytes
// they were decoded from are gone; and chunks are reused, so memory follows what is held.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <deque>
#include <limits>
#include <string>
#include <vector>

#include "tools/record_store.hpp"

namespace {

using lynx::format::CallSiteInfo;
using lynx::format::Record;
using lynx::format::ThreadInfo;
using lynx::record::ContextEntry;
using lynx::record::Kind;
using lynx::record::Value;
using lynx::tools::RecordStore;

// Compares every field, bit for bit for floats (NaN payloads, -0.0), and string bytes by content.
void check_same(const Value& a, const Value& b) {
  CHECK(a.kind == b.kind);
  CHECK(a.b == b.b);
  CHECK(a.c == b.c);
  CHECK(a.i == b.i);
  CHECK(a.u == b.u);
  CHECK(std::bit_cast<std::uint64_t>(a.f) == std::bit_cast<std::uint64_t>(b.f));
  CHECK(a.s == b.s);
  CHECK(a.type == b.type);
  CHECK(a.count == b.count);
}

// Values of every kind, their bytes in `bytes` (which the test overwrites after put()).
std::vector<Value> every_kind(std::string& bytes) {
  bytes = std::string("hello") + std::string(300, 'x') + std::string("\0\xff", 2) + "[1,2]";
  const std::string_view all(bytes);
  const auto* some_type = reinterpret_cast<const lynx::record::TypeNode*>(&bytes);  // compared only
  std::vector<Value> v{
      Value::boolean(true),
      Value::boolean(false),
      Value::character('\xfe'),
      Value::int64(std::numeric_limits<std::int64_t>::min()),
      Value::int64(-1),
      Value::uint64(std::numeric_limits<std::uint64_t>::max()),
      Value::pointer(0xdeadbeef),
      Value::float32(std::bit_cast<float>(0x7fa00001u)),  // a signalling NaN's payload
      Value::float64(-0.0),
      Value::float64(std::bit_cast<double>(0x7ff4000000000123ull)),
      Value::float64(-std::numeric_limits<double>::infinity()),
      Value::float64(std::numeric_limits<double>::denorm_min()),
      Value::decimal(Kind::float64, 429.89, 42989, 2),  // floats carrying their decimal
      Value::decimal(Kind::float32, static_cast<double>(-0.5f), -5, 1),
      Value::string(all.substr(0, 5)),
      Value::string({}),
      Value::string(all.substr(5, 302)),  // with a NUL and a 0xff byte
      Value::null(),
      Value{.kind = Kind::array, .u = 9, .s = all.substr(307), .type = some_type, .count = 2},
      Value{.kind = Kind::object, .s = all.substr(0, 3), .type = some_type, .count = 1},
      Value{.kind = Kind::duration, .i = -5, .u = 3, .f = 0.5, .s = {}, .type = some_type},
      Value{.kind = Kind::time_point, .i = 1'700'000'000'123'456'789, .s = {}},
      Value{.kind = Kind::error_code, .i = 111, .s = all.substr(0, 4)},
  };
  return v;
}

TEST_CASE("a held record loads back exactly, after the bytes it came from are gone") {
  CallSiteInfo site;
  ThreadInfo thread;
  std::string bytes;
  Record r;
  r.ts_ns = 123456789;
  r.site = &site;
  r.thread = &thread;
  r.args = every_kind(bytes);
  std::string names =
      "request_id"
      "user";
  std::vector<ContextEntry> context{{std::string_view(names).substr(0, 10), r.args[14]},
                                    {std::string_view(names).substr(10), r.args[3]},
                                    {{}, r.args[16]}};
  r.context = context;
  r.suppressed = 42;
  r.backtrace = true;
  const std::vector<Value> want = r.args;
  const std::vector<ContextEntry> want_context = context;
  const std::string want_bytes = bytes, want_names = names;

  RecordStore store;
  const RecordStore::Held* h = store.put(r, 99, 7);
  // The decoded block and the context are overwritten: the held copy must not point there.
  bytes.assign(bytes.size(), '?');
  names.assign(names.size(), '?');
  RecordStore::Loaded out;
  RecordStore::load(*h, &out);

  CHECK(h->ts_ns == 123456789);
  CHECK(h->order_ns == 99);
  CHECK(h->tag == 7);
  CHECK(h->site == &site);
  CHECK(h->thread == &thread);
  CHECK(h->suppressed == 42);
  CHECK(h->backtrace);
  // The expected values, pointing to an unchanged copy of the bytes.
  std::string expect_bytes = want_bytes, expect_names = want_names;
  auto repoint = [](std::string_view s, const std::string& from, const std::string& to) {
    return s.empty() ? s : std::string_view(to).substr(s.data() - from.data(), s.size());
  };
  REQUIRE(out.values.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    Value w = want[i];
    w.s = repoint(w.s, bytes, expect_bytes);
    check_same(out.values[i], w);
  }
  REQUIRE(out.context.size() == want_context.size());
  for (std::size_t i = 0; i < want_context.size(); ++i) {
    CAPTURE(i);
    CHECK(out.context[i].name == repoint(want_context[i].name, names, expect_names));
    Value w = want_context[i].value;
    w.s = repoint(w.s, bytes, expect_bytes);
    check_same(out.context[i].value, w);
  }
  CHECK(store.held() == 1);
  // A copy into another store (the pipeline's batches) is the same record, with its own tag,
  // after the original is dropped and its bytes are reused by another record.
  RecordStore other;
  const RecordStore::Held* copied = other.copy(*h, 3);
  CHECK(other.bytes() == store.bytes());
  store.drop(h);
  CHECK(store.held() == 0);
  CHECK(store.bytes() == 0);
  Record overwrite = r;
  overwrite.args = {Value::string(std::string_view(want_bytes)), Value::int64(-7)};
  overwrite.context = {};
  (void)store.put(overwrite, 1, 1);
  RecordStore::Loaded again;
  RecordStore::load(*copied, &again);
  CHECK(copied->tag == 3);
  CHECK(copied->ts_ns == 123456789);
  CHECK(copied->order_ns == 99);
  CHECK(copied->suppressed == 42);
  CHECK(copied->backtrace);
  REQUIRE(again.values.size() == want.size());
  for (std::size_t i = 0; i < want.size(); ++i) {
    CAPTURE(i);
    Value w = want[i];
    w.s = repoint(w.s, bytes, expect_bytes);
    check_same(again.values[i], w);  // strings compared by content
  }
  REQUIRE(again.context.size() == want_context.size());
  CHECK(again.context[0].name == "request_id");
  other.drop(copied);
  CHECK(other.held() == 0);
}

TEST_CASE("a record without values or context, and one larger than a chunk") {
  CallSiteInfo site;
  ThreadInfo thread;
  RecordStore store;
  Record empty;
  empty.site = &site;
  empty.thread = &thread;
  const std::string big(3u << 20, 'b');
  Record large = empty;
  large.args = {Value::string(big), Value::int64(5)};
  const RecordStore::Held* a = store.put(empty, 1, 0);
  const RecordStore::Held* b = store.put(large, 2, 0);
  const RecordStore::Held* c = store.put(empty, 3, 0);
  RecordStore::Loaded out;
  RecordStore::load(*a, &out);
  CHECK(out.values.empty());
  CHECK(out.context.empty());
  RecordStore::load(*b, &out);
  REQUIRE(out.values.size() == 2);
  CHECK(out.values[0].s == big);
  CHECK(out.values[1].i == 5);
  RecordStore::load(*c, &out);
  CHECK(out.values.empty());
  CHECK(c->order_ns == 3);
}

TEST_CASE("more context fields than 16 bits count") {
  CallSiteInfo site;
  ThreadInfo thread;
  std::vector<ContextEntry> context(70000, ContextEntry{"k", Value::int64(3)});
  context.back().value = Value::int64(4);
  Record r;
  r.site = &site;
  r.thread = &thread;
  r.context = context;
  RecordStore store;
  RecordStore::Loaded out;
  RecordStore::load(*store.put(r, 0, 0), &out);
  REQUIRE(out.context.size() == 70000);
  CHECK(out.context.back().value.i == 4);
  CHECK(out.context.front().name == "k");
}

TEST_CASE("memory follows what is held: chunks are reused, also around a record held long") {
  CallSiteInfo site;
  ThreadInfo thread;
  const std::string text(40, 't');
  Record r;
  r.site = &site;
  r.thread = &thread;
  r.args = {Value::int64(1), Value::string(text), Value::float64(2.5)};
  RecordStore store;
  const RecordStore::Held* kept = store.put(r, -1, 0);  // held to the end
  std::deque<const RecordStore::Held*> window;
  std::size_t peak = 0;
  RecordStore::Loaded out;
  for (std::int64_t i = 0; i < 1'000'000; ++i) {
    r.args[0] = Value::int64(i);
    window.push_back(store.put(r, i, 0));
    if (window.size() > 2000) {
      RecordStore::load(*window.front(), &out);
      REQUIRE(out.values[0].i == i - 2000);
      CHECK(out.values[1].s == text);
      store.drop(window.front());
      window.pop_front();
    }
    peak = std::max(peak, store.capacity());
  }
  // 2,001 records of about 130 bytes: a few chunks, not what a million records took.
  CHECK(store.bytes() < 2002 * 160);
  CHECK(peak <= 8 * (256u << 10));
  RecordStore::load(*kept, &out);
  CHECK(out.values[0].i == 1);
  CHECK(kept->order_ns == -1);
}

}  // namespace
