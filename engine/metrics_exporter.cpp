#include "engine/metrics_exporter.hpp"

#include <pthread.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

#include "engine/metrics_text.hpp"

namespace lynx::detail {

void split_listen_address(const std::string& address, std::string* host, int* port) {
  auto bad = [&address](const char* why) {
    throw std::invalid_argument("lynx: metrics_listen \"" + address + "\": " + why +
                                " (HOST:PORT, e.g. 127.0.0.1:9464)");
  };
  std::string p;
  if (!address.empty() && address.front() == '[') {
    const std::size_t close = address.find("]:");
    if (close == std::string::npos) bad("expected [ADDRESS]:PORT");
    *host = address.substr(1, close - 1);
    p = address.substr(close + 2);
  } else {
    const std::size_t colon = address.rfind(':');
    if (colon == std::string::npos) bad("no port");
    *host = address.substr(0, colon);
    p = address.substr(colon + 1);
  }
  if (host->empty()) bad("no host");
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(p) > 65535)
    bad("bad port");
  *port = std::stoi(p);
}

MetricsExporter::MetricsExporter(const Options& o, std::function<Stats()> stats)
    : name_(o.name), file_(o.metrics_file), every_(o.metrics_every), stats_(std::move(stats)) {
  if (!file_.empty() && every_.count() <= 0)
    throw std::invalid_argument("lynx: metrics_every must be above 0");
  if (!o.metrics_listen.empty()) {
    std::string host;
    int port = 0;
    split_listen_address(o.metrics_listen, &host, &port);
    server_ = std::make_unique<MetricsServer>(host, port, [this] { return text(); });
  }
  if (!file_.empty()) {
    write_file();  // there from the start
    file_thread_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "lynx-metrics");
      file_loop();
    });
  }
}

MetricsExporter::~MetricsExporter() {
  server_.reset();
  if (file_thread_.joinable()) {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    file_thread_.join();
    write_file();  // the final figures
  }
}

std::string MetricsExporter::text() const { return prometheus_text(stats_(), name_); }

void MetricsExporter::file_loop() {
  std::unique_lock lock(mutex_);
  while (!stop_) {
    if (wake_.wait_for(lock, every_, [this] { return stop_; })) break;
    lock.unlock();
    write_file();
    lock.lock();
  }
}

void MetricsExporter::write_file() {
  // The textfile collector reads *.prom files: the temporary name must not end in .prom.
  const std::string tmp = file_ + ".tmp." + std::to_string(::getpid());
  const std::string body = text();
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  bool ok = f != nullptr && std::fwrite(body.data(), 1, body.size(), f) == body.size();
  if (f != nullptr) ok = std::fclose(f) == 0 && ok;
  if (ok) ok = std::rename(tmp.c_str(), file_.c_str()) == 0;
  if (!ok) {
    ::unlink(tmp.c_str());
    if (!reported_) {
      std::perror(("lynx: cannot write metrics_file " + file_).c_str());
      reported_ = true;
    }
    return;
  }
  reported_ = false;
}

}  // namespace lynx::detail
