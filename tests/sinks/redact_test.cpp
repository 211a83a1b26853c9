// Redaction: each detector on its own (matches, near misses), the (name, value) rule, and the
// end-to-end proof: the raw bytes of every file an engine wrote (binary shards with compression
// none, a text sink, a JSON sink) hold none of the secrets and all of the non-secret parts.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <string>
#include <vector>

#include "engine/redact.hpp"
#include "sink_support.hpp"
#include "tests/support/temp_dir.hpp"

using lynx::Detect;
using lynx::detail::Redactor;

namespace {

std::string scanned(const Redactor& r, const std::string& v) {
  std::string out;
  return r.scan(v, &out) ? out : v;
}

const Redactor kAll({}, Detect::email | Detect::card | Detect::bearer);

}  // namespace

TEST_CASE("email") {
  const Redactor r({}, Detect::email);
  CHECK(scanned(r, "write to jane.doe+x@mail.example.com today") ==
        "write to [redacted:email] today");
  CHECK(scanned(r, "a@b.io, c@d.org.") == "[redacted:email], [redacted:email].");
  CHECK(scanned(r, "not @ an address, x@localhost, y@z.c") ==
        "not @ an address, x@localhost, y@z.c");
  CHECK(scanned(r, "4111111111111111") == "4111111111111111");  // only what is asked for
}

TEST_CASE("card numbers pass the Luhn check, with spaces or dashes") {
  const Redactor r({}, Detect::card);
  CHECK(scanned(r, "paid 4111111111111111.") == "paid [redacted:card].");
  CHECK(scanned(r, "paid 4111 1111 1111 1111 ok") == "paid [redacted:card] ok");
  CHECK(scanned(r, "4012-8888-8888-1881") == "[redacted:card]");
  CHECK(scanned(r, "id 12 4111 1111 1111 1111") == "id 12 [redacted:card]");
  CHECK(scanned(r, "order 1234 5678 9012 3456") == "order 1234 5678 9012 3456");  // Luhn fails
  CHECK(scanned(r, "short 4111 1111 1111") == "short 4111 1111 1111");            // 12 digits
  CHECK(scanned(r, "ts 1795814246123456789") == "ts 1795814246123456789");        // Luhn fails
}

TEST_CASE("bearer tokens and JWTs") {
  const Redactor r({}, Detect::bearer);
  CHECK(scanned(r, "Authorization: Bearer abc.DEF-123_x~+/=") ==
        "Authorization: Bearer [redacted:bearer]");
  CHECK(scanned(r, "header bearer   tok12345 ok") == "header bearer   [redacted:bearer] ok");
  CHECK(scanned(r, "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln end") ==
        "jwt [redacted:bearer] end");
  CHECK(scanned(r, "eyJonly.one") == "eyJonly.one");
  CHECK(scanned(r, "the bearer of news") == "the bearer of news");  // a token has 8+ characters
  CHECK(scanned(r, "unbearable") == "unbearable");
}

TEST_CASE("the (name, value) rule: listed names whole, case-insensitive; others scanned") {
  const Redactor r({"password", "Token"}, Detect::email);
  std::string out;
  CHECK(r.redact("password", "hunter2", &out));
  CHECK(out == "[redacted]");
  CHECK(r.redact("TOKEN", "", &out));
  CHECK(out == "[redacted]");
  CHECK(r.redact("user", "bob@example.com", &out));
  CHECK(out == "[redacted:email]");
  CHECK_FALSE(r.redact("user", "bob", &out));
  CHECK(scanned(kAll, "") == "");
}

TEST_CASE("no secret reaches any file: binary (no compression), text and JSON raw bytes") {
  lynx::test::TempDir dir("redact");
  struct Case {
    std::string secret;
    std::string kept;  // the non-secret part of the same value
  };
  const std::vector<Case> cases = {
      {"hunter2-SECRET", "alice-the-user"},
      {"tok-abc123-SECRET", "tok-label"},
      {"jane.doe@example.com", "write to"},
      {"4111 1111 1111 1111", "paid with"},
      {"4012-8888-8888-1881", "second card"},
      {"abcDEF123.secret-token_x", "Authorization: Bearer"},
      {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXNlY3JldA", "jwt is"},
  };
  {
    lynx::Options o{.directory = dir / "bin", .name = "t"};
    o.compression = lynx::Compression::none;
    o.redact_fields = {"password", "card", "token"};
    o.redact_patterns = Detect::email | Detect::card | Detect::bearer;
    o.sinks.push_back(lynx::text_sink({.path = dir / "app.log"}));
    o.sinks.push_back(lynx::json_sink({.path = dir / "app.jsonl"}));
    lynx::Engine engine(o);
    lynx::Logger& log = lynx::logger("redact");
    for (int i = 0; i < 3; ++i) {
      LYNX_INFO(log, "login {user} {password}", "alice-the-user", std::string("hunter2-SECRET"));
      LYNX_INFO(log, "{label} {token}", "tok-label", std::string("tok-abc123-SECRET"));
      LYNX_INFO(log, "charge {card} {n}", 4111111111111111ull, i);  // not a string: retyped
      LYNX_INFO(log, "note {body}", "write to jane.doe@example.com today");
      LYNX_INFO(log, "{a} and {b}", "paid with 4111 1111 1111 1111",
                "second card 4012-8888-8888-1881");
      LYNX_INFO(log, "{h}", std::string("Authorization: Bearer abcDEF123.secret-token_x"));
      LYNX_INFO(log, "{j}",
                "jwt is eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXNlY3JldA");
      LYNX_INFO(log, "order {ref}", "1234 5678 9012 3456");  // fails Luhn: kept
    }
  }
  std::vector<std::string> paths = {dir / "app.log", dir / "app.jsonl"};
  for (const auto& f : lynx::test::files_starting(dir / "bin", "t."))
    paths.push_back(dir / ("bin/" + f));
  REQUIRE(paths.size() >= 3);
  for (const std::string& path : paths) {
    CAPTURE(path);
    const std::string bytes = lynx::test::slurp(path);
    REQUIRE(!bytes.empty());
    for (const Case& c : cases) {
      CAPTURE(c.secret);
      CHECK(bytes.find(c.secret) == std::string::npos);
      CHECK(bytes.find(c.kept) != std::string::npos);
    }
    CHECK(bytes.find("4111111111111111") == std::string::npos);
    CHECK(bytes.find("1234 5678 9012 3456") != std::string::npos);
  }
  // What the binary files decode to: the listed fields, the detectors' labels, and the integer card
  // number as the string "[redacted]".
  const std::string json = lynx::test::lynx_cat(dir / "bin", true);
  CHECK(json == lynx::test::slurp(dir / "app.jsonl"));
  CHECK(json.find("\"password\":\"[redacted]\"") != std::string::npos);
  CHECK(json.find("\"token\":\"[redacted]\"") != std::string::npos);
  CHECK(json.find("\"card\":\"[redacted]\",\"n\":2") != std::string::npos);
  CHECK(json.find("write to [redacted:email] today") != std::string::npos);
  CHECK(json.find("paid with [redacted:card]") != std::string::npos);
  CHECK(json.find("Authorization: Bearer [redacted:bearer]") != std::string::npos);
  CHECK(json.find("jwt is [redacted:bearer]") != std::string::npos);
  CHECK(lynx::test::slurp(dir / "app.log") == lynx::test::lynx_cat(dir / "bin", false));
}

TEST_CASE("redaction is off by default") {
  lynx::test::TempDir dir("redact");
  {
    lynx::Options o{.directory = dir.path(), .name = "t", .binary = false};
    o.sinks.push_back(lynx::text_sink({.path = dir / "app.log"}));
    lynx::Engine engine(o);
    LYNX_INFO(lynx::logger("redact.off"), "{password} {m}", "pw", "a@b.io");
  }
  const std::string text = lynx::test::slurp(dir / "app.log");
  CHECK(text.find("pw a@b.io") != std::string::npos);
}

TEST_CASE("context fields are redacted like placeholders, in every file") {
  lynx::test::TempDir dir("redact");
  {
    lynx::Options o{.directory = dir / "bin", .name = "t"};
    o.compression = lynx::Compression::none;
    o.redact_fields = {"password", "pin"};
    o.redact_patterns = Detect::email;
    o.sinks.push_back(lynx::json_sink({.path = dir / "app.jsonl"}));
    lynx::Engine engine(o);
    lynx::Context ctx("password", std::string("ctx-hunter2-SECRET"), "contact",
                      "mail ctx.jane@example.com now", "pin", 987654321, "user", "ctx-alice");
    LYNX_INFO(lynx::logger("redact.ctx"), "in context {i}", 1);
  }
  std::vector<std::string> paths = {dir / "app.jsonl"};
  for (const auto& f : lynx::test::files_starting(dir / "bin", "t."))
    paths.push_back(dir / ("bin/" + f));
  for (const std::string& path : paths) {
    CAPTURE(path);
    const std::string bytes = lynx::test::slurp(path);
    CHECK(bytes.find("ctx-hunter2-SECRET") == std::string::npos);
    CHECK(bytes.find("ctx.jane@example.com") == std::string::npos);
    CHECK(bytes.find("ctx-alice") != std::string::npos);
    CHECK(bytes.find("mail ") != std::string::npos);
  }
  const std::string json = lynx::test::lynx_cat(dir / "bin", true);
  CHECK(json == lynx::test::slurp(dir / "app.jsonl"));
  CHECK(json.find(R"("ctx":{"password":"[redacted]","contact":"mail [redacted:email] now",)"
                  R"("pin":"[redacted]","user":"ctx-alice"})") != std::string::npos);
}
