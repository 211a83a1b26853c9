// lynx.Logger (logger_type.hpp).
#include "python/src/logger_type.hpp"

#include <pybind11/pybind11.h>

#include <string>
#include <unordered_map>

#include "python/src/options.hpp"
#include "python/src/py_log.hpp"

namespace lynx::python {

namespace {

namespace py = pybind11;

struct LoggerObject {
  PyObject_HEAD Logger* logger;
};

PyTypeObject* g_type = nullptr;

Logger& self_logger(PyObject* self) { return *reinterpret_cast<LoggerObject*>(self)->logger; }

// level_of() for a raw CPython function: false with the ValueError set.
bool level_arg(PyObject* v, const char* what, Level* out) {
  try {
    *out = level_of(py::handle(v), what);
    return true;
  } catch (py::error_already_set& e) {
    e.restore();
  } catch (const py::value_error& e) {
    PyErr_SetString(PyExc_ValueError, e.what());
  } catch (const std::exception& e) {
    PyErr_SetString(PyExc_RuntimeError, e.what());
  }
  return false;
}

PyObject* finish(bool ok) {
  if (!ok) return nullptr;
  Py_RETURN_NONE;
}

bool need_template(Py_ssize_t nargs, const char* method) {
  if (nargs >= 1) return true;
  PyErr_Format(PyExc_TypeError, "Logger.%s() needs a template", method);
  return false;
}

// log.info("template", *args, **fields) and the other levels. HOT: the level check comes first.
template <Level L>
PyObject* log_method(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  const Logger& logger = self_logger(self);
  if (!logger.accepts(L)) Py_RETURN_NONE;
  if (!need_template(nargs, to_string(L).data())) return nullptr;
  CallArgs a;
  a.pos = args + 1;
  a.npos = static_cast<std::size_t>(nargs - 1);
  a.kwnames = kwnames;
  a.kwvalues = args + nargs;
  return finish(log_record(logger, L, args[0], a, caller_origin()));
}

// log.log(level, "template", *args, **fields)
PyObject* log_any(PyObject* self, PyObject* const* args, Py_ssize_t nargs, PyObject* kwnames) {
  Level level;
  if (nargs < 2) {
    PyErr_SetString(PyExc_TypeError, "Logger.log() needs a level and a template");
    return nullptr;
  }
  if (!level_arg(args[0], "Logger.log", &level)) return nullptr;
  const Logger& logger = self_logger(self);
  if (level == Level::off || !logger.accepts(level)) Py_RETURN_NONE;
  CallArgs a;
  a.pos = args + 2;
  a.npos = static_cast<std::size_t>(nargs - 2);
  a.kwnames = kwnames;
  a.kwvalues = args + nargs;
  return finish(log_record(logger, level, args[1], a, caller_origin()));
}

// log.exception("template", ...): error, with the traceback being handled as field `exception`.
PyObject* log_exception(PyObject* self, PyObject* const* args, Py_ssize_t nargs,
                        PyObject* kwnames) {
  const Logger& logger = self_logger(self);
  if (!logger.accepts(Level::error)) Py_RETURN_NONE;
  if (!need_template(nargs, "exception")) return nullptr;
  const Origin origin = caller_origin();
  try {
    py::dict fields;
    const Py_ssize_t nkw = kwnames != nullptr ? PyTuple_GET_SIZE(kwnames) : 0;
    for (Py_ssize_t i = 0; i < nkw; ++i)
      fields[py::handle(PyTuple_GET_ITEM(kwnames, i))] = py::handle(args[nargs + i]);
    py::object info = py::module_::import("sys").attr("exc_info")();
    if (!info.cast<py::tuple>()[0].is_none()) {
      fields["exception"] = py::str("").attr("join")(
          py::module_::import("traceback").attr("format_exception")(*info));
    }
    CallArgs a;
    a.pos = args + 1;
    a.npos = static_cast<std::size_t>(nargs - 1);
    a.kwdict = fields.ptr();
    return finish(log_record(logger, Level::error, args[0], a, origin));
  } catch (py::error_already_set& e) {
    e.restore();
    return nullptr;
  }
}

PyObject* set_level(PyObject* self, PyObject* level) {
  Level l;
  if (!level_arg(level, "Logger.set_level", &l)) return nullptr;
  self_logger(self).set_level(l);
  Py_RETURN_NONE;
}

PyObject* enabled(PyObject* self, PyObject* level) {
  Level l;
  if (!level_arg(level, "Logger.enabled", &l)) return nullptr;
  return PyBool_FromLong(self_logger(self).enabled(l));
}

PyObject* get_name(PyObject* self, void*) {
  const std::string_view n = self_logger(self).name();
  return PyUnicode_FromStringAndSize(n.data(), static_cast<Py_ssize_t>(n.size()));
}
PyObject* get_id(PyObject* self, void*) { return PyLong_FromUnsignedLong(self_logger(self).id()); }
PyObject* get_level(PyObject* self, void*) {
  return PyUnicode_FromString(to_string(self_logger(self).level()).data());
}
int put_level(PyObject* self, PyObject* value, void*) {
  if (value == nullptr) {
    PyErr_SetString(PyExc_AttributeError, "a logger's level cannot be deleted");
    return -1;
  }
  Level l;
  if (!level_arg(value, "Logger.level", &l)) return -1;
  self_logger(self).set_level(l);
  return 0;
}

PyObject* repr(PyObject* self) {
  const Logger& l = self_logger(self);
  const std::string s =
      "<lynx.Logger " + std::string(l.name()) + " (" + std::string(to_string(l.level())) + ")>";
  return PyUnicode_FromStringAndSize(s.data(), static_cast<Py_ssize_t>(s.size()));
}

template <Level L>
constexpr PyMethodDef level_method(const char* name, const char* doc) {
  return {name, reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&log_method<L>)),
          METH_FASTCALL | METH_KEYWORDS, doc};
}

PyMethodDef g_methods[] = {
    level_method<Level::trace>("trace", "trace(template, *args, **fields)"),
    level_method<Level::debug>("debug", "debug(template, *args, **fields)"),
    level_method<Level::info>("info", "info(template, *args, **fields): one record at info"),
    level_method<Level::warn>("warn", "warn(template, *args, **fields)"),
    level_method<Level::warn>("warning", "warning(template, *args, **fields): warn"),
    level_method<Level::error>("error", "error(template, *args, **fields)"),
    level_method<Level::critical>("critical", "critical(template, *args, **fields)"),
    {"exception", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&log_exception)),
     METH_FASTCALL | METH_KEYWORDS, "error, with the current exception's traceback as `exception`"},
    {"log", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&log_any)),
     METH_FASTCALL | METH_KEYWORDS, "log(level, template, *args, **fields)"},
    {"set_level", &set_level, METH_O, "set_level(level): the logger's threshold"},
    {"enabled", &enabled, METH_O, "enabled(level): whether a record of `level` is written"},
    {nullptr, nullptr, 0, nullptr},
};

PyGetSetDef g_getset[] = {
    {"name", &get_name, nullptr, "the logger's name", nullptr},
    {"id", &get_id, nullptr, "the number that stands for the name in log files", nullptr},
    {"level", &get_level, &put_level, "the threshold, as a name", nullptr},
    {nullptr, nullptr, nullptr, nullptr, nullptr},
};

PyType_Slot g_slots[] = {
    {Py_tp_methods, g_methods},
    {Py_tp_getset, g_getset},
    {Py_tp_repr, reinterpret_cast<void*>(&repr)},
    {Py_tp_doc, const_cast<char*>("A named lynx logger (lynx.logger(name)).")},
    {0, nullptr},
};

PyType_Spec g_spec = {"lynx.Logger", sizeof(LoggerObject), 0,
                      Py_TPFLAGS_DEFAULT | Py_TPFLAGS_DISALLOW_INSTANTIATION, g_slots};

// _emit(logger, level, template, args, fields, file, function, line): what lynx.Handler and the
// structlog bridge call, for a record whose origin the caller states, at a level (0..5) the
// caller's own framework decided to write (the lynx logger's level is not applied again).
PyObject* emit(PyObject*, PyObject* const* args, Py_ssize_t nargs) {
  if (nargs != 8 || !PyObject_TypeCheck(args[0], g_type) || !PyLong_Check(args[1]) ||
      !PyTuple_Check(args[3]) || !PyDict_Check(args[4]) || !PyUnicode_Check(args[5]) ||
      !PyUnicode_Check(args[6]) || !PyLong_Check(args[7])) {
    PyErr_SetString(PyExc_TypeError,
                    "_emit(logger, level, template, args: tuple, fields: dict, file: str, "
                    "function: str, line: int)");
    return nullptr;
  }
  const long level = PyLong_AsLong(args[1]);
  const long line = PyLong_AsLong(args[7]);
  if (PyErr_Occurred()) return nullptr;
  Origin origin;
  Py_ssize_t n = 0;
  const char* file = PyUnicode_AsUTF8AndSize(args[5], &n);
  if (file == nullptr) return nullptr;
  origin.file = {file, static_cast<std::size_t>(n)};
  const char* function = PyUnicode_AsUTF8AndSize(args[6], &n);
  if (function == nullptr) return nullptr;
  origin.function = {function, static_cast<std::size_t>(n)};
  origin.line = line < 0 ? 0 : static_cast<unsigned>(line);
  CallArgs a;
  a.pos = &PyTuple_GET_ITEM(args[3], 0);
  a.npos = static_cast<std::size_t>(PyTuple_GET_SIZE(args[3]));
  a.kwdict = args[4];
  const auto lv = static_cast<Level>(level < 0 ? 0 : level > 5 ? 5 : level);
  return finish(log_record(self_logger(args[0]), lv, args[2], a, origin));
}

PyMethodDef g_emit = {"_emit", reinterpret_cast<PyCFunction>(reinterpret_cast<void (*)()>(&emit)),
                      METH_FASTCALL, "for lynx.Handler and lynx.structlog"};

}  // namespace

bool add_logger_type(PyObject* module) {
  PyObject* fn = PyCFunction_New(&g_emit, nullptr);
  if (fn == nullptr || PyModule_AddObject(module, "_emit", fn) != 0) return false;
  PyObject* type = PyType_FromSpec(&g_spec);
  if (type == nullptr) return false;
  g_type = reinterpret_cast<PyTypeObject*>(type);  // kept for the life of the process
  Py_INCREF(type);
  return PyModule_AddObject(module, "Logger", type) == 0;
}

PyObject* logger_object(Logger& logger) {
  // Leaked on purpose, like the lynx::Logger objects they stand for.
  static auto* objects = new std::unordered_map<Logger*, PyObject*>;
  PyObject*& obj = (*objects)[&logger];
  if (obj == nullptr) {
    obj = PyType_GenericAlloc(g_type, 0);
    if (obj == nullptr) return nullptr;
    reinterpret_cast<LoggerObject*>(obj)->logger = &logger;
  }
  Py_INCREF(obj);
  return obj;
}

Logger* logger_of(PyObject* object) {
  if (g_type == nullptr || !PyObject_TypeCheck(object, g_type)) {
    PyErr_SetString(PyExc_TypeError, "expected a lynx.Logger");
    return nullptr;
  }
  return reinterpret_cast<LoggerObject*>(object)->logger;
}

}  // namespace lynx::python
