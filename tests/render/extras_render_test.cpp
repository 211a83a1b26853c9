// How records with format 2.1 extras render: the context after the message in text and under
// "ctx" in JSON, trace_id/span_id as top-level JSON fields, "suppressed" and "backtrace".
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "format/template_parse.hpp"
#include "record/record_view.hpp"
#include "render/render.hpp"

namespace {

using lynx::record::ContextEntry;
using lynx::record::RecordView;
using lynx::record::Value;

std::string str(const fmt::memory_buffer& b) { return std::string(b.data(), b.size()); }

struct Fixture {
  lynx::format::ParsedTemplate parsed = lynx::format::parse_template("paid {n}");
  lynx::detail::ArgType types[1] = {lynx::detail::ArgType::i64};
  lynx::record::Site site{
      lynx::Level::warn, "orders",     "shop/pay.cpp",    9, "pay", "paid {n}", types,
      parsed.ok,         parsed.names, parsed.fmt_pattern};
  std::vector<Value> args = {Value::int64(3)};
};

}  // namespace

TEST_CASE("context, suppressed count and backtrace mark in text and JSON lines") {
  Fixture f;
  const std::vector<ContextEntry> ctx = {
      {"request_id", Value::int64(42)},
      {"trace_id", Value::string("4bf92f3577b34da6a3ce929d0e0e4736")},
      {"tenant", Value::string("a\nb")},
      {"span_id", Value::string("00f067aa0ba902b7")}};
  const RecordView view{0, &f.site, {0, 7, {}}, f.args, ctx, 12, true};
  lynx::render::Renderer r;
  fmt::memory_buffer text, json;
  r.text(text, view);
  r.json(json, view);
  CHECK(str(text) ==
        "1970-01-01T00:00:00.000000000Z WARN  orders [7] shop/pay.cpp:9 paid 3 request_id=42 "
        "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 tenant=a\\nb span_id=00f067aa0ba902b7 "
        "[suppressed 12] [backtrace]\n");
  CHECK(str(json) ==
        R"({"ts":"1970-01-01T00:00:00.000000000Z","level":"warn","logger":"orders","thread":7,)"
        R"("thread_name":"","pid":0,"file":"shop/pay.cpp","line":9,"function":"pay",)"
        R"("msg":"paid 3","fields":{"n":3},)"
        R"("trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7",)"
        R"("ctx":{"request_id":42,"tenant":"a\nb"},"suppressed":12,"backtrace":true})"
        "\n");
}

TEST_CASE("a record without extras renders as before; only trace fields: no ctx object") {
  Fixture f;
  lynx::render::Renderer r;
  fmt::memory_buffer plain, traced;
  r.json(plain, RecordView{0, &f.site, {0, 7, {}}, f.args});
  CHECK(str(plain).find("ctx") == std::string::npos);
  CHECK(str(plain).ends_with(R"("fields":{"n":3}})"
                             "\n"));
  const std::vector<ContextEntry> ctx = {{"trace_id", Value::string("ab")}};
  r.json(traced, RecordView{0, &f.site, {0, 7, {}}, f.args, ctx});
  CHECK(str(traced).ends_with(R"("fields":{"n":3},"trace_id":"ab"})"
                              "\n"));
}
