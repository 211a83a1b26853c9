// lynx.Engine(**options) -> lynx::Options, and level names (options.cpp).
#pragma once

#include <pybind11/pybind11.h>

#include <string>

#include "lynx/level.hpp"
#include "lynx/options.hpp"

namespace lynx::python {

// Throws pybind11::value_error (ValueError) naming the keyword for an unknown option or a bad
// value.
Options options_from(const pybind11::dict& kwargs);

// "info", "WARNING", 2, logging.INFO (20) ... -> Level; ValueError naming `what` otherwise.
Level level_of(const pybind11::handle& v, const std::string& what);
// 0..6: lynx levels; 7 and above: the standard logging module's numbers.
Level level_of_number(long long n);

}  // namespace lynx::python
