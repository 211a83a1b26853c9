/// \file
/// LynxLogger: low-latency structured logging. Include this one header.
///
///     lynx::Engine engine({.directory = "logs", .name = "app"});
///     lynx::Logger& log = lynx::logger("orders");
///     LYNX_INFO(log, "order {id} placed for {amount:.2f}", id, amount);
///
/// Then `lynx cat --format json logs/` decodes what was written.
///
/// \mainpage LynxLogger API reference
/// The public API of lynx: include `<lynx/lynx.hpp>` (it includes the rest). Start with
/// lynx::Engine and lynx::Options (engine.hpp, options.hpp), the LYNX_INFO() family of macros
/// (macros.hpp, with the sampled LYNX_INFO_EVERY_N() forms), lynx::logger() and lynx::Logger
/// (logger.hpp: levels, backtraces, rate limits), lynx::Context (context.hpp), lynx::Level and
/// lynx::Stats.
/// The README shows a two-minute tour and how to build against lynx (meson, CMake, pkg-config).
#pragma once

#include "lynx/cxx20.hpp"

#include "lynx/context.hpp"
#include "lynx/engine.hpp"
#include "lynx/level.hpp"
#include "lynx/logger.hpp"
#include "lynx/macros.hpp"
#include "lynx/options.hpp"
#include "lynx/stats.hpp"
