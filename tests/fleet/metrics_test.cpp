// The logger's own metrics without a Prometheus server: the exposition text parses (names,
// labels, types, cumulative histogram buckets) and says what Stats says; Options::metrics_listen
// serves it over HTTP while the engine runs; Options::metrics_file is written atomically, again
// and again, and with the final figures at stop.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <dirent.h>
#include <doctest/doctest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "engine/metrics_text.hpp"
#include "exposition.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int free_tcp_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

}  // namespace

TEST_CASE("the exposition text parses and says what Stats says") {
  lynx::Stats s;
  s.records_by_level = {1, 2, 30, 4, 5, 6};
  s.records_dropped = 10;
  s.records_dropped_by_level[int(lynx::Level::warn)] = 7;
  s.records_written = 48;
  s.bytes_written = 123456789012ull;
  s.ring_high_water_bytes = 4096;
  s.backend_lag.counts[0] = 3;   // <= 1 us
  s.backend_lag.counts[5] = 4;   // <= 32 us
  s.backend_lag.counts[27] = 1;  // beyond the last bound
  s.backend_lag.count = 8;
  s.backend_lag.sum_ns = 2'500'000'000;
  const lynx::test::Exposition e =
      lynx::test::parse_exposition(lynx::detail::prometheus_text(s, "svc \"a\"\\b"));
  REQUIRE(e.error.empty());
  CHECK(e.types.at("lynx_records_total") == "counter");
  CHECK(e.types.at("lynx_ring_high_water_bytes") == "gauge");
  CHECK(e.types.at("lynx_backend_lag_seconds") == "histogram");
  const std::string name = "svc \"a\"\\b";  // the label value, unescaped by the parser
  CHECK(e.value("lynx_records_total", {{"name", name}, {"level", "info"}}) == 30);
  CHECK(e.value("lynx_records_total", {{"level", "critical"}}) == 6);
  CHECK(e.value("lynx_records_dropped_total", {{"level", "warn"}}) == 7);
  CHECK(e.value("lynx_records_dropped_total", {{"level", "unknown"}}) == 3);
  CHECK(e.value("lynx_records_written_total", {}) == 48);
  CHECK(e.value("lynx_bytes_written_total", {}) == 123456789012.0);
  CHECK(e.value("lynx_ring_high_water_bytes", {}) == 4096);
  CHECK(e.value("lynx_backend_lag_seconds_bucket", {{"le", "1e-06"}}) == 3);
  CHECK(e.value("lynx_backend_lag_seconds_bucket", {{"le", "1.6e-05"}}) == 3);
  CHECK(e.value("lynx_backend_lag_seconds_bucket", {{"le", "3.2e-05"}}) == 7);
  CHECK(e.value("lynx_backend_lag_seconds_bucket", {{"le", "67.108864"}}) == 7);
  CHECK(e.value("lynx_backend_lag_seconds_bucket", {{"le", "+Inf"}}) == 8);
  CHECK(e.value("lynx_backend_lag_seconds_count", {}) == 8);
  CHECK(e.value("lynx_backend_lag_seconds_sum", {}) == 2.5);
  // Buckets are cumulative, in increasing `le`, and end with +Inf.
  double last_le = 0, last = 0;
  int buckets = 0;
  for (const lynx::test::Sample& x : e.samples) {
    if (x.name != "lynx_backend_lag_seconds_bucket") continue;
    const double le = x.labels.at("le") == "+Inf" ? 1e300 : std::stod(x.labels.at("le"));
    CHECK(le > last_le);
    CHECK(x.value >= last);
    last_le = le;
    last = x.value;
    ++buckets;
  }
  CHECK(buckets == int(lynx::LagHistogram::kBuckets));
  CHECK(last_le == 1e300);
}

TEST_CASE("metrics_listen serves the metrics over HTTP while the engine runs") {
  lynx::test::TempDir dir("metrics");
  const int port = free_tcp_port();
  lynx::Options o{.directory = dir.path(), .name = "web"};
  o.metrics_listen = "127.0.0.1:" + std::to_string(port);
  lynx::Engine engine(o);
  for (int i = 0; i < 250; ++i) LYNX_INFO(lynx::logger("http"), "request {i}", i);
  LYNX_ERROR(lynx::logger("http"), "failed");
  engine.flush();
  httplib::Client client("127.0.0.1", port);
  const httplib::Result r = client.Get("/metrics");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0) == 0);
  const lynx::test::Exposition e = lynx::test::parse_exposition(r->body);
  REQUIRE(e.error.empty());
  CHECK(e.value("lynx_records_total", {{"name", "web"}, {"level", "info"}}) == 250);
  CHECK(e.value("lynx_records_total", {{"level", "error"}}) == 1);
  CHECK(e.value("lynx_records_written_total", {}) == 251);
  CHECK(e.value("lynx_backend_lag_seconds_count", {}) == 251);
  CHECK(client.Get("/other")->status == 404);
}

TEST_CASE("a port in use or a malformed address makes the Engine throw") {
  lynx::test::TempDir dir("metrics");
  const int port = free_tcp_port();
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0);
  REQUIRE(::listen(fd, 1) == 0);
  lynx::Options o{.directory = dir.path(), .name = "busy"};
  o.metrics_listen = "127.0.0.1:" + std::to_string(port);
  CHECK_THROWS_AS(lynx::Engine{o}, std::system_error);
  ::close(fd);
  o.metrics_listen = "127.0.0.1";
  CHECK_THROWS_AS(lynx::Engine{o}, std::invalid_argument);
  o.metrics_listen = "127.0.0.1:99999";
  CHECK_THROWS_AS(lynx::Engine{o}, std::invalid_argument);
}

TEST_CASE("metrics_file is rewritten atomically and holds the final figures after stop") {
  lynx::test::TempDir dir("metrics");
  const std::string file = dir / "lynx.prom";
  lynx::Options o{.directory = dir / "logs", .name = "batch"};
  o.metrics_file = file;
  o.metrics_every = std::chrono::milliseconds(20);
  {
    lynx::Engine engine(o);
    // There from the start, then rewritten while the engine runs.
    REQUIRE(lynx::test::parse_exposition(slurp(file)).error.empty());
    LYNX_WARN(lynx::logger("batch"), "first");
    engine.flush();
    double seen = 0;
    for (int i = 0; i < 500 && seen != 1; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      seen = lynx::test::parse_exposition(slurp(file))
                 .value("lynx_records_total", {{"level", "warn"}});
    }
    CHECK(seen == 1);
    for (int i = 0; i < 99; ++i) LYNX_WARN(lynx::logger("batch"), "more {i}", i);
  }
  const lynx::test::Exposition e = lynx::test::parse_exposition(slurp(file));
  REQUIRE(e.error.empty());
  CHECK(e.value("lynx_records_total", {{"name", "batch"}, {"level", "warn"}}) == 100);
  CHECK(e.value("lynx_records_written_total", {}) == 100);
  // No temporary file is left behind.
  int entries = 0;
  DIR* d = ::opendir(dir.path().c_str());
  while (const dirent* x = ::readdir(d)) entries += x->d_name[0] != '.';
  ::closedir(d);
  CHECK(entries == 2);  // lynx.prom and logs/
}

TEST_CASE("without its module metrics_listen says what is missing") {
  // Run by the fleet_metrics_no_module test, whose LYNX_METRICS_MODULE names no file.
  if (std::getenv("LYNX_TEST_NO_METRICS_MODULE") == nullptr) return;
  lynx::test::TempDir dir("metrics");
  lynx::Options o{.directory = dir.path(), .name = "nomodule"};
  o.metrics_listen = "127.0.0.1:" + std::to_string(free_tcp_port());
  try {
    lynx::Engine engine(o);
    FAIL("the Engine started without its metrics module");
  } catch (const std::invalid_argument& e) {
    const std::string what = e.what();
    CHECK(what.find("liblynx-metrics.so") != std::string::npos);
    CHECK(what.find("/nonexistent/liblynx-metrics.so") != std::string::npos);
  }
  // The file needs no module.
  o.metrics_listen.clear();
  o.metrics_file = dir / "m.prom";
  { lynx::Engine engine(o); }
  CHECK(lynx::test::parse_exposition(slurp(dir / "m.prom")).error.empty());
}
