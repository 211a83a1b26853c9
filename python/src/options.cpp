// lynx.Engine's keyword arguments into lynx::Options (options.hpp). Cold: runs once per engine.
// Every field of lynx::Options has a keyword of the same name; a keyword that is not one, or a
// value of the wrong type or out of range, is a ValueError naming the keyword.
#include "python/src/options.hpp"

#include <cmath>
#include <functional>
#include <map>
#include <string>

namespace lynx::python {

namespace py = pybind11;

namespace {

[[noreturn]] void bad(const std::string& key, const std::string& what) {
  throw py::value_error("lynx.Engine: option '" + key + "' " + what);
}

std::string type_name(const py::handle& v) { return Py_TYPE(v.ptr())->tp_name; }

std::string text(const std::string& key, const py::handle& v) {
  py::object s = py::reinterpret_borrow<py::object>(v);
  if (!py::isinstance<py::str>(s)) {
    // os.PathLike values (pathlib.Path) are paths too.
    if (py::hasattr(s, "__fspath__")) s = py::module_::import("os").attr("fspath")(s);
    if (!py::isinstance<py::str>(s)) bad(key, "must be a str, not " + type_name(v));
  }
  return s.cast<std::string>();
}

std::uint64_t whole(const std::string& key, const py::handle& v, std::uint64_t max) {
  if (PyBool_Check(v.ptr()) || !PyLong_Check(v.ptr()))
    bad(key, "must be an int, not " + type_name(v));
  int overflow = 0;
  const long long x = PyLong_AsLongLongAndOverflow(v.ptr(), &overflow);
  if (overflow != 0 || x < 0 || static_cast<unsigned long long>(x) > max)
    bad(key,
        "must be between 0 and " + std::to_string(max) + ", not " + py::str(v).cast<std::string>());
  return static_cast<std::uint64_t>(x);
}

bool flag(const std::string& key, const py::handle& v) {
  if (!PyBool_Check(v.ptr())) bad(key, "must be True or False, not " + type_name(v));
  return v.ptr() == Py_True;
}

// A duration: datetime.timedelta or a number of seconds, not negative.
double seconds(const std::string& key, const py::handle& v) {
  double s;
  if (py::hasattr(v, "total_seconds"))
    s = v.attr("total_seconds")().cast<double>();
  else if (!PyBool_Check(v.ptr()) && (PyLong_Check(v.ptr()) || PyFloat_Check(v.ptr())))
    s = py::cast<double>(v);
  else
    bad(key, "must be a number of seconds or a datetime.timedelta, not " + type_name(v));
  if (!std::isfinite(s) || s < 0 || s > 1e12) bad(key, "must be a duration of 0 or more");
  return s;
}

template <class E>
E choice(const std::string& key, const py::handle& v, const std::map<std::string, E>& names) {
  const std::string s = text(key, v);
  const auto it = names.find(s);
  if (it != names.end()) return it->second;
  std::string list;
  for (const auto& [n, e] : names) list += (list.empty() ? "'" : ", '") + n + "'";
  bad(key, "must be one of " + list + ", not '" + s + "'");
}

std::vector<std::string> texts(const std::string& key, const py::handle& v) {
  if (py::isinstance<py::str>(v) || !py::isinstance<py::iterable>(v))
    bad(key, "must be a list of str");
  std::vector<std::string> out;
  for (const py::handle item : v) out.push_back(text(key, item));
  return out;
}

SinkSpec sink(const std::string& key, const py::handle& v) {
  if (!py::isinstance<py::dict>(v))
    bad(key, "must be a list of sinks (lynx.console_sink(), text_sink(), json_sink())");
  const py::dict d = py::reinterpret_borrow<py::dict>(v);
  const std::string kind = d.contains("kind") ? text(key, d["kind"]) : "";
  SinkSpec s;
  if (kind == "console") {
    s = console_sink();
  } else if (kind == "text" || kind == "json") {
    FileSinkOptions f;
    f.path = d.contains("path") ? text(key, d["path"]) : "";
    if (f.path.empty()) bad(key, ": a " + kind + " sink needs a path");
    s = kind == "text" ? text_sink(f) : json_sink(f);
  } else {
    bad(key, ": unknown sink kind '" + kind + "' (console, text, json)");
  }
  for (const auto& [k, value] : d) {
    const std::string name = py::str(k).cast<std::string>(), sub = key + "." + name;
    if (name == "kind" || name == "path") continue;
    if (name == "level") {
      (s.kind == SinkSpec::Kind::console ? s.console.level : s.file.level) = level_of(value, sub);
    } else if (name == "layout") {
      (s.kind == SinkSpec::Kind::console ? s.console.layout : s.file.layout) = text(sub, value);
    } else if (name == "colour" && s.kind == SinkSpec::Kind::console) {
      s.console.colour = choice<Colour>(
          sub, value,
          {{"automatic", Colour::automatic}, {"always", Colour::always}, {"never", Colour::never}});
    } else if (name == "time" && s.kind == SinkSpec::Kind::console) {
      s.console.time =
          choice<TimeZone>(sub, value, {{"utc", TimeZone::utc}, {"local", TimeZone::local}});
    } else if (name == "fd" && s.kind == SinkSpec::Kind::console) {
      s.console.fd = static_cast<int>(whole(sub, value, 1u << 30));
    } else if (name == "rotate_bytes" && s.kind != SinkSpec::Kind::console) {
      s.file.rotate_bytes = whole(sub, value, ~std::uint64_t{0} >> 1);
    } else if (name == "keep_files" && s.kind != SinkSpec::Kind::console) {
      s.file.keep_files = static_cast<unsigned>(whole(sub, value, ~0u));
    } else {
      bad(sub, "is not an option of a " + kind + " sink");
    }
  }
  return s;
}

}  // namespace

Level level_of(const py::handle& v, const std::string& what) {
  static const std::map<std::string, Level> kNames = {
      {"trace", Level::trace},       {"debug", Level::debug},    {"info", Level::info},
      {"warn", Level::warn},         {"warning", Level::warn},   {"error", Level::error},
      {"critical", Level::critical}, {"fatal", Level::critical}, {"off", Level::off}};
  if (py::isinstance<py::str>(v)) {
    std::string s = v.cast<std::string>();
    for (char& c : s) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    const auto it = kNames.find(s);
    if (it != kNames.end()) return it->second;
  } else if (PyLong_Check(v.ptr()) && !PyBool_Check(v.ptr())) {
    return level_of_number(v.cast<long long>());
  }
  throw py::value_error("lynx: " + what + ": not a level: " + py::repr(v).cast<std::string>() +
                        " (trace, debug, info, warn, error, critical, off, or a logging level)");
}

Level level_of_number(long long n) {
  // 0 to 6: lynx's own levels; 7 and above: the standard logging module's (DEBUG = 10 ...).
  if (n >= 0 && n <= 6) return static_cast<Level>(n);
  if (n < 10) return Level::trace;
  if (n < 20) return Level::debug;
  if (n < 30) return Level::info;
  if (n < 40) return Level::warn;
  if (n < 50) return Level::error;
  return Level::critical;
}

Options options_from(const py::dict& kwargs) {
  Options o;
  using Setter = std::function<void(const std::string&, const py::handle&)>;
  const std::map<std::string, Setter> setters = {
      {"directory", [&](auto& k, auto& v) { o.directory = text(k, v); }},
      {"name", [&](auto& k, auto& v) { o.name = text(k, v); }},
      {"shards",
       [&](auto& k, auto& v) { o.shards = static_cast<unsigned>(whole(k, v, 1u << 20)); }},
      {"rotate_bytes", [&](auto& k, auto& v) { o.rotate_bytes = whole(k, v, ~0ull >> 1); }},
      {"rotate_every",
       [&](auto& k, auto& v) {
         o.rotate_every = std::chrono::seconds(std::llround(seconds(k, v)));
       }},
      {"keep_files",
       [&](auto& k, auto& v) { o.keep_files = static_cast<unsigned>(whole(k, v, ~0u)); }},
      {"keep_bytes", [&](auto& k, auto& v) { o.keep_bytes = whole(k, v, ~0ull >> 1); }},
      {"keep_for",
       [&](auto& k, auto& v) { o.keep_for = std::chrono::seconds(std::llround(seconds(k, v))); }},
      {"sync",
       [&](auto& k, auto& v) {
         o.sync = choice<Sync>(k, v,
                               {{"none", Sync::none},
                                {"on_rotate", Sync::on_rotate},
                                {"every_batch", Sync::every_batch}});
       }},
      {"compression",
       [&](auto& k, auto& v) {
         o.compression =
             choice<Compression>(k, v, {{"none", Compression::none}, {"zstd", Compression::zstd}});
       }},
      {"compression_level",
       [&](auto& k, auto& v) {
         if (PyBool_Check(v.ptr()) || !PyLong_Check(v.ptr())) bad(k, "must be an int");
         const long long x = v.template cast<long long>();
         if (x < -1000000 || x > 1000) bad(k, "is out of range");
         o.compression_level = static_cast<int>(x);
       }},
      {"zstd_dictionary", [&](auto& k, auto& v) { o.zstd_dictionary = text(k, v); }},
      {"buffer_bytes", [&](auto& k, auto& v) { o.buffer_bytes = whole(k, v, 1ull << 30); }},
      {"initial_buffer_bytes",
       [&](auto& k, auto& v) { o.initial_buffer_bytes = whole(k, v, 1ull << 30); }},
      {"max_string_bytes", [&](auto& k, auto& v) { o.max_string_bytes = whole(k, v, 1ull << 30); }},
      {"on_full",
       [&](auto& k, auto& v) {
         o.on_full = choice<OnFull>(k, v, {{"block", OnFull::block}, {"drop", OnFull::drop}});
       }},
      {"flush_every",
       [&](auto& k, auto& v) {
         o.flush_every = std::chrono::milliseconds(std::llround(seconds(k, v) * 1000));
       }},
      {"level", [&](auto& k, auto& v) { o.level = level_of(v, "option '" + k + "'"); }},
      {"io",
       [&](auto& k, auto& v) {
         o.io = choice<Io>(
             k, v, {{"automatic", Io::automatic}, {"uring", Io::uring}, {"psync", Io::psync}});
       }},
      {"file_mode",
       [&](auto& k, auto& v) { o.file_mode = static_cast<unsigned>(whole(k, v, ~0u)); }},
      {"crash_handler", [&](auto& k, auto& v) { o.crash_handler = flag(k, v); }},
      {"crash_on_terminate", [&](auto& k, auto& v) { o.crash_on_terminate = flag(k, v); }},
      {"binary", [&](auto& k, auto& v) { o.binary = flag(k, v); }},
      {"sinks",
       [&](auto& k, auto& v) {
         if (py::isinstance<py::dict>(v) || !py::isinstance<py::iterable>(v))
           bad(k, "must be a list of sinks");
         for (const py::handle s : v) o.sinks.push_back(sink(k, s));
       }},
      {"redact_fields", [&](auto& k, auto& v) { o.redact_fields = texts(k, v); }},
      {"redact_patterns",
       [&](auto& k, auto& v) {
         o.redact_patterns = Detect::none;
         for (const std::string& name : texts(k, v)) {
           if (name == "email")
             o.redact_patterns = o.redact_patterns | Detect::email;
           else if (name == "card")
             o.redact_patterns = o.redact_patterns | Detect::card;
           else if (name == "bearer")
             o.redact_patterns = o.redact_patterns | Detect::bearer;
           else
             bad(k, "has an unknown detector '" + name + "' (email, card, bearer)");
         }
       }},
      {"config_file", [&](auto& k, auto& v) { o.config_file = text(k, v); }},
  };
  for (const auto& [key, value] : kwargs) {
    const std::string name = py::str(key).cast<std::string>();
    const auto it = setters.find(name);
    if (it == setters.end()) {
      std::string known;
      for (const auto& [n, s] : setters) known += (known.empty() ? "" : ", ") + n;
      throw py::value_error("lynx.Engine: unknown option '" + name + "' (options: " + known + ")");
    }
    it->second(name, value);
  }
  return o;
}

}  // namespace lynx::python
