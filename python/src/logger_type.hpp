// lynx.Logger, a plain CPython type (not a pybind11 class): its log methods are vectorcall
// methods (METH_FASTCALL | METH_KEYWORDS), so a call reaches the level check without the
// argument tuple, the keyword dict or pybind11's overload dispatch being built first. A
// disabled call costs the method lookup and one relaxed load.
#pragma once

#include <Python.h>

#include "lynx/logger.hpp"

namespace lynx::python {

// Adds the type to `module` as "Logger". False with a Python error set.
bool add_logger_type(PyObject* module);

// The Python object of `logger`: one per lynx::Logger, kept for the life of the process (as the
// lynx::Logger is), so `lynx.logger("a") is lynx.logger("a")`. A new reference.
PyObject* logger_object(Logger& logger);

// The lynx::Logger of a lynx.Logger object, or nullptr with a TypeError set.
Logger* logger_of(PyObject* object);

}  // namespace lynx::python
