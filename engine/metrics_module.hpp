// The seam between liblynx and liblynx-metrics.so, the module that serves Options::metrics_listen
// over cpp-httplib. liblynx loads the module with dlopen() only when an engine asks for
// metrics_listen, so a program that does not pays nothing for the HTTP library and what it links
// (Debian's cpp-httplib brings OpenSSL, zlib and brotli, whose initialisers would otherwise run
// in every process that logs). Both sides are built together by the same compiler, so C++ types
// may cross: the symbols are extern "C" only to be found by dlsym().
#pragma once

#include <functional>
#include <string>

namespace lynx::detail {

// The module's file name (installed in <libdir>/lynx/; LYNX_METRICS_MODULE names another path).
inline constexpr const char* kMetricsModuleFile = "liblynx-metrics.so";

// Starts serving GET /metrics with `(*text)()` on host:port from the module's threads; `text`
// outlives the server. Returns the server, or nullptr with *err set (an errno value) and
// *message saying why.
using MetricsStartFn = void* (*)(const std::string& host, int port,
                                 const std::function<std::string()>* text, int* err,
                                 std::string* message);
// Stops the server (its threads joined) and frees it.
using MetricsStopFn = void (*)(void* server);

inline constexpr const char* kMetricsStartSymbol = "lynx_metrics_http_start";
inline constexpr const char* kMetricsStopSymbol = "lynx_metrics_http_stop";

}  // namespace lynx::detail
