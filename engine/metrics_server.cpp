// MetricsServer over cpp-httplib (Debian's libcpp-httplib-dev): GET /metrics answers the
// exposition text; one worker thread (a scrape every few seconds needs no more) plus the
// accepting thread.
#include <httplib.h>
#include <pthread.h>

#include <cerrno>
#include <system_error>
#include <thread>

#include "engine/metrics_exporter.hpp"

namespace lynx::detail {

struct MetricsServer::Impl {
  httplib::Server server;
  std::thread thread;
};

MetricsServer::MetricsServer(const std::string& host, int port, std::function<std::string()> text)
    : impl_(std::make_unique<Impl>()) {
  impl_->server.new_task_queue = [] { return new httplib::ThreadPool(1); };
  impl_->server.Get("/metrics", [text](const httplib::Request&, httplib::Response& res) {
    res.set_content(text(), "text/plain; version=0.0.4; charset=utf-8");
  });
  if (!impl_->server.bind_to_port(host, port)) {
    const int err = errno != 0 ? errno : EADDRINUSE;
    throw std::system_error(
        err, std::generic_category(),
        "lynx: metrics_listen: cannot listen on " + host + ":" + std::to_string(port));
  }
  impl_->thread = std::thread([this] {
    pthread_setname_np(pthread_self(), "lynx-metrics");
    impl_->server.listen_after_bind();
  });
}

MetricsServer::~MetricsServer() {
  impl_->server.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace lynx::detail
