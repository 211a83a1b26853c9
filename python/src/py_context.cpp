// Python context (lynx.context) onto the engine's per-thread context (lynx::Context).
//
// Python code keeps its context in a contextvars.ContextVar, so that each asyncio task (and each
// thread) sees its own: `with lynx.context(request_id=rid)` sets the variable to a new flat tuple
// (name, value, name, value ...; outer fields first, an inner field replacing an outer one of the
// same name) and resets it on exit. The C++ engine keeps a context per OS thread, stated in band
// in the thread's ring. Several tasks share one thread and switch at every await without telling
// anyone, so the thread's lynx context is brought up to date lazily: before each record, the
// variable's current value is compared (by identity) with the tuple last stated on this thread,
// and only when it differs is the old frame popped and the new one pushed. A record therefore
// always carries the context of the task that logged it; a task switch without a record costs
// nothing, and a record in an unchanged context one pointer compare.
#include <cstring>
#include <string>

#include "lynx/context.hpp"
#include "python/src/encode.hpp"
#include "python/src/py_log.hpp"

namespace lynx::python {

namespace {

PyObject* g_var = nullptr;  // the ContextVar (a strong reference, for the life of the module)

// What the thread's lynx context holds now. The tuple is held (a strong reference), so that its
// address cannot be reused by another tuple while we compare against it.
thread_local PyObject* t_stated = nullptr;
thread_local std::uint32_t t_depth = 0;
thread_local ArgEncoder t_value;
thread_local std::string t_frame;

// The frame bytes of lynx::Context (detail::context_encode): per field its ArgType, the name's
// length (at most 255), the name, the value. Context values are plain arguments: numbers, bools
// and strings stay typed, anything else is its str().
void encode_frame(PyObject* tuple) {
  t_frame.clear();
  const Py_ssize_t n = PyTuple_GET_SIZE(tuple) / 2;
  std::string name;
  for (Py_ssize_t i = 0; i < n; ++i) {
    PyObject* k = PyTuple_GET_ITEM(tuple, 2 * i);
    PyObject* v = PyTuple_GET_ITEM(tuple, 2 * i + 1);
    if (!utf8_of(k, name)) continue;
    if (name.size() > 255) name.resize(255);
    t_value.clear();
    bool typed = false;
    if (PyBool_Check(v) || PyLong_Check(v) || PyFloat_Check(v) || PyUnicode_Check(v)) {
      t_value.add(v);  // an int beyond 64 bits comes out structured (as text): not typed
      typed = t_value.types()[0] != static_cast<char>(detail::ArgType::structured);
    }
    if (!typed) {
      t_value.clear();
      std::string text;
      PyObject* s = PyObject_Str(v);
      if (s == nullptr || !utf8_of(s, text)) text = "<unprintable>";
      Py_XDECREF(s);
      PyErr_Clear();
      t_value.add_text(text.data(), text.size());
    }
    t_frame.push_back(t_value.types()[0]);
    t_frame.push_back(static_cast<char>(name.size()));
    t_frame.append(name);
    t_frame.append(reinterpret_cast<const char*>(t_value.bytes().data()), t_value.bytes().size());
  }
}

}  // namespace

void set_context_var(PyObject* var) {
  Py_XINCREF(var);
  Py_XSETREF(g_var, var);
}

void sync_context() {
  if (g_var == nullptr) return;
  PyObject* now = nullptr;
  if (PyContextVar_Get(g_var, nullptr, &now) < 0) {
    PyErr_Clear();
    return;
  }
  // `now` is a new reference, or nullptr when the variable is unset in this context.
  if (now == t_stated) {
    Py_XDECREF(now);
    return;
  }
  if (t_depth != 0) {
    detail::context_pop(t_depth);
    t_depth = 0;
  }
  Py_XSETREF(t_stated, now);
  if (now == nullptr || !PyTuple_Check(now) || PyTuple_GET_SIZE(now) < 2) return;
  encode_frame(now);
  if (t_frame.empty()) return;
  // A context larger than kMaxContextBytes is ignored and counted, as lynx::Context's is.
  if (std::byte* p = detail::context_begin(t_frame.size())) {
    std::memcpy(p, t_frame.data(), t_frame.size());
    t_depth = detail::context_commit(t_frame.size());
  }
}

}  // namespace lynx::python
