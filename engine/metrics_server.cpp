// MetricsServer: loads liblynx-metrics.so (engine/metrics_module.hpp) on first use and starts its
// server. The module is looked for in LYNX_METRICS_MODULE (a path), beside the object this code
// is in (the directory of liblynx.so, then its lynx/ subdirectory: the build tree and a
// relocated install), then in the configured install directory (<libdir>/lynx).
#include <dlfcn.h>

#include <mutex>
#include <stdexcept>
#include <system_error>
#include <vector>

#include "engine/metrics_exporter.hpp"
#include "engine/metrics_module.hpp"

namespace lynx::detail {

namespace {

struct Module {
  MetricsStartFn start = nullptr;
  MetricsStopFn stop = nullptr;
  std::string tried;  // what was looked at, for the error
};

const Module& module() {
  static Module m;
  static std::once_flag once;
  std::call_once(once, [] {
    std::vector<std::string> candidates;
    if (const char* env = std::getenv("LYNX_METRICS_MODULE"); env != nullptr && *env != '\0')
      candidates.emplace_back(env);
    Dl_info info{};
    if (::dladdr(reinterpret_cast<void*>(&module), &info) != 0 && info.dli_fname != nullptr) {
      std::string dir(info.dli_fname);
      const std::size_t slash = dir.rfind('/');
      dir = slash == std::string::npos ? "." : dir.substr(0, slash);
      candidates.push_back(dir + "/" + kMetricsModuleFile);
      candidates.push_back(dir + "/lynx/" + kMetricsModuleFile);
    }
#ifdef LYNX_METRICS_MODULE_DIR
    candidates.push_back(std::string(LYNX_METRICS_MODULE_DIR) + "/" + kMetricsModuleFile);
#endif
    for (const std::string& path : candidates) {
      void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
      if (handle == nullptr) {
        const char* why = ::dlerror();
        m.tried += "\n  " + path + ": " + (why != nullptr ? why : "cannot load");
        continue;
      }
      // Kept loaded for the process's life: its server may be started again by a later engine.
      m.start = reinterpret_cast<MetricsStartFn>(::dlsym(handle, kMetricsStartSymbol));
      m.stop = reinterpret_cast<MetricsStopFn>(::dlsym(handle, kMetricsStopSymbol));
      if (m.start != nullptr && m.stop != nullptr) return;
      m.tried += "\n  " + path + ": not a lynx metrics module";
      m.start = nullptr;
    }
  });
  return m;
}

}  // namespace

struct MetricsServer::Impl {
  std::function<std::string()> text;
  void* server = nullptr;
};

MetricsServer::MetricsServer(const std::string& host, int port, std::function<std::string()> text)
    : impl_(std::make_unique<Impl>()) {
  const Module& m = module();
  if (m.start == nullptr)
    throw std::invalid_argument(
        std::string("lynx: metrics_listen needs ") + kMetricsModuleFile +
        " (built with cpp-httplib: meson -Dmetrics, Debian's libcpp-httplib-dev; or set "
        "LYNX_METRICS_MODULE to its path); tried:" +
        m.tried);
  impl_->text = std::move(text);
  int err = 0;
  std::string message;
  impl_->server = m.start(host, port, &impl_->text, &err, &message);
  if (impl_->server == nullptr)
    throw std::system_error(err, std::generic_category(), "lynx: metrics_listen: " + message);
}

MetricsServer::~MetricsServer() {
  if (impl_->server != nullptr) module().stop(impl_->server);
}

}  // namespace lynx::detail
