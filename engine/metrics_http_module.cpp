// liblynx-metrics.so (engine/metrics_module.hpp): GET /metrics over cpp-httplib (Debian's
// libcpp-httplib-dev), one worker thread (a scrape every few seconds needs no more) besides the
// accepting one. Loaded by liblynx on demand; never linked into it.
#include <httplib.h>
#include <pthread.h>

#include <cerrno>
#include <memory>
#include <thread>

#include "engine/metrics_module.hpp"

namespace {

struct Server {
  httplib::Server http;
  std::thread thread;
};

}  // namespace

extern "C" __attribute__((visibility("default"))) void* lynx_metrics_http_start(
    const std::string& host, int port, const std::function<std::string()>* text, int* err,
    std::string* message) {
  auto s = std::make_unique<Server>();
  s->http.new_task_queue = [] { return new httplib::ThreadPool(1); };
  s->http.Get("/metrics", [text](const httplib::Request&, httplib::Response& res) {
    res.set_content((*text)(), "text/plain; version=0.0.4; charset=utf-8");
  });
  errno = 0;
  if (!s->http.bind_to_port(host, port)) {
    *err = errno != 0 ? errno : EADDRINUSE;
    *message = "cannot listen on " + host + ":" + std::to_string(port);
    return nullptr;
  }
  Server* raw = s.get();
  s->thread = std::thread([raw] {
    pthread_setname_np(pthread_self(), "lynx-metrics");
    raw->http.listen_after_bind();
  });
  return s.release();
}

extern "C" __attribute__((visibility("default"))) void lynx_metrics_http_stop(void* server) {
  auto* s = static_cast<Server*>(server);
  s->http.stop();
  if (s->thread.joinable()) s->thread.join();
  delete s;
}
