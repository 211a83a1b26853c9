// The extension module lynx._lynx: Engine, Logger and the entry points the pure-Python parts of
// the package (lynx/__init__.py: Handler, context, structlog and the web middlewares) call.
// docs/python.md describes the API; py_log.hpp what a log call does.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <memory>
#include <stdexcept>
#include <system_error>

#include "lynx/engine.hpp"
#include "lynx/logger.hpp"
#include "python/src/encode.hpp"
#include "python/src/options.hpp"
#include "python/src/py_log.hpp"
#include "python/src/sites.hpp"

namespace py = pybind11;

namespace lynx::python {

namespace {

// lynx.Engine: owns a lynx::Engine until close() (or the end of a `with` block).
class PyEngine {
 public:
  explicit PyEngine(const py::kwargs& kwargs) {
    Options o = options_from(kwargs);
    try {
      engine_ = std::make_unique<Engine>(std::move(o));
    } catch (const std::invalid_argument& e) {
      throw py::value_error(std::string("lynx.Engine: ") + e.what());
    } catch (const std::system_error& e) {
      PyErr_SetString(PyExc_OSError, (std::string("lynx.Engine: ") + e.what()).c_str());
      throw py::error_already_set();
    } catch (const std::logic_error& e) {
      throw std::runtime_error(std::string("lynx.Engine: ") + e.what());
    }
  }
  // Waits for the backend without the GIL: other Python threads keep running (and logging).
  void flush() {
    Engine& e = get();
    py::gil_scoped_release release;
    e.flush();
  }
  void close() {
    std::unique_ptr<Engine> e = std::move(engine_);
    py::gil_scoped_release release;
    e.reset();  // writes everything logged before, stops the backend
  }
  bool closed() const { return engine_ == nullptr; }
  py::dict stats() const {
    const Stats s = get().stats();
    py::dict d;
    d["records_written"] = s.records_written;
    d["records_dropped"] = s.records_dropped;
    d["bytes_raw"] = s.bytes_raw;
    d["bytes_written"] = s.bytes_written;
    d["blocks_written"] = s.blocks_written;
    d["files_opened"] = s.files_opened;
    d["write_errors"] = s.write_errors;
    d["threads_registered"] = s.threads_registered;
    std::uint64_t suppressed = 0;
    for (const std::uint64_t n : s.records_suppressed) suppressed += n;
    d["records_suppressed"] = suppressed;
    return d;
  }
  py::dict options() const {
    const Options& o = get().options();
    py::dict d;
    d["directory"] = o.directory;
    d["name"] = o.name;
    d["shards"] = o.shards;
    d["level"] = std::string(to_string(o.level));
    return d;
  }

 private:
  Engine& get() const {
    if (!engine_) throw std::runtime_error("lynx.Engine: the engine is closed");
    return *engine_;
  }
  std::unique_ptr<Engine> engine_;
};

// lynx.Logger: a lynx::Logger (which lives until the process exits).
struct PyLogger {
  Logger* logger;
};

// A log method at `level`: the level check first, before any value is looked at.
template <Level L>
void log_at(const PyLogger& self, const py::object& tmpl, const py::args& args,
            const py::kwargs& kwargs) {
  if (!self.logger->accepts(L)) return;
  if (!log_record(*self.logger, L, tmpl.ptr(), args.ptr(), kwargs.ptr(), caller_origin(0)))
    throw py::error_already_set();
}

void log_level(const PyLogger& self, const py::handle& level, const py::object& tmpl,
               const py::args& args, const py::kwargs& kwargs) {
  const Level l = level_of(level, "Logger.log");
  if (l == Level::off || !self.logger->accepts(l)) return;
  if (!log_record(*self.logger, l, tmpl.ptr(), args.ptr(), kwargs.ptr(), caller_origin(0)))
    throw py::error_already_set();
}

// Logger.exception(): error, with the traceback of the exception being handled as the field
// `exception`.
void log_exception(const PyLogger& self, const py::object& tmpl, const py::args& args,
                   const py::kwargs& kwargs) {
  if (!self.logger->accepts(Level::error)) return;
  py::dict fields(kwargs);
  py::object info = py::module_::import("sys").attr("exc_info")();
  if (!info.cast<py::tuple>()[0].is_none())
    fields["exception"] =
        py::str("").attr("join")(py::module_::import("traceback").attr("format_exception")(*info));
  if (!log_record(*self.logger, Level::error, tmpl.ptr(), args.ptr(), fields.ptr(),
                  caller_origin(0)))
    throw py::error_already_set();
}

}  // namespace

}  // namespace lynx::python

PYBIND11_MODULE(_lynx, m) {
  using namespace lynx::python;
  m.doc() = "LynxLogger's engine for Python (docs/python.md)";
  if (!encode_init()) throw py::error_already_set();

  py::class_<PyEngine>(m, "Engine")
      .def(py::init<const py::kwargs&>())
      .def("flush", &PyEngine::flush, "Returns once every record logged before is written.")
      .def("close", &PyEngine::close, "Writes every record logged before, stops the backend.")
      .def_property_readonly("closed", &PyEngine::closed)
      .def("stats", &PyEngine::stats, "The engine's counters (a dict).")
      .def_property_readonly("options", &PyEngine::options)
      .def("__enter__", [](py::object self) { return self; })
      .def("__exit__", [](PyEngine& e, const py::args&) {
        if (!e.closed()) e.close();
      });

  py::class_<PyLogger>(m, "Logger")
      .def_property_readonly("name",
                             [](const PyLogger& l) { return std::string(l.logger->name()); })
      .def_property_readonly("id", [](const PyLogger& l) { return l.logger->id(); })
      .def_property(
          "level", [](const PyLogger& l) { return std::string(to_string(l.logger->level())); },
          [](PyLogger& l, const py::handle& v) { l.logger->set_level(level_of(v, "level")); })
      .def("set_level",
           [](PyLogger& l, const py::handle& v) { l.logger->set_level(level_of(v, "level")); })
      .def("enabled", [](const PyLogger& l,
                         const py::handle& v) { return l.logger->enabled(level_of(v, "enabled")); })
      .def("trace", &log_at<lynx::Level::trace>)
      .def("debug", &log_at<lynx::Level::debug>)
      .def("info", &log_at<lynx::Level::info>)
      .def("warn", &log_at<lynx::Level::warn>)
      .def("warning", &log_at<lynx::Level::warn>)
      .def("error", &log_at<lynx::Level::error>)
      .def("critical", &log_at<lynx::Level::critical>)
      .def("exception", &log_exception)
      .def("log", &log_level)
      .def("__repr__", [](const PyLogger& l) {
        return "<lynx.Logger " + std::string(l.logger->name()) + " (" +
               std::string(to_string(l.logger->level())) + ")>";
      });

  m.def(
      "logger", [](const std::string& name) { return PyLogger{&lynx::logger(name)}; },
      py::arg("name"), "The logger called `name` (the same one for the same name).");
  m.def(
      "set_level",
      [](const std::string& prefix, const py::handle& level) {
        lynx::set_level(prefix, level_of(level, "set_level"));
      },
      py::arg("prefix"), py::arg("level"));
  m.def("dropped_without_engine", &lynx::dropped_without_engine);
  m.def("_set_context_var", [](const py::object& var) { set_context_var(var.ptr()); });
  m.def("_site_count", &site_count);
  // For lynx.Handler and the structlog bridge: a record whose origin (file, function, line) the
  // caller states, at a level (0..5) the caller's own framework decided to write (the lynx
  // logger's level is not applied again).
  m.def("_emit", [](const PyLogger& l, int level, const py::object& tmpl, const py::tuple& args,
                    const py::dict& fields, const std::string& file, const std::string& function,
                    unsigned line) {
    const auto lv = static_cast<lynx::Level>(level < 0 ? 0 : level > 5 ? 5 : level);
    if (!log_record(*l.logger, lv, tmpl.ptr(), args.ptr(), fields.ptr(), {file, function, line}))
      throw py::error_already_set();
  });
}
