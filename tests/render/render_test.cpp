// Unit tests of the render library: timestamps, JSON escaping and values, message formatting with
// its fallback, and whole text and JSON lines.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "format/reader.hpp"
#include "lynx/detail/call_site.hpp"
#include "record/codecs.hpp"
#include "render/render.hpp"

namespace {

using lynx::Level;
using lynx::detail::ArgType;
using lynx::format::CallSiteInfo;
using lynx::record::RecordView;
using lynx::record::Value;
using namespace lynx::render;

CallSiteInfo make_site(std::string format, std::vector<ArgType> types, Level level = Level::info) {
  CallSiteInfo s;
  s.id = 1;
  s.level = level;
  s.logger = "orders";
  s.file = "src/shop/main.cpp";
  s.line = 6;
  s.function = "main";
  s.format = std::move(format);
  s.types = std::move(types);
  s.parsed = lynx::format::parse_template(s.format);
  return s;
}

std::string str(const fmt::memory_buffer& b) { return std::string(b.data(), b.size()); }

std::string timestamp(std::int64_t ns) {
  fmt::memory_buffer b;
  append_timestamp(b, ns);
  return str(b);
}
std::string json_string(std::string_view s) {
  fmt::memory_buffer b;
  append_json_string(b, s);
  return str(b);
}
std::string json_value(const Value& v) {
  fmt::memory_buffer b;
  append_json_value(b, v);
  return str(b);
}
std::string message(const CallSiteInfo& site, const std::vector<Value>& args) {
  fmt::memory_buffer b;
  Renderer r;
  r.message(b, site.view(), args);
  return str(b);
}

std::string text_escaped(std::string_view s) {
  fmt::memory_buffer b;
  append_text_escaped(b, s);
  return str(b);
}

constexpr std::int64_t kExampleTs = 1795814246123456789;  // 2026-11-27T21:17:26.123456789Z

}  // namespace

TEST_CASE("timestamps are UTC RFC 3339 with nanoseconds") {
  CHECK(timestamp(0) == "1970-01-01T00:00:00.000000000Z");
  CHECK(timestamp(kExampleTs) == "2026-11-27T21:17:26.123456789Z");
  CHECK(timestamp(1709251199000000001) == "2024-02-29T23:59:59.000000001Z");
  CHECK(timestamp(-1) == "1969-12-31T23:59:59.999999999Z");
  CHECK(timestamp(std::numeric_limits<std::int64_t>::max()) == "2262-04-11T23:47:16.854775807Z");
  CHECK(timestamp(std::numeric_limits<std::int64_t>::min()) == "1677-09-21T00:12:43.145224192Z");
}

TEST_CASE("JSON strings escape quotes, backslashes and control characters") {
  CHECK(json_string("") == R"("")");
  CHECK(json_string("plain text") == R"("plain text")");
  CHECK(json_string("say \"hi\" \\ now") == R"("say \"hi\" \\ now")");
  CHECK(json_string("a\nb\tc\rd\be\ff") == R"("a\nb\tc\rd\be\ff")");
  CHECK(json_string(std::string_view("\x00\x01\x1f\x7f", 4)) == "\"\\u0000\\u0001\\u001f\x7f\"");
  CHECK(json_string("</script>") == R"("</script>")");
}

TEST_CASE("JSON strings keep valid UTF-8 and replace invalid bytes") {
  const std::string valid = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9d\x84\x9e";  // 2-, 3- and 4-byte forms
  CHECK(json_string(valid) == "\"" + valid + "\"");
  CHECK(json_string("a\xff"
                    "b") == R"("a\ufffdb")");
  CHECK(json_string("\xc0\x80") == R"("\ufffd\ufffd")");                      // overlong NUL
  CHECK(json_string("\xed\xa0\x80") == R"("\ufffd\ufffd\ufffd")");            // surrogate
  CHECK(json_string("\xf4\x90\x80\x80") == R"("\ufffd\ufffd\ufffd\ufffd")");  // above U+10FFFF
  CHECK(json_string("\xe2\x82") == R"("\ufffd\ufffd")");                      // cut-off sequence
  CHECK(json_string("\xc3\xa9\x80") == "\"\xc3\xa9\\ufffd\"");  // stray continuation byte
}

TEST_CASE("JSON values of every argument type") {
  CHECK(json_value(Value::int64(-5)) == "-5");
  CHECK(json_value(Value::int64(-300)) == "-300");
  CHECK(json_value(Value::int64(-70000)) == "-70000");
  CHECK(json_value(Value::int64(std::numeric_limits<std::int64_t>::min())) ==
        "-9223372036854775808");
  CHECK(json_value(Value::uint64(255)) == "255");
  CHECK(json_value(Value::uint64(65535)) == "65535");
  CHECK(json_value(Value::uint64(4294967295u)) == "4294967295");
  const std::uint64_t u64_max = std::numeric_limits<std::uint64_t>::max();
  CHECK(json_value(Value::uint64(u64_max)) == "18446744073709551615");
  CHECK(json_value(Value::boolean(1)) == "true");
  CHECK(json_value(Value::boolean(0)) == "false");
  CHECK(json_value(Value::character('x')) == R"("x")");
  CHECK(json_value(Value::character('"')) == R"("\"")");
  CHECK(json_value(Value::character('\n')) == R"("\n")");
  CHECK(json_value(Value::character(static_cast<char>(0xE9))) == R"("\ufffd")");
  CHECK(json_value(Value::float64(12.5)) == "12.5");
  CHECK(json_value(Value::float64(0.1)) == "0.1");
  CHECK(json_value(Value::float64(-2.0)) == "-2");
  CHECK(json_value(Value::float64(1e300)) == "1e+300");
  CHECK(json_value(Value::float32(static_cast<float>(0.1f))) == "0.1");
  CHECK(json_value(Value::float64(std::nan(""))) == R"("NaN")");
  CHECK(json_value(Value::float32(std::nan(""))) == R"("NaN")");
  CHECK(json_value(Value::float64(HUGE_VAL)) == R"("Infinity")");
  CHECK(json_value(Value::float32(-HUGE_VAL)) == R"("-Infinity")");
  CHECK(json_value(Value::string("bob \"the\" builder")) == R"("bob \"the\" builder")");
  CHECK(json_value(Value::pointer(0x7ffd1234abcdull)) == R"("0x7ffd1234abcd")");
  CHECK(json_value(Value::pointer(0)) == R"("0x0")");
}

TEST_CASE("messages are formatted with fmt from the template") {
  const auto site = make_site("order {id} placed for {amount:.2f} by {user}",
                              {ArgType::i64, ArgType::f64, ArgType::string});
  CHECK(message(site, {Value::int64(17), Value::float64(12.5), Value::string("bob")}) ==
        "order 17 placed for 12.50 by bob");

  const auto all = make_site("{} {} {} {} {} {} {:>4} {:x}",
                             {ArgType::i8, ArgType::u64, ArgType::boolean, ArgType::character,
                              ArgType::f32, ArgType::pointer, ArgType::string, ArgType::u32});
  CHECK(message(all, {Value::int64(-1), Value::uint64(18446744073709551615ull), Value::boolean(1),
                      Value::character('c'), Value::float32(0.1f), Value::pointer(0xbeef),
                      Value::string("ab"), Value::uint64(255)}) ==
        "-1 18446744073709551615 true c 0.1 0xbeef   ab ff");

  CHECK(message(make_site("{{literal}} {n}", {ArgType::i32}), {Value::int64(3)}) == "{literal} 3");
  CHECK(message(make_site("no placeholders", {}), {}) == "no placeholders");
}

TEST_CASE("a format error falls back to default formats and says what went wrong") {
  const auto bad_spec = make_site("user {name:d} has {n} items", {ArgType::string, ArgType::i64});
  CHECK(message(bad_spec, {Value::string("bob"), Value::int64(4)}) ==
        "user bob has 4 items [format error: invalid type specifier]");

  const auto too_few = make_site("{a} and {b}", {ArgType::i64});
  CHECK(message(too_few, {Value::int64(1)}) == "1 and {b} [format error: argument not found]");

  const auto malformed = make_site("broken {x", {ArgType::i64});
  REQUIRE_FALSE(malformed.parsed.ok);
  CHECK(message(malformed, {Value::int64(1)}) == "broken {x [format error: malformed template]");

  const auto stray = make_site("v={v} } {{ok}}", {ArgType::f64});
  REQUIRE_FALSE(stray.parsed.ok);
  CHECK(message(stray, {Value::float64(1.5)}) == "v=1.5 } {ok} [format error: malformed template]");
}

TEST_CASE("positional placeholders are named arg0, arg1, ...") {
  const auto site = make_site("{} then {}", {ArgType::i64, ArgType::string});
  Renderer r;
  fmt::memory_buffer out;
  std::vector<Value> args = {Value::int64(1), Value::string("two")};
  const lynx::record::Site sv = site.view();
  r.json(out, RecordView{0, &sv, {0, 7, {}}, args});
  CHECK(str(out) ==
        R"({"ts":"1970-01-01T00:00:00.000000000Z","level":"info","logger":"orders","thread":7,)"
        R"("thread_name":"","pid":0,"file":"src/shop/main.cpp","line":6,"function":"main",)"
        R"("msg":"1 then two","fields":{"arg0":1,"arg1":"two"}})"
        "\n");

  // More arguments than placeholders (a damaged or foreign file): the extra ones are still named.
  fmt::memory_buffer tmp;
  CHECK(field_name(make_site("{a}", {ArgType::i64, ArgType::i64}).view(), 1, tmp) == "arg1");
}

TEST_CASE("text and JSON lines") {
  const auto site = make_site("order {id} placed for {amount:.2f} by {user}",
                              {ArgType::i64, ArgType::f64, ArgType::string});
  std::vector<Value> args = {Value::int64(17), Value::float64(12.5), Value::string("bob")};
  const lynx::record::Site sv = site.view();
  const RecordView view{kExampleTs, &sv, {0, 4242, {}}, args};
  Renderer r;

  fmt::memory_buffer text;
  r.line(text, OutputFormat::text, view);
  CHECK(str(text) ==
        "2026-11-27T21:17:26.123456789Z INFO  orders [4242] src/shop/main.cpp:6 order 17 placed "
        "for 12.50 "
        "by bob\n");

  fmt::memory_buffer json;
  r.line(json, OutputFormat::json, view);
  CHECK(str(json) ==
        R"({"ts":"2026-11-27T21:17:26.123456789Z","level":"info","logger":"orders","thread":4242,)"
        R"("thread_name":"","pid":0,"file":"src/shop/main.cpp","line":6,"function":"main",)"
        R"("msg":"order 17 placed for 12.50 by bob",)"
        R"("fields":{"id":17,"amount":12.5,"user":"bob"}})"
        "\n");

  // Levels are upper-case and padded to five columns; the message is JSON-escaped.
  const auto crit = make_site("quote \" here {s}", {ArgType::string}, Level::critical);
  const auto warn = make_site("w", {}, Level::warn);
  std::vector<Value> sargs = {Value::string("line\nbreak")};
  fmt::memory_buffer lines;
  const lynx::record::Site warn_view = warn.view(), crit_view = crit.view();
  r.text(lines, RecordView{0, &warn_view, {0, 1, {}}, {}});
  r.json(lines, RecordView{0, &crit_view, {0, 1, {}}, sargs});
  CHECK(str(lines) ==
        "1970-01-01T00:00:00.000000000Z WARN  orders [1] src/shop/main.cpp:6 w\n"
        R"({"ts":"1970-01-01T00:00:00.000000000Z","level":"critical","logger":"orders","thread":1,)"
        R"("thread_name":"","pid":0,"file":"src/shop/main.cpp","line":6,"function":"main",)"
        R"("msg":"quote \" here line\nbreak","fields":{"s":"line\nbreak"}})"
        "\n");
}

TEST_CASE("text output escapes what could forge a line or drive a terminal (CWE-117)") {
  CHECK(text_escaped("plain text, tab\there, back\\slash") == "plain text, tab\there, back\\slash");
  CHECK(text_escaped("a\nb\rc") == R"(a\nb\rc)");
  CHECK(text_escaped("\x1b[31mred\x1b[0m") == R"(\x1b[31mred\x1b[0m)");
  CHECK(text_escaped(std::string_view("\x00\x07\x7f", 3)) == R"(\x00\x07\x7f)");
  CHECK(text_escaped("c1 \xc2\x85 \xc2\x9b csi") == R"(c1 \u0085 \u009b csi)");
  const std::string valid = "caf\xc3\xa9 \xc2\xa0 \xe2\x82\xac \xf0\x9d\x84\x9e";
  CHECK(text_escaped(valid) == valid);  // U+00A0 and above are text
  CHECK(text_safe_prefix(valid) == valid.size());
  CHECK(text_safe_prefix("ab\ncd") == 2);
  CHECK(text_safe_prefix("caf\xc3\xa9\xc2\x85") == 5);
  CHECK(text_safe_prefix("tab\tok\xff") == 6);
  // Every byte value at every place of a message long enough for the 8-byte fast path: the safe
  // prefix stops exactly at each byte that must be escaped (a lone byte >= 0x80 is invalid UTF-8).
  for (unsigned b = 0; b < 256; ++b) {
    const bool unsafe = (b < 0x20 && b != '\t') || b >= 0x7F;
    for (std::size_t at = 0; at < 24; ++at) {
      std::string line(24, 'a');
      line[at] = static_cast<char>(b);
      CAPTURE(b);
      CAPTURE(at);
      CHECK(text_safe_prefix(line) == (unsafe ? at : line.size()));
    }
  }
  CHECK(text_escaped("bad \xff \xc0\x80 \xed\xa0\x80 \xe2\x82") ==
        R"(bad \xff \xc0\x80 \xed\xa0\x80 \xe2\x82)");

  // Every value, the template, the logger, the file and the thread name of a text line.
  auto site = make_site("user {name} \x1b]0;t\x07", {ArgType::string});
  site.logger = "evil\nlogger";
  site.file = "dir/fi\rle.cpp";
  const lynx::record::Site sv = site.view();
  std::vector<Value> args = {Value::string("bob\n2026-01-01T00:00:00Z CRIT fake")};
  Renderer r;
  fmt::memory_buffer out;
  r.text(out, RecordView{0, &sv, {0, 9, "th\x1bread"}, args});
  CHECK(str(out) ==
        "1970-01-01T00:00:00.000000000Z INFO  evil\\nlogger [9] dir/fi\\rle.cpp:6 "
        "user bob\\n2026-01-01T00:00:00Z CRIT fake \\x1b]0;t\\x07\n");
}

TEST_CASE("a record straight from a producer's ring renders like one read from a file") {
  // What a backend sink sees: the constant CallSite of a LYNX_* statement and the ring bytes of
  // its arguments (as detail::log() writes them), decoded with the record codecs.
  using lynx::detail::ArgList;
  using lynx::detail::CallSite;
  using Args = ArgList<std::int64_t, double, std::string>;
  static constexpr CallSite kSite{"order {id} placed for {amount:.2f} by {user}",
                                  "src/shop/main.cpp",
                                  "main",
                                  6,
                                  Level::info,
                                  3,
                                  Args::types.data(),
                                  Args::type_desc()};
  const std::string user = "bob";
  std::vector<std::byte> ring(8 + 8 + 4 + user.size());
  std::byte* p = ring.data();
  p = lynx::detail::encode_arg(p, std::int64_t{17}, 0);
  p = lynx::detail::encode_arg(p, 12.5, 0);
  p = lynx::detail::encode_arg(p, user, user.size());
  REQUIRE(p == ring.data() + ring.size());

  const lynx::format::ParsedTemplate parsed = lynx::format::parse_template(kSite.format);
  const lynx::record::Site site =
      lynx::record::site_of(kSite, "orders", parsed.ok, parsed.names, parsed.fmt_pattern);
  std::vector<Value> values(site.types.size());
  REQUIRE(lynx::record::args_from_ring(site.types, ring.data(), ring.size(), values.data()));
  Renderer r;
  fmt::memory_buffer text;
  r.text(text, RecordView{kExampleTs, &site, {1, 4242, "worker"}, values});
  CHECK(str(text) ==
        "2026-11-27T21:17:26.123456789Z INFO  orders [4242] src/shop/main.cpp:6 order 17 placed "
        "for 12.50 "
        "by bob\n");
}

constexpr std::string_view kThreadNames[] = {"w", "worker-2", "", "t\"q\\\n", "w"};

TEST_CASE("lines of many sites, through the per-site cache, equal lines rendered from scratch") {
  // More sites than the cache has slots, rendered in an order that makes them evict each other;
  // escapes in the logger and the file, positional and named fields, every level.
  std::vector<CallSiteInfo> sites;
  for (int i = 0; i < 700; ++i) {
    CallSiteInfo s = make_site(i % 3 == 0 ? "{} and {}" : "id {id} user {user}",
                               {ArgType::i64, ArgType::string}, static_cast<Level>(i % 6));
    s.logger = "svc." + std::to_string(i) + (i % 7 == 0 ? "\x1b[31m\"q\"" : "");
    s.file = "src/f" + std::to_string(i % 11) + (i % 5 == 0 ? "\n.cpp" : ".cpp");
    s.line = static_cast<std::uint32_t>(i);
    s.function = i % 2 ? "run" : "f\\g";
    sites.push_back(std::move(s));
  }
  const std::vector<Value> values{Value::int64(7), Value::string("ann")};
  Renderer cached;
  for (int round = 0; round < 3; ++round) {
    for (std::size_t k = 0; k < sites.size(); ++k) {
      const std::size_t i = (k * 257 + static_cast<std::size_t>(round) * 31) % sites.size();
      const lynx::record::Site site = sites[i].view();
      REQUIRE(site.uid != 0);
      lynx::record::Site plain = site;
      plain.uid = 0;  // no identity: rendered from its fields
      // Threads change from record to record too (the JSON line keeps the last one's text).
      const lynx::record::Thread thread{static_cast<std::uint32_t>(k % 3), 99,
                                        kThreadNames[(k / 2) % std::size(kThreadNames)]};
      const RecordView with_cache{kExampleTs, &site, thread, values};
      const RecordView from_fields{kExampleTs, &plain, thread, values};
      fmt::memory_buffer a, b;
      Renderer fresh;
      cached.text(a, with_cache);
      cached.json(a, with_cache);
      fresh.text(b, from_fields);
      fresh.json(b, from_fields);
      CAPTURE(i);
      REQUIRE(str(a) == str(b));
    }
  }
}
