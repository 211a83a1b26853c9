// `lynx cat --format otlp-json` against the OTLP/JSON schema: every line is checked against the
// messages of opentelemetry-proto (collector/logs/v1 ExportLogsServiceRequest, logs/v1,
// common/v1, resource/v1) under the protobuf JSON mapping as OTLP specifies it: only known
// fields, lowerCamelCase names, 64-bit integers as decimal strings, 32-bit ones as numbers,
// SeverityNumber as an integer in its range, traceId / spanId as 32 / 16 lowercase hex digits,
// AnyValue with exactly one of its oneof, unique attribute keys. Then the values: what a real
// Engine logged (levels, field types, structured values, context, trace ids) comes out as
// documented in render/otlp.hpp, and the body equals the message of --format json.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <unistd.h>

#include <lynx/lynx.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/fleet/ship_json.hpp"
#include "tests/fleet/ship_support.hpp"

namespace {

struct Point {
  int x;
  int y;
};

}  // namespace

template <>
struct lynx::Fields<Point> {
  static constexpr auto fields =
      lynx::fields(lynx::field("x", &Point::x), lynx::field("y", &Point::y));
};

namespace {

using lynx::test::Json;
using lynx::test::JsonParser;
using Type = Json::Type;

// --- The schema, from the .proto definitions -------------------------------------------------

void fail(const std::string& where, const std::string& what) {
  throw std::runtime_error(where + ": " + what);
}

void only_fields(const Json& j, const std::string& where, std::set<std::string> allowed) {
  if (j.type != Type::object) fail(where, "not an object");
  for (const auto& [k, v] : j.members) {
    if (!allowed.contains(k)) fail(where, "unknown field " + k);
  }
}

bool decimal(const std::string& s, bool sign) {
  std::size_t i = sign && !s.empty() && s[0] == '-' ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// int64 / fixed64 (protobuf JSON: a decimal string; we always write strings).
void int64_field(const Json& j, const std::string& where, bool sign) {
  if (j.type != Type::string || !decimal(j.text, sign)) fail(where, "not a 64-bit decimal string");
}
// uint32 / fixed32 / enum: a JSON number without fraction.
long long int32_field(const Json& j, const std::string& where) {
  if (j.type != Type::number || !decimal(j.text, true)) fail(where, "not an integer number");
  return std::stoll(j.text);
}
void string_field(const Json& j, const std::string& where) {
  if (j.type != Type::string) fail(where, "not a string");
}
void hex_field(const Json& j, const std::string& where, std::size_t digits) {
  string_field(j, where);
  if (j.text.size() != digits) fail(where, "not " + std::to_string(digits) + " hex digits");
  for (char c : j.text)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) fail(where, "not lowercase hex");
}

void any_value(const Json& j, const std::string& where);

void key_values(const Json& j, const std::string& where) {
  if (j.type != Type::array) fail(where, "not an array");
  std::set<std::string> keys;
  for (const Json& kv : j.items) {
    only_fields(kv, where, {"key", "value"});
    const Json* key = kv.find("key");
    if (key == nullptr) fail(where, "KeyValue without key");
    string_field(*key, where + ".key");
    if (!keys.insert(key->text).second) fail(where, "repeated key " + key->text);
    if (const Json* v = kv.find("value")) any_value(*v, where + "." + key->text);
  }
}

void any_value(const Json& j, const std::string& where) {
  only_fields(j, where,
              {"stringValue", "boolValue", "intValue", "doubleValue", "arrayValue", "kvlistValue",
               "bytesValue"});
  if (j.members.size() > 1) fail(where, "more than one of AnyValue's oneof");
  if (j.members.empty()) return;
  const auto& [k, v] = j.members[0];
  if (k == "stringValue" || k == "bytesValue") return string_field(v, where);
  if (k == "boolValue") {
    if (v.type != Type::boolean) fail(where, "boolValue not a bool");
    return;
  }
  if (k == "intValue") return int64_field(v, where, true);
  if (k == "doubleValue") {
    if (v.type == Type::number) return;
    if (v.type == Type::string &&
        (v.text == "NaN" || v.text == "Infinity" || v.text == "-Infinity"))
      return;
    fail(where, "doubleValue not a number");
  }
  only_fields(v, where, {"values"});
  const Json* values = v.find("values");
  if (values == nullptr) return;
  if (k == "kvlistValue") return key_values(*values, where);
  if (values->type != Type::array) fail(where, "arrayValue.values not an array");
  for (const Json& item : values->items) any_value(item, where + "[]");
}

void log_record(const Json& j, const std::string& where) {
  only_fields(j, where,
              {"timeUnixNano", "observedTimeUnixNano", "severityNumber", "severityText", "body",
               "attributes", "droppedAttributesCount", "flags", "traceId", "spanId", "eventName"});
  for (const char* f : {"timeUnixNano", "observedTimeUnixNano"})
    if (const Json* v = j.find(f)) int64_field(*v, where + "." + f, false);
  if (const Json* v = j.find("severityNumber")) {
    const long long n = int32_field(*v, where + ".severityNumber");
    if (n < 0 || n > 24) fail(where, "severityNumber outside SeverityNumber (0..24)");
  }
  if (const Json* v = j.find("severityText")) string_field(*v, where + ".severityText");
  if (const Json* v = j.find("eventName")) string_field(*v, where + ".eventName");
  if (const Json* v = j.find("body")) any_value(*v, where + ".body");
  if (const Json* v = j.find("attributes")) key_values(*v, where + ".attributes");
  for (const char* f : {"droppedAttributesCount", "flags"}) {
    if (const Json* v = j.find(f); v != nullptr && int32_field(*v, where + "." + f) < 0)
      fail(where, std::string(f) + " negative");
  }
  if (const Json* v = j.find("traceId")) hex_field(*v, where + ".traceId", 32);
  if (const Json* v = j.find("spanId")) hex_field(*v, where + ".spanId", 16);
}

void export_logs_request(const Json& j) {
  only_fields(j, "request", {"resourceLogs"});
  const Json* rl = j.find("resourceLogs");
  if (rl == nullptr || rl->type != Type::array) fail("request", "resourceLogs not an array");
  for (const Json& r : rl->items) {
    only_fields(r, "resourceLogs", {"resource", "scopeLogs", "schemaUrl"});
    if (const Json* res = r.find("resource")) {
      only_fields(*res, "resource", {"attributes", "droppedAttributesCount"});
      if (const Json* a = res->find("attributes")) key_values(*a, "resource.attributes");
    }
    const Json* sl = r.find("scopeLogs");
    if (sl == nullptr || sl->type != Type::array) fail("resourceLogs", "scopeLogs not an array");
    for (const Json& s : sl->items) {
      only_fields(s, "scopeLogs", {"scope", "logRecords", "schemaUrl"});
      if (const Json* scope = s.find("scope")) {
        only_fields(*scope, "scope", {"name", "version", "attributes", "droppedAttributesCount"});
        if (const Json* n = scope->find("name")) string_field(*n, "scope.name");
      }
      const Json* recs = s.find("logRecords");
      if (recs == nullptr || recs->type != Type::array) fail("scopeLogs", "logRecords");
      for (const Json& rec : recs->items) log_record(rec, "logRecord");
    }
  }
}

// --- Helpers --------------------------------------------------------------------------------

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

const Json& the_record(const Json& request) {
  return request.find("resourceLogs")
      ->items.at(0)
      .find("scopeLogs")
      ->items.at(0)
      .find("logRecords")
      ->items.at(0);
}

const Json* attribute(const Json& attributes, const std::string& key) {
  for (const Json& kv : attributes.items)
    if (kv.find("key")->text == key) return kv.find("value");
  return nullptr;
}

std::string one(const Json* any, const std::string& kind) {
  REQUIRE(any != nullptr);
  const Json* v = any->find(kind);
  REQUIRE_MESSAGE(v != nullptr, "expected " << kind);
  return v->type == Type::boolean ? (v->b ? "true" : "false") : v->text;
}

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_CASE("the schema check itself refuses what OTLP refuses") {
  const auto bad = [](const std::string& s) {
    CHECK_THROWS(export_logs_request(JsonParser::parse(s)));
  };
  bad(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":12}]}]}]})");
  bad(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severityNumber":25}]}]}]})");
  bad(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"severity_number":9}]}]}]})");
  bad(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"0AF7"}]}]}]})");
  bad(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"a","intValue":"1"}}]}]}]})");
  bad(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"attributes":[{"key":"a"},{"key":"a"}]}]}]}]})");
  export_logs_request(JsonParser::parse(
      R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"12","severityNumber":9}]}]}]})"));
}

TEST_CASE("lynx cat --format otlp-json: every line an ExportLogsServiceRequest, values mapped") {
  lynx::test::TempDir dir("otlp");
  const std::int64_t before = now_ns();
  {
    lynx::Engine engine({.directory = dir.path(), .name = "o"});
    lynx::Logger& log = lynx::logger("otlp.test");
    log.set_level(lynx::Level::trace);
    {
      lynx::Context ctx("trace_id", "0AF7651916CD43DD8448EB211C80319C", "span_id",
                        "b7ad6b7169203331", "tenant", "acme");
      LYNX_INFO(log, "scalars {i} {u} {d} {b} {s}", -42, std::numeric_limits<std::uint64_t>::max(),
                2.5, true, std::string("line\nbreak \x01 caf\xc3\xa9"));
    }
    {
      lynx::Context ctx("trace_id", "not-a-trace-id");
      LYNX_WARN(log, "odd {nan} {inf}", std::nan(""), std::numeric_limits<double>::infinity());
    }
    LYNX_ERROR(log, "structured {v} {p} {o}", std::vector<int>{1, 2, 3}, Point{4, 5},
               std::optional<int>{});
    LYNX_TRACE(log, "t");
    LYNX_DEBUG(log, "d");
    LYNX_CRITICAL(log, "c");
  }
  const std::int64_t after = now_ns();
  std::string otlp, json, err;
  REQUIRE(lynx::test::run_lynx_to_end({"cat", "--format", "otlp-json", dir.path()}, &otlp, &err) ==
          0);
  REQUIRE(lynx::test::run_lynx_to_end({"cat", "--format", "json", dir.path()}, &json) == 0);
  const auto lines = lines_of(otlp), json_lines = lines_of(json);
  REQUIRE(lines.size() == 6);
  REQUIRE(json_lines.size() == 6);
  std::vector<Json> recs;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    INFO(lines[i]);
    const Json request = JsonParser::parse(lines[i]);
    CHECK_NOTHROW(export_logs_request(request));
    const Json& rl = request.find("resourceLogs")->items.at(0);
    const Json& res = *rl.find("resource")->find("attributes");
    CHECK(one(attribute(res, "process.pid"), "intValue") == std::to_string(::getpid()));
    CHECK(!one(attribute(res, "service.name"), "stringValue").empty());
    CHECK(!one(attribute(res, "host.name"), "stringValue").empty());
    CHECK(rl.find("scopeLogs")->items.at(0).find("scope")->find("name")->text == "otlp.test");
    const Json& rec = the_record(request);
    const std::int64_t t = std::stoll(rec.find("timeUnixNano")->text);
    CHECK(t >= before);
    CHECK(t <= after);
    // The body is the message --format json shows.
    CHECK(one(rec.find("body"), "stringValue") ==
          JsonParser::parse(json_lines[i]).find("msg")->text);
    recs.push_back(rec);
  }
  const auto severity = [&](std::size_t i) {
    return std::make_pair(std::stoi(recs[i].find("severityNumber")->text),
                          recs[i].find("severityText")->text);
  };
  CHECK(severity(0) == std::make_pair(9, std::string("INFO")));
  CHECK(severity(1) == std::make_pair(13, std::string("WARN")));
  CHECK(severity(2) == std::make_pair(17, std::string("ERROR")));
  CHECK(severity(3) == std::make_pair(1, std::string("TRACE")));
  CHECK(severity(4) == std::make_pair(5, std::string("DEBUG")));
  CHECK(severity(5) == std::make_pair(21, std::string("CRITICAL")));

  const Json& a0 = *recs[0].find("attributes");
  CHECK(one(attribute(a0, "i"), "intValue") == "-42");
  CHECK(one(attribute(a0, "u"), "stringValue") == "18446744073709551615");  // beyond int64
  CHECK(one(attribute(a0, "d"), "doubleValue") == "2.5");
  CHECK(one(attribute(a0, "b"), "boolValue") == "true");
  CHECK(one(attribute(a0, "s"), "stringValue") == "line\nbreak \x01 caf\xc3\xa9");
  CHECK(one(attribute(a0, "tenant"), "stringValue") == "acme");
  CHECK(one(attribute(a0, "code.lineno"), "intValue") != "0");
  CHECK(one(attribute(a0, "code.filepath"), "stringValue").ends_with("ship_otlp_test.cpp"));
  CHECK(recs[0].find("traceId")->text == "0af7651916cd43dd8448eb211c80319c");
  CHECK(recs[0].find("spanId")->text == "b7ad6b7169203331");
  CHECK(attribute(a0, "trace_id") == nullptr);

  const Json& a1 = *recs[1].find("attributes");
  CHECK(one(attribute(a1, "nan"), "doubleValue") == "NaN");
  CHECK(one(attribute(a1, "inf"), "doubleValue") == "Infinity");
  CHECK(recs[1].find("traceId") == nullptr);  // not an OTLP trace id: kept as an attribute
  CHECK(one(attribute(a1, "trace_id"), "stringValue") == "not-a-trace-id");

  const Json& a2 = *recs[2].find("attributes");
  const Json& v = *attribute(a2, "v")->find("arrayValue")->find("values");
  REQUIRE(v.items.size() == 3);
  CHECK(one(&v.items[2], "intValue") == "3");
  const Json& p = *attribute(a2, "p")->find("kvlistValue")->find("values");
  CHECK(one(attribute(p, "y"), "intValue") == "5");
  CHECK(attribute(a2, "o")->members.empty());  // an empty optional: an empty AnyValue
}

TEST_CASE("lynx cat --format otlp-json: attribute keys stay unique when names clash") {
  lynx::test::TempDir dir("otlp-keys");
  {
    lynx::Engine engine({.directory = dir.path(), .name = "o"});
    lynx::Logger& log = lynx::logger("otlp.keys");
    lynx::Context ctx("user", "from-context", "thread.id", "ctx-thread");
    LYNX_INFO(log, "{user} logged in", "first");
  }
  std::string otlp;
  REQUIRE(lynx::test::run_lynx_to_end({"cat", "--format", "otlp-json", dir.path()}, &otlp) == 0);
  const auto lines = lines_of(otlp);
  REQUIRE(lines.size() == 1);
  INFO(lines[0]);
  const Json request = JsonParser::parse(lines[0]);
  CHECK_NOTHROW(export_logs_request(request));  // which fails on a repeated key
  const Json& a = *the_record(request).find("attributes");
  CHECK(one(attribute(a, "user"), "stringValue") == "first");
  CHECK(one(attribute(a, "ctx.user"), "stringValue") == "from-context");
  CHECK(one(attribute(a, "ctx.thread.id"), "stringValue") == "ctx-thread");
  CHECK(one(attribute(a, "thread.id"), "intValue") != "ctx-thread");
}

}  // namespace
