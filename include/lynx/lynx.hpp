// LynxLogger: low-latency structured logging. Include this one header.
//
//   lynx::Engine engine({.directory = "logs", .name = "app"});
//   lynx::Logger& log = lynx::logger("orders");
//   LYNX_INFO(log, "order {id} placed for {amount:.2f}", id, amount);
//
// Then `lynx cat --format json logs/` decodes what was written.
#pragma once

#include "lynx/engine.hpp"
#include "lynx/level.hpp"
#include "lynx/logger.hpp"
#include "lynx/macros.hpp"
#include "lynx/options.hpp"
#include "lynx/stats.hpp"
