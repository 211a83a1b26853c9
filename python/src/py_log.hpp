// The producer side of a Python log call: everything between "the level passed" and "the record
// is in the thread's ring".
//
// What runs with the GIL held is only what must touch Python objects: reading the template, the
// caller's frame and the values, and encoding the values (encode.hpp) into a per-thread buffer.
// The record is then copied into the calling thread's ring (the same per-thread SPSC ring a C++
// thread logs into) with the GIL still held when it fits at once, which is the common case and
// costs a memcpy. When it does not (first call of the thread, a full ring, a logger with a rate
// limit or backtrace, a context to restate) the GIL is released and the C++ producer's own path
// (detail::LogCall) does the rest, waiting for room if Options::on_full says so. Formatting,
// compression and I/O happen on the backend thread, which never calls into Python.
#pragma once

#include <Python.h>

#include <cstddef>
#include <string_view>

#include "lynx/level.hpp"
#include "lynx/logger.hpp"

namespace lynx::python {

// Where a record says it was logged.
struct Origin {
  std::string_view file;
  std::string_view function;
  unsigned line = 0;
};

// The calling Python frame's file, qualified function name and line. The views stay valid while
// the frame's code object lives (at least for the duration of the log call).
Origin caller_origin();

// The values of one call: positional ones, and keywords either in the vectorcall form (names in
// a tuple, values in an array) or as a dict.
struct CallArgs {
  PyObject* const* pos = nullptr;
  std::size_t npos = 0;
  PyObject* kwnames = nullptr;  // a tuple of str, with kwvalues
  PyObject* const* kwvalues = nullptr;
  PyObject* kwdict = nullptr;  // or a dict
};

// One record: `tmpl` (a lynx template; `{}` placeholders take the positional values in order,
// `{name}` the keyword `name`); keyword values not named in the template become fields appended
// to the message as " name={name}". Returns false with a Python exception set (TypeError,
// ValueError) for a template that is not a str or is malformed, or a placeholder without a
// value; never fails otherwise.
bool log_record(const Logger& logger, Level level, PyObject* tmpl, const CallArgs& args,
                const Origin& origin);

// The contextvars.ContextVar whose value (a flat tuple name, value, name, value ...) every record
// of the calling thread carries as its lynx context (py_context.cpp). Set once at import.
void set_context_var(PyObject* var);
// Makes the thread's lynx context match the context variable's current value (one pointer
// compare when it is unchanged).
void sync_context();

}  // namespace lynx::python
