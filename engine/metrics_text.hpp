// Engine::stats() in the Prometheus text exposition format (version 0.0.4), the one text both
// Options::metrics_listen serves and Options::metrics_file writes (docs/fleet.md lists the
// metrics). Every sample carries the label name="<Options::name>", so that several programs'
// textfiles on one machine do not collide. Counters end in _total; the backend lag is a histogram
// in seconds with the fixed buckets of lynx::LagHistogram (cumulative `le` buckets, _sum, _count).
// Any thread; allocates (cold path).
#pragma once

#include <string>
#include <string_view>

#include "lynx/stats.hpp"

namespace lynx::detail {

std::string prometheus_text(const Stats& stats, std::string_view name);

}  // namespace lynx::detail
