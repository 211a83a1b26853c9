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
#include "python/src/logger_type.hpp"
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

  if (!add_logger_type(m.ptr())) throw py::error_already_set();

  m.def(
      "logger",
      [](const std::string& name) {
        PyObject* obj = logger_object(lynx::logger(name));
        if (obj == nullptr) throw py::error_already_set();
        return py::reinterpret_steal<py::object>(obj);
      },
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
}
