// Renderer::message renders a pattern piece by piece (render/message_plan.hpp); this checks that
// the pieces print what fmt prints for the whole pattern, for every kind of value and a range of
// specs, and that what fmt refuses still ends in the fallback with fmt's own error text.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <fmt/args.h>
#include <fmt/format.h>

#include "render/render.hpp"

namespace {

using lynx::record::Kind;
using lynx::record::Value;

// What fmt prints for the whole pattern (the values pushed as Renderer::message always did).
std::string by_fmt(const std::string& pattern, const std::vector<Value>& values) {
  fmt::dynamic_format_arg_store<fmt::format_context> store;
  for (const Value& v : values) {
    switch (v.kind) {
      case Kind::int64: store.push_back(v.i); break;
      case Kind::uint64: store.push_back(v.u); break;
      case Kind::pointer:
        store.push_back(reinterpret_cast<const void*>(static_cast<std::uintptr_t>(v.u)));
        break;
      case Kind::boolean: store.push_back(v.b); break;
      case Kind::character: store.push_back(v.c); break;
      case Kind::float32: store.push_back(static_cast<float>(v.f)); break;
      case Kind::float64: store.push_back(v.f); break;
      default: store.push_back(v.s); break;
    }
  }
  return fmt::vformat(pattern, store);
}

std::string rendered(const std::string& pattern, const std::vector<Value>& values) {
  lynx::record::Site site;
  site.format = pattern;
  site.template_ok = true;
  site.fmt_pattern = pattern;
  lynx::render::Renderer r;
  fmt::memory_buffer out;
  r.message(out, site, values);
  r.message(out, site, values);  // the second time from the cached plan
  const std::string twice(out.data(), out.size());
  return twice.substr(0, twice.size() / 2);
}

}  // namespace

TEST_CASE("each value kind, plain and with specs, prints as fmt prints it") {
  const std::vector<Value> values = {
      Value::int64(-42),         Value::uint64(18446744073709551615ull),
      Value::float64(0.1 + 0.2), Value::float32(2.5f),
      Value::boolean(true),      Value::character('x'),
      Value::string("bob"),      Value::pointer(0xdeadbeef),
      Value::float64(-1234.5678)};
  const char* const patterns[] = {
      "{} {} {} {} {} {} {} {} {}",
      "a {{literal}} {} }} b {:>8} {:<6} {:^7} {:e} {:>5} {:3} {:>6} {:>12} {:.3f}",
      "{:+d} {:x} {:.2f} {:.0f} {} {:d} {:10} {:#x} {:.9f}",
      "{:08d} {:#o} {:.1f} {:g} {:b} {:c} {:.2s} {:p} {:.5e}",
      "{} tail only {}",
      "no placeholders at all",
      "",
      "{:.2f}{:.2f}{:.2f}{:.2f}{:.2f}{:.2f}{:.2f}{:.2f}{:.2f}",
  };
  for (const char* p : patterns) {
    CAPTURE(p);
    std::string want;
    try {
      want = by_fmt(p, values);
    } catch (const fmt::format_error&) {
      continue;  // the refusal cases are below
    }
    CHECK(rendered(p, values) == want);
  }
}

TEST_CASE("a spec fmt refuses ends in the fallback, with fmt's message") {
  const std::vector<Value> values = {Value::string("bob"), Value::int64(7)};
  const std::string out = rendered("user {:d} n {}", values);
  std::string error;
  try {
    (void)by_fmt("user {:d} n {}", values);
  } catch (const fmt::format_error& e) {
    error = e.what();
  }
  REQUIRE_FALSE(error.empty());
  CHECK(out.find("[format error: " + error + "]") != std::string::npos);
  CHECK(out.starts_with("user bob n 7"));
}

TEST_CASE("more placeholders than values: the fallback, as before") {
  const std::vector<Value> values = {Value::int64(1)};
  const std::string out = rendered("{} and {}", values);
  CHECK(out.starts_with("1 and {}"));
  CHECK(out.find("[format error:") != std::string::npos);
}
