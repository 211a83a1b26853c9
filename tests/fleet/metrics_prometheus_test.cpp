// Options::metrics_listen scraped by a real Prometheus (Debian's `prometheus`, started here on
// 127.0.0.1 with a temporary configuration, scrape_interval 1s): its HTTP API answers a query for
// a counter with what was logged and a histogram_quantile() over the backend lag. Skips (77) when
// prometheus is not installed (scripts/install-deps.sh fleet-ops).
#include <httplib.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "tests/support/skip.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

constexpr const char* kPrometheus = "/usr/bin/prometheus";
int failures = 0;

void check(bool ok, const std::string& what) {
  if (!ok) ++failures;
  std::printf("%s: %s\n", ok ? "ok" : "FAILED", what.c_str());
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

// The first value of an instant-vector answer of /api/v1/query ("value":[ts,"v"]); NaN if none.
double first_value(const std::string& body) {
  const std::size_t v = body.find("\"value\":[");
  if (v == std::string::npos) return std::nan("");
  const std::size_t q = body.find(",\"", v);
  if (q == std::string::npos) return std::nan("");
  return std::strtod(body.c_str() + q + 2, nullptr);
}

// Polls `query` until `ok` holds for its value (up to ~20 s); returns the last value.
template <class Ok>
double poll(httplib::Client& api, const std::string& query, Ok ok) {
  double v = std::nan("");
  for (int i = 0; i < 100; ++i) {
    const httplib::Params params{{"query", query}};
    if (const httplib::Result r = api.Get("/api/v1/query", params, httplib::Headers{})) {
      v = r->status == 200 ? first_value(r->body) : std::nan("");
      if (ok(v)) return v;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::printf("last answer for %s: %g\n", query.c_str(), v);
  return v;
}

// The "expr" strings of docs/grafana-dashboard.json with Grafana's variables filled in (JSON
// escapes undone: the generator writes only \" and \\).
std::vector<std::string> dashboard_queries() {
  std::ifstream in(LYNX_SOURCE_ROOT "/docs/grafana-dashboard.json");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::string> out;
  for (std::size_t at = text.find("\"expr\": \""); at != std::string::npos;
       at = text.find("\"expr\": \"", at + 1)) {
    std::string q;
    for (std::size_t i = at + 9; i < text.size() && text[i] != '"'; ++i) {
      if (text[i] == '\\') ++i;
      q.push_back(text[i]);
    }
    for (const auto& [from, to] : {std::pair<std::string, std::string>{"$__rate_interval", "10s"},
                                   {"$job", ".*"},
                                   {"$instance", ".*"},
                                   {"$name", ".*"}}) {
      for (std::size_t p = q.find(from); p != std::string::npos; p = q.find(from))
        q.replace(p, from.size(), to);
    }
    out.push_back(q);
  }
  return out;
}

}  // namespace

int main() {
  if (::access(kPrometheus, X_OK) != 0)
    return lynx::test::skip("prometheus is not installed (scripts/install-deps.sh fleet-ops)");
  lynx::test::TempDir dir("prometheus");
  const int metrics_port = free_tcp_port();
  const int prom_port = free_tcp_port();
  std::ofstream(dir / "prometheus.yml")
      << "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n"
      << "scrape_configs:\n  - job_name: lynx\n    static_configs:\n"
      << "      - targets: ['127.0.0.1:" << metrics_port << "']\n";

  lynx::Options o{.directory = dir / "logs", .name = "scraped"};
  o.metrics_listen = "127.0.0.1:" + std::to_string(metrics_port);
  lynx::Engine engine(o);
  for (int i = 0; i < 777; ++i) LYNX_INFO(lynx::logger("prom"), "request {i}", i);
  engine.flush();

  std::fflush(stdout);
  const pid_t pid = ::fork();
  if (pid == 0) {
    std::freopen((dir / "prometheus.out").c_str(), "w", stdout);
    std::freopen((dir / "prometheus.out").c_str(), "w", stderr);
    const std::string conf = "--config.file=" + dir / "prometheus.yml";
    const std::string data = "--storage.tsdb.path=" + dir / "data";
    const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(prom_port);
    ::execl(kPrometheus, kPrometheus, conf.c_str(), data.c_str(), listen.c_str(), nullptr);
    ::_exit(127);
  }
  httplib::Client api("127.0.0.1", prom_port);
  api.set_connection_timeout(1);
  const double records =
      poll(api, "lynx_records_total{job=\"lynx\",name=\"scraped\",level=\"info\"}",
           [](double v) { return v == 777; });
  check(records == 777, "lynx_records_total{level=\"info\"} scraped: " + std::to_string(records));
  const double p99 = poll(api, "histogram_quantile(0.99, lynx_backend_lag_seconds_bucket)",
                          [](double v) { return std::isfinite(v) && v > 0; });
  check(std::isfinite(p99) && p99 > 0 && p99 < 70,
        "histogram_quantile(0.99, lynx_backend_lag_seconds_bucket): " + std::to_string(p99));
  const double up = poll(api, "up{job=\"lynx\"}", [](double v) { return v == 1; });
  check(up == 1, "up{job=\"lynx\"} == 1");
  // Every query of the Grafana dashboard is valid PromQL over these metrics, and finds them.
  const std::vector<std::string> queries = dashboard_queries();
  check(queries.size() >= 10, std::to_string(queries.size()) + " dashboard queries");
  for (const std::string& q : queries) {
    const httplib::Params params{{"query", q}};
    const httplib::Result r = api.Get("/api/v1/query", params, httplib::Headers{});
    check(r && r->status == 200 && r->body.find("\"status\":\"success\"") != std::string::npos,
          "dashboard query accepted: " + q);
  }
  const httplib::Params series{{"match[]", "{__name__=~\"lynx_.*\"}"}};
  const httplib::Result names =
      api.Get("/api/v1/label/__name__/values", series, httplib::Headers{});
  for (const char* metric :
       {"lynx_records_total", "lynx_records_dropped_total", "lynx_backend_lag_seconds_bucket",
        "lynx_bytes_written_total", "lynx_write_errors_total", "lynx_ring_high_water_bytes"})
    check(names && names->body.find(std::string("\"") + metric + "\"") != std::string::npos,
          std::string("Prometheus has ") + metric);

  ::kill(pid, SIGTERM);
  int status = 0;
  ::waitpid(pid, &status, 0);
  return failures == 0 ? 0 : 1;
}
