// The syslog sink against a real rsyslogd started here on 127.0.0.1 (TCP, UDP and a unix socket):
// what rsyslog's RFC 5424 parser took from each message (severity, facility, app-name, procid,
// msgid, structured data, msg) equals what was logged, hostile values included; datagrams are
// cut to their limit; while the receiver is away the sink drops (counted in Stats and reported
// in-band) and reconnects when it is back; the configuration file can name the sink. Skips (77)
// when rsyslogd is not installed (scripts/install-deps.sh fleet-ops).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <chrono>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "exposition.hpp"
#include "rsyslog_server.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

lynx::test::TempDir* g_dir = nullptr;
lynx::test::RsyslogServer* g_server = nullptr;

struct Parsed {
  std::string severity, facility, app, procid, msgid, sd, msg;
};

// A parsed.log line: 6 fields separated by '|', then the message (BOM removed).
Parsed parse(const std::string& line) {
  Parsed p;
  std::string* f[] = {&p.severity, &p.facility, &p.app, &p.procid, &p.msgid, &p.sd};
  std::size_t at = 0;
  for (std::string* s : f) {
    const std::size_t bar = line.find('|', at);
    if (bar == std::string::npos) return p;
    *s = line.substr(at, bar - at);
    at = bar + 1;
  }
  p.msg = line.substr(at);
  if (p.msg.rfind("\xEF\xBB\xBF", 0) == 0) p.msg.erase(0, 3);
  return p;
}

std::vector<Parsed> received(const std::string& app, std::size_t n) {
  std::vector<Parsed> out;
  for (const std::string& l : lynx::test::RsyslogServer::wait_lines(
           g_server->parsed_log(), "|" + app + "|", [n](std::size_t k) { return k >= n; }))
    out.push_back(parse(l));
  return out;
}

const std::string kPid = std::to_string(::getpid());

lynx::Options options_for(const std::string& tag) {
  lynx::Options o{.directory = g_dir->file(tag), .name = "t", .level = lynx::Level::debug};
  o.binary = false;
  return o;
}

}  // namespace

TEST_CASE("TCP: rsyslog parses each record's severity, fields, context and message") {
  lynx::Options o = options_for("tcp");
  o.sinks.push_back(
      lynx::syslog_sink({.address = "tcp://127.0.0.1:" + std::to_string(g_server->tcp_port()),
                         .level = lynx::Level::info,
                         .app_name = "lynxtest-tcp",
                         .facility = 16}));
  {
    lynx::Engine engine(o);
    lynx::Logger& log = lynx::logger("orders");
    LYNX_INFO(log, "paid {id} by {user}", 17, std::string("a\"b\\c]d"));
    LYNX_WARN(log, "line {v}", std::string("x\ny"));
    LYNX_DEBUG(log, "below the sink's level {n}", 1);
    LYNX_ERROR(lynx::logger("db.pool"), "plain error");
    {
      lynx::Context ctx("request", std::string("r-9"), "ten ant=]\"", 42);
      LYNX_CRITICAL(log, "in ctx {n}", 1);
    }
    engine.flush();
    CHECK(engine.stats().syslog_sent == 4);
    CHECK(engine.stats().syslog_connects == 1);
  }
  const std::vector<Parsed> r = received("lynxtest-tcp", 4);
  REQUIRE(r.size() == 4);
  for (const Parsed& p : r) {
    CHECK(p.facility == "16");
    CHECK(p.procid == kPid);
    CHECK(p.sd.rfind("[lynx@32473 file=\"", 0) == 0);
  }
  CHECK(r[0].severity == "6");
  CHECK(r[0].msgid == "orders");
  CHECK(r[0].msg == "paid 17 by a\"b\\c]d");
  CHECK(r[0].sd.find("][fields@32473 id=\"17\" user=\"a\\\"b\\\\c\\]d\"]") != std::string::npos);
  CHECK(r[1].severity == "4");
  CHECK(r[1].msg == "line x\\ny");  // the newline text-escaped: no forged line
  CHECK(r[1].sd.find("[fields@32473 v=\"x\\\\ny\"]") != std::string::npos);
  CHECK(r[2].severity == "3");
  CHECK(r[2].msgid == "db.pool");
  CHECK(r[2].msg == "plain error");
  CHECK(r[2].sd.find("fields@") == std::string::npos);
  CHECK(r[3].severity == "2");
  CHECK(r[3].msg == "in ctx 1");
  CHECK(r[3].sd.find("[fields@32473 n=\"1\"][ctx@32473 request=\"r-9\" ten_ant___=\"42\"]") !=
        std::string::npos);
}

TEST_CASE("UDP: one datagram per record, cut to max_datagram_bytes") {
  lynx::Options o = options_for("udp");
  o.sinks.push_back(
      lynx::syslog_sink({.address = "udp://127.0.0.1:" + std::to_string(g_server->udp_port()),
                         .app_name = "lynxtest-udp",
                         .max_datagram_bytes = 1024}));
  {
    lynx::Engine engine(o);
    LYNX_INFO(lynx::logger("udp"), "small {k}", std::string("v"));
    LYNX_INFO(lynx::logger("udp"), "long {s}", std::string(5000, 'x'));
  }
  const std::vector<Parsed> r = received("lynxtest-udp", 2);
  REQUIRE(r.size() == 2);
  CHECK(r[0].severity == "6");
  CHECK(r[0].facility == "1");
  CHECK(r[0].msg == "small v");
  CHECK(r[1].msg.rfind("long xxxx", 0) == 0);
  CHECK(r[1].msg.size() < 1024);
  CHECK(r[1].sd.rfind("[lynx@32473 ", 0) == 0);  // the long field is left out, whole
  CHECK(r[1].sd.find("fields@") == std::string::npos);
  std::size_t raw = 0;
  for (const std::string& l : lynx::test::split_lines(lynx::test::read_file(g_server->raw_log())))
    if (l.find(" lynxtest-udp ") != std::string::npos && l.find("long x") != std::string::npos)
      raw = l.size();
  CHECK(raw == 1024);
}

TEST_CASE("unix datagram socket") {
  lynx::Options o = options_for("unix");
  o.sinks.push_back(lynx::syslog_sink(
      {.address = "unix://" + g_server->unix_socket(), .app_name = "lynxtest-unix"}));
  {
    lynx::Engine engine(o);
    LYNX_WARN(lynx::logger("local"), "over unix {n}", 7);
  }
  const std::vector<Parsed> r = received("lynxtest-unix", 1);
  REQUIRE(r.size() == 1);
  CHECK(r[0].severity == "4");
  CHECK(r[0].msgid == "local");
  CHECK(r[0].msg == "over unix 7");
}

TEST_CASE("receiver away: drops counted and reported in-band, reconnects when it is back") {
  lynx::Options o = options_for("away");
  o.sinks.push_back(
      lynx::syslog_sink({.address = "tcp://127.0.0.1:" + std::to_string(g_server->tcp_port()),
                         .app_name = "lynxtest-away",
                         .buffer_bytes = 4096}));
  constexpr int kDuring = 300;
  std::uint64_t dropped = 0;
  std::vector<Parsed> r;
  {
    lynx::Engine engine(o);
    lynx::Logger& log = lynx::logger("away");
    for (int i = 0; i < 5; ++i) LYNX_INFO(log, "before {i}", i);
    engine.flush();
    REQUIRE(received("lynxtest-away", 5).size() == 5);
    g_server->stop();
    for (int i = 0; i < kDuring; ++i) LYNX_INFO(log, "during {i}", i);
    engine.flush();
    CHECK(engine.stats().syslog_dropped > 0);
    g_server->start();
    // Every "during" message either reaches the receiver or is counted in a notice. The drops may
    // be reported in more than one notice (one per batch the sender swapped out while the receiver
    // was away), depending on how far the sender got before it noticed: wait for the sum.
    const auto accounted = [](const std::vector<Parsed>& got) {
      std::uint64_t n = 0;
      for (const Parsed& p : got) {
        if (p.msg.rfind("during ", 0) == 0) ++n;
        const std::size_t at = p.msg.find(" syslog messages were dropped");
        if (p.msgid == "lynx" && at != std::string::npos) n += std::stoull(p.msg.substr(0, at));
      }
      return n;
    };
    for (int waited = 0; waited < 400 && accounted(r) != kDuring; ++waited) {
      r = received("lynxtest-away", 0);
      if (accounted(r) != kDuring) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    REQUIRE(accounted(r) == kDuring);
    LYNX_INFO(log, "after {i}", 0);
    r = received("lynxtest-away", r.size() + 1);
    REQUIRE(!r.empty());
    CHECK(r.back().msg == "after 0");
    dropped = engine.stats().syslog_dropped;
    CHECK(dropped < kDuring);
    CHECK(engine.stats().syslog_connects >= 2);
  }
  std::size_t during = 0, notices = 0, last_notice = 0, after = 0;
  std::uint64_t reported = 0;
  for (std::size_t i = 0; i < r.size(); ++i) {
    if (r[i].msgid == "lynx") {
      INFO(r[i].sd);
      CHECK(r[i].severity == "4");
      const std::string prefix = "[lynx@32473 dropped=\"";
      REQUIRE(r[i].sd.rfind(prefix, 0) == 0);
      const std::uint64_t n = std::stoull(r[i].sd.substr(prefix.size()));
      CHECK(r[i].sd == prefix + std::to_string(n) + "\"]");
      CHECK(r[i].msg == std::to_string(n) +
                            " syslog messages were dropped (receiver unavailable or buffer full)");
      reported += n;
      ++notices;
      last_notice = i;
    }
    if (r[i].msg.rfind("during ", 0) == 0) ++during;
    if (r[i].msg == "after 0") after = i;
  }
  CHECK(notices >= 1);
  CHECK(reported == dropped);          // every drop reported in-band, once
  CHECK(during + dropped == kDuring);  // every message sent or counted
  CHECK(r.size() == 5 + during + notices + 1);
  CHECK(last_notice < after);
}

TEST_CASE("the configuration file names a syslog sink") {
  lynx::Options o = options_for("config");
  const std::string conf = g_dir->file("lynx.toml");
  std::ofstream(conf) << "[[sinks]]\ntype = \"syslog\"\naddress = \"tcp://127.0.0.1:"
                      << g_server->tcp_port()
                      << "\"\napp_name = \"lynxtest-conf\"\nlevel = \"warn\"\nfacility = 3\n";
  o.config_file = conf;
  {
    lynx::Engine engine(o);
    REQUIRE(engine.options().sinks.size() == 1);
    LYNX_INFO(lynx::logger("conf"), "not sent");
    LYNX_ERROR(lynx::logger("conf"), "from the config {n}", 1);
  }
  const std::vector<Parsed> r = received("lynxtest-conf", 1);
  REQUIRE(r.size() == 1);
  CHECK(r[0].facility == "3");
  CHECK(r[0].msg == "from the config 1");
}

TEST_CASE("at stop, what a receiver that never came could not take is counted as dropped") {
  lynx::Options o = options_for("never");
  const int port = lynx::test::free_port(SOCK_STREAM);  // nobody listens there
  o.sinks.push_back(lynx::syslog_sink({.address = "tcp://127.0.0.1:" + std::to_string(port)}));
  o.metrics_file = g_dir->file("never.prom");  // written once more after the sinks closed
  {
    lynx::Engine engine(o);
    for (int i = 0; i < 10; ++i) LYNX_INFO(lynx::logger("never"), "lost {i}", i);
    engine.flush();  // does not wait for a receiver that is away
    CHECK(engine.stats().syslog_sent == 0);
  }
  const lynx::test::Exposition e =
      lynx::test::parse_exposition(lynx::test::read_file(g_dir->file("never.prom")));
  REQUIRE(e.error.empty());
  CHECK(e.value("lynx_syslog_dropped_total", {}) == 10);
  CHECK(e.value("lynx_syslog_sent_total", {}) == 0);
  CHECK(e.value("lynx_syslog_connects_total", {}) == 0);
}

TEST_CASE("bad syslog options make the Engine throw") {
  lynx::Options o = options_for("bad");
  o.sinks.push_back(lynx::syslog_sink({.address = "http://127.0.0.1:514"}));
  CHECK_THROWS_AS(lynx::Engine{o}, std::invalid_argument);
  o.sinks[0] = lynx::syslog_sink({.address = "tcp://127.0.0.1"});
  CHECK_THROWS_AS(lynx::Engine{o}, std::invalid_argument);
  o.sinks[0] = lynx::syslog_sink({.address = "udp://127.0.0.1:514", .facility = 24});
  CHECK_THROWS_AS(lynx::Engine{o}, std::invalid_argument);
}

int main(int argc, char** argv) {
  if (!lynx::test::rsyslogd_installed())
    return lynx::test::skip("rsyslogd is not installed (scripts/install-deps.sh fleet-ops)");
  lynx::test::TempDir dir("syslog");
  lynx::test::RsyslogServer server(dir.path());
  server.start();
  g_dir = &dir;
  g_server = &server;
  doctest::Context context(argc, argv);
  const int rc = context.run();
  server.stop();
  return rc;
}
