// MetricsServer in a build without cpp-httplib (meson -Dmetrics=disabled, or the library not
// found): Options::metrics_listen is refused with a clear message.
#include <stdexcept>

#include "engine/metrics_exporter.hpp"

namespace lynx::detail {

struct MetricsServer::Impl {};

MetricsServer::MetricsServer(const std::string&, int, std::function<std::string()>) {
  throw std::invalid_argument(
      "lynx: metrics_listen needs a lynx built with cpp-httplib (meson -Dmetrics=enabled; "
      "Debian: libcpp-httplib-dev)");
}

MetricsServer::~MetricsServer() = default;

}  // namespace lynx::detail
