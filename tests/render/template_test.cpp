// Unit tests of line templates (render/template.hpp): every field, widths, braces, escaping,
// colours, local time and the compile errors.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "format/reader.hpp"
#include "render/template.hpp"

namespace {

using lynx::Level;
using lynx::detail::ArgType;
using lynx::format::CallSiteInfo;
using lynx::record::RecordView;
using lynx::record::Value;
using namespace lynx::render;

constexpr std::int64_t kTs = 1795814246123456789;  // 2026-11-27T21:17:26.123456789Z

CallSiteInfo make_site() {
  CallSiteInfo s;
  s.level = Level::error;
  s.logger = "orders.db";
  s.file = "src/shop/db.cpp";
  s.line = 42;
  s.function = "commit";
  s.format = "commit {id} by {user}";
  s.types = {ArgType::i64, ArgType::string};
  s.parsed = lynx::format::parse_template(s.format);
  return s;
}

std::string render(std::string_view spec, const TemplateOptions& options = {},
                   std::string_view user = "bob") {
  static const CallSiteInfo site = make_site();
  const lynx::record::Site view = site.view();
  std::vector<Value> args = {Value::int64(7), Value::string(user)};
  std::string error;
  const auto t = Template::compile(spec, options, &error);
  REQUIRE_MESSAGE(t.has_value(), error);
  Renderer renderer;
  LocalOffsetCache cache;
  fmt::memory_buffer out;
  t->render(out, RecordView{kTs, &view, {4242, 99, "db-pool"}, args}, renderer, cache);
  return std::string(out.data(), out.size());
}

std::string compile_error(std::string_view spec) {
  std::string error;
  CHECK_FALSE(Template::compile(spec, {}, &error).has_value());
  return error;
}

}  // namespace

TEST_CASE("every field") {
  CHECK(render(kDefaultTextTemplate) ==
        "2026-11-27T21:17:26.123456789Z ERROR orders.db [99] src/shop/db.cpp:42 commit 7 by bob\n");
  CHECK(render("{ts_ns} {level_lower} {logger} {basename} {function} {thread} {thread_name} "
               "{pid} {template} | {fields}") ==
        "1795814246123456789 error orders.db db.cpp commit 99 db-pool 4242 commit {id} by {user} "
        "| id=7 user=bob\n");
}

TEST_CASE("widths, alignment, braces and literal text") {
  CHECK(render("[{level:7}][{level:>7}][{line:<4}][{logger:2}]") ==
        "[ERROR  ][  ERROR][42  ][orders.db]\n");
  CHECK(render("{{literal}} }} {{") == "{literal} } {\n");
  TemplateOptions no_newline;
  no_newline.newline = false;
  CHECK(render("{msg}", no_newline) == "commit 7 by bob");
}

TEST_CASE("what comes from the record is escaped, the template's own text is not") {
  CHECK(render("\t{msg}|{fields}", {}, "a\nb \x1b[2J") ==
        "\tcommit 7 by a\\nb \\x1b[2J|id=7 user=\"a\\nb \\x1b[2J\"\n");
}

TEST_CASE("colours by level, not counted in the width") {
  TemplateOptions color;
  color.color = true;
  CHECK(render("{level:6}|", color) == "\x1b[31mERROR\x1b[0m |\n");
  CHECK(render("{level:>6}|", color) == " \x1b[31mERROR\x1b[0m|\n");
}

TEST_CASE("local time carries the zone's offset at that instant") {
  TemplateOptions local;
  local.local_time = true;
  ::setenv("TZ", "America/New_York", 1);
  ::tzset();
  CHECK(render("{ts}", local) == "2026-11-27T16:17:26.123456789-05:00\n");
  ::setenv("TZ", "UTC", 1);
  ::tzset();
  CHECK(render("{ts}", local) == "2026-11-27T21:17:26.123456789+00:00\n");
  ::unsetenv("TZ");
  ::tzset();
  // A summer instant in New York: the cache must not reuse November's offset.
  const CallSiteInfo site = make_site();
  const lynx::record::Site view = site.view();
  std::string error;
  ::setenv("TZ", "America/New_York", 1);
  ::tzset();
  const auto t = Template::compile("{ts}", local, &error);
  REQUIRE(t.has_value());
  Renderer r;
  LocalOffsetCache cache;
  fmt::memory_buffer out;
  std::vector<Value> args = {Value::int64(1), Value::string("x")};
  t->render(out, RecordView{kTs, &view, {}, args}, r, cache);
  t->render(out, RecordView{kTs - 150LL * 86400 * 1'000'000'000, &view, {}, args}, r, cache);
  ::unsetenv("TZ");
  ::tzset();
  CHECK(std::string(out.data(), out.size()) ==
        "2026-11-27T16:17:26.123456789-05:00\n2026-06-30T17:17:26.123456789-04:00\n");
}

TEST_CASE("malformed templates say what and where") {
  CHECK(compile_error("{ts} {tss}")
            .starts_with("unknown field 'tss' in template (at byte 5); fields: ts, ts_ns"));
  CHECK(compile_error("{msg") == "a '{' without its '}' in template (at byte 0)");
  CHECK(compile_error("a } b") ==
        "a '}' without its '{' (write '}}' for a brace) in template (at byte 2)");
  CHECK(compile_error("{level:x}").starts_with("bad width 'x' for 'level'"));
  CHECK(compile_error("{level:9999}").starts_with("bad width '9999'"));
  CHECK(compile_error("{level:}").starts_with("bad width ''"));
}
