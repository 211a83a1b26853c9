// A Python log call's producer side (py_log.hpp).
#include "python/src/py_log.hpp"

#include <frameobject.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "lynx/detail/producer.hpp"
#include "lynx/detail/template_check.hpp"
#include "python/src/encode.hpp"
#include "python/src/sites.hpp"

namespace lynx::python {

// A record's argument bytes, already encoded: what the C++ producer copies into the ring for a
// Python call site (whose CallSite states the real argument types).
struct Payload {
  const std::byte* data;
  std::size_t size;
};

// Names the fast path below (a LogCall specialisation of its own, see there).
struct FastPath;

}  // namespace lynx::python

namespace lynx::detail {

// The producer codec of a whole encoded record. Tagged `string` only so that LogCall treats the
// record as variable-sized (checks it against max_record()); the tag is never stored, the call
// site carries the argument types.
template <>
struct ArgCodec<python::Payload> {
  static constexpr ArgType type = ArgType::string;
  static std::size_t measure(const python::Payload& p) noexcept { return p.size; }
  static constexpr std::size_t ring_size(std::size_t measured) noexcept { return measured; }
  static std::byte* encode(std::byte* dst, const python::Payload& p, std::size_t) noexcept {
    if (p.size != 0) std::memcpy(dst, p.data, p.size);
    return dst + p.size;
  }
};

// The fast path of a Python record, with the GIL held: the same test LogCall::log makes (no rate
// limit or backtrace on the logger, a ring that is open and has room) and, when it passes, the
// same copy. Logger grants every LogCall specialisation access to its log-call state
// (Logger::special()); this one is the Python producer's. False: take LogCall's full path.
template <>
struct LogCall<python::FastPath> {
  static bool try_log(const Logger& logger, const CallSite& site,
                      const python::Payload& payload) noexcept {
    const std::size_t size = align_record(sizeof(RecordHeader) + payload.size);
    Ring* const ring = tls_ring;
    if (logger.special() != 0 || ring == nullptr || ring->closed() || size > ring->max_record())
      return false;
    const std::uint64_t ticks = now_ticks();
    return ring->try_write(size, [&](std::byte* p) {
      write_record_header(p, static_cast<std::uint32_t>(size), logger.id(), &site, ticks);
      ArgCodec<python::Payload>::encode(p + sizeof(RecordHeader), payload, payload.size);
    });
  }
};

}  // namespace lynx::detail

namespace lynx::python {

namespace {

// Per thread, reused by every call: no allocation once they have grown.
thread_local ArgEncoder t_enc;
thread_local std::string t_template;
thread_local std::string t_name;

std::string_view utf8_view(PyObject* s) {
  Py_ssize_t n = 0;
  const char* p = PyUnicode_AsUTF8AndSize(s, &n);
  if (p == nullptr) {
    PyErr_Clear();
    return {};
  }
  return {p, static_cast<std::size_t>(n)};
}

// Copies the record into the thread's ring (see the file comment of py_log.hpp).
void write(const Logger& logger, const detail::CallSite& site, const ArgEncoder& enc) {
  using namespace lynx::detail;
  const Payload payload{enc.bytes().data(), enc.bytes().size()};
  if (LogCall<FastPath>::try_log(logger, site, payload)) return;
  // Everything else may wait (for room, or for the engine to register the thread): without the
  // GIL, so that other Python threads run meanwhile.
  Py_BEGIN_ALLOW_THREADS;
  LogCall<ArgList<Payload>>::log(logger, site, payload);
  Py_END_ALLOW_THREADS;
}

// A keyword name usable as a placeholder: letters, digits and '_' (others become '_').
const std::string& field_name(std::string_view key) {
  t_name.assign(key.empty() ? std::string_view("_") : key);
  for (char& c : t_name) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (c >= '0' && c <= '9');
    if (!ok) c = '_';
  }
  if (t_name[0] >= '0' && t_name[0] <= '9') t_name.insert(0, 1, '_');
  return t_name;
}

}  // namespace

// A frame's line costs a walk of its code's line table; the instruction offset is at hand. So
// lines are cached by (code object, offset), direct-mapped. An entry holds its code object (a
// strong reference), so that a freed code object's address cannot come back with other lines.
struct LineSlot {
  PyObject* code = nullptr;
  int lasti = -1;
  unsigned line = 0;
};
thread_local LineSlot t_lines[256];

Origin caller_origin() {
  Origin o;
  PyFrameObject* frame = PyEval_GetFrame();  // borrowed: the caller's frame
  if (frame == nullptr) return o;
  PyCodeObject* code = PyFrame_GetCode(frame);  // new reference
  o.file = utf8_view(code->co_filename);
#if PY_VERSION_HEX >= 0x030B0000
  o.function = utf8_view(code->co_qualname);
  const int lasti = PyFrame_GetLasti(frame);
  LineSlot& slot =
      t_lines[((reinterpret_cast<std::uintptr_t>(code) >> 4) ^ static_cast<unsigned>(lasti)) % 256];
  if (slot.code != reinterpret_cast<PyObject*>(code) || slot.lasti != lasti) {
    Py_INCREF(code);
    Py_XSETREF(slot.code, reinterpret_cast<PyObject*>(code));
    slot.lasti = lasti;
    slot.line = static_cast<unsigned>(PyFrame_GetLineNumber(frame));
  }
  o.line = slot.line;
#else
  o.function = utf8_view(code->co_name);
  o.line = static_cast<unsigned>(PyFrame_GetLineNumber(frame));
#endif
  // The frame holds its code object for the whole call, so the views stay valid.
  Py_DECREF(code);
  return o;
}

namespace {

struct Keyword {
  PyObject* name;
  PyObject* value;
  std::string_view text;  // the name's UTF-8
  bool used;
};
thread_local std::vector<Keyword> t_keywords;

// The call's keywords, in the order given.
void collect_keywords(const CallArgs& a) {
  std::vector<Keyword>& kw = t_keywords;
  kw.clear();
  if (a.kwnames != nullptr) {
    const Py_ssize_t n = PyTuple_GET_SIZE(a.kwnames);
    for (Py_ssize_t i = 0; i < n; ++i) {
      PyObject* name = PyTuple_GET_ITEM(a.kwnames, i);
      kw.push_back({name, a.kwvalues[i], utf8_view(name), false});
    }
  } else if (a.kwdict != nullptr) {
    Py_ssize_t it = 0;
    PyObject *name, *value;
    while (PyDict_Next(a.kwdict, &it, &name, &value))
      kw.push_back({name, value, PyUnicode_Check(name) ? utf8_view(name) : "_", false});
  }
}

}  // namespace

bool log_record(const Logger& logger, Level level, PyObject* tmpl, const CallArgs& args,
                const Origin& origin) {
  if (!PyUnicode_Check(tmpl)) {
    PyErr_Format(PyExc_TypeError, "lynx: the template must be a str, not %.100s",
                 Py_TYPE(tmpl)->tp_name);
    return false;
  }
  const std::string_view text = utf8_view(tmpl);
  const TemplateInfo& info = template_info(text);
  if (!info.ok) {
    PyErr_Format(PyExc_ValueError, "lynx: template %R: %s", tmpl, info.error.c_str());
    return false;
  }
  if (args.npos != info.positional) {
    PyErr_Format(PyExc_ValueError,
                 "lynx: template %R has %zu positional placeholders ({}) but %zu positional "
                 "arguments were given",
                 tmpl, info.positional, args.npos);
    return false;
  }
  collect_keywords(args);
  std::vector<Keyword>& kw = t_keywords;
  ArgEncoder& enc = t_enc;
  enc.clear();
  std::size_t pos = 0, named = 0;
  for (const TemplatePart& p : info.placeholders) {
    if (p.name.empty()) {
      enc.add(args.pos[pos++]);
      continue;
    }
    Keyword* k = nullptr;
    for (Keyword& c : kw) {
      if (!c.used && c.text == p.name) {
        k = &c;
        break;
      }
    }
    if (k == nullptr) {
      PyErr_Format(PyExc_ValueError, "lynx: template %R: placeholder {%s} has no keyword argument",
                   tmpl, p.name.c_str());
      return false;
    }
    k->used = true;
    enc.add(k->value);
    ++named;
  }
  std::string_view format = text;
  if (kw.size() > named) {
    // Keywords the template does not name: fields too, shown after the message.
    t_template.assign(text);
    for (const Keyword& k : kw) {
      if (k.used) continue;
      const std::string& name = field_name(k.text);
      t_template.append(" ").append(name).append("={").append(name).append("}");
      enc.add(k.value);
    }
    format = t_template;
  }
  if (enc.count() > detail::kMaxArgs) {
    PyErr_Format(PyExc_ValueError, "lynx: a record takes at most %zu fields, not %zu",
                 detail::kMaxArgs, enc.count());
    return false;
  }
  const detail::CallSite* site =
      site_for({level, format, origin.file, origin.function, origin.line, enc.types(), enc.desc()});
  if (site == nullptr) {
    enc.clear();
    enc.add_text(format.data(), format.size());
    site = &fallback_site(level);
  }
  sync_context();
  write(logger, *site, enc);
  return true;
}

}  // namespace lynx::python
