// The logger's own metrics for Prometheus (engine/metrics_text.hpp): Options::metrics_listen
// serves them over HTTP (GET /metrics, cpp-httplib in the module of engine/metrics_module.hpp,
// one thread that accepts and one that answers; never the backend), Options::metrics_file writes
// them every Options::metrics_every and once at stop, atomically (a temporary file beside it,
// renamed over it), for node_exporter's textfile collector. Both read Engine::stats() (relaxed
// counters; no lock shared with the backend or the producers). Its threads never log through lynx.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "lynx/options.hpp"
#include "lynx/stats.hpp"

namespace lynx::detail {

class MetricsServer;  // below

class MetricsExporter {
 public:
  // Starts what `options` asks for (nothing when both are empty). Throws std::invalid_argument
  // for a malformed address or interval (or metrics_listen in a build without cpp-httplib),
  // std::system_error when the address cannot be bound.
  MetricsExporter(const Options& options, std::function<Stats()> stats);
  // Stops the server and writes the file a last time.
  ~MetricsExporter();
  MetricsExporter(const MetricsExporter&) = delete;
  MetricsExporter& operator=(const MetricsExporter&) = delete;

  static bool wanted(const Options& o) {
    return !o.metrics_listen.empty() || !o.metrics_file.empty();
  }

 private:
  std::string text() const;
  void write_file();
  void file_loop();

  const std::string name_;
  const std::string file_;
  const std::chrono::milliseconds every_;
  const std::function<Stats()> stats_;
  std::unique_ptr<MetricsServer> server_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;  // under mutex_
  bool reported_ = false;
  std::thread file_thread_;
};

// For the server: "HOST:PORT" or "[IPv6]:PORT"; throws std::invalid_argument naming `address`.
void split_listen_address(const std::string& address, std::string* host, int* port);

// engine/metrics_server.cpp: through liblynx-metrics.so, loaded on first use.
class MetricsServer {
 public:
  // Binds `host`:`port` (std::system_error when it cannot) and starts serving `text()`;
  // std::invalid_argument when the module cannot be loaded.
  MetricsServer(const std::string& host, int port, std::function<std::string()> text);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace lynx::detail
