// Python values into record argument bytes (encode.hpp). Runs with the GIL held, on the calling
// thread, before the record is written to the thread's ring.
#include "python/src/encode.hpp"

#include <datetime.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "lynx/detail/arg_types.hpp"

namespace lynx::python {

namespace {

using detail::ArgType;
using detail::TypeTag;

void desc_byte(std::string& d, ArgType t) { d.push_back(static_cast<char>(t)); }
void desc_byte(std::string& d, TypeTag t) { d.push_back(static_cast<char>(t)); }
void desc_varint(std::string& d, std::uint64_t v) {
  while (v >= 0x80) {
    d.push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  d.push_back(static_cast<char>(v));
}
void desc_str(std::string& d, std::string_view s) {
  desc_varint(d, s.size());
  d.append(s);
}

}  // namespace

bool encode_init() {
  PyDateTime_IMPORT;
  return PyDateTimeAPI != nullptr;
}

bool utf8_of(PyObject* v, std::string& out) {
  Py_ssize_t n = 0;
  const char* s = PyUnicode_Check(v) ? PyUnicode_AsUTF8AndSize(v, &n) : nullptr;
  if (s != nullptr) {
    out.assign(s, static_cast<std::size_t>(n));
    return true;
  }
  PyErr_Clear();
  if (!PyUnicode_Check(v)) return false;
  // Lone surrogates have no UTF-8 form: replace them, as a text file would.
  PyObject* b = PyUnicode_AsEncodedString(v, "utf-8", "replace");
  if (b == nullptr) {
    PyErr_Clear();
    out = "<unprintable>";
    return true;
  }
  out.assign(PyBytes_AS_STRING(b), static_cast<std::size_t>(PyBytes_GET_SIZE(b)));
  Py_DECREF(b);
  return true;
}

template <class T>
void ArgEncoder::put(const T& v) {
  const std::size_t at = bytes_.size();
  bytes_.resize(at + sizeof v);
  std::memcpy(bytes_.data() + at, &v, sizeof v);
}

// Strings are cut above Options::max_string_bytes exactly as a C++ string argument is.
void ArgEncoder::put_string(const char* s, std::size_t n) {
  using Codec = detail::StringArgCodec<std::string_view>;
  const std::string_view sv(s, n);
  const std::size_t measured = Codec::measure(sv);
  const std::size_t at = bytes_.size();
  bytes_.resize(at + Codec::ring_size(measured));
  Codec::encode(bytes_.data() + at, sv, measured);
}

void ArgEncoder::add_text(const char* data, std::size_t size) {
  types_.push_back(static_cast<char>(ArgType::string));
  put_string(data, size);
}

void ArgEncoder::add(PyObject* v) {
  if (PyBool_Check(v)) {
    types_.push_back(static_cast<char>(ArgType::boolean));
    put(static_cast<std::uint8_t>(v == Py_True));
    return;
  }
  if (PyLong_CheckExact(v) || (PyLong_Check(v) && !PyBool_Check(v))) {
    int overflow = 0;
    const long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (overflow == 0 && !(x == -1 && PyErr_Occurred())) {
      types_.push_back(static_cast<char>(ArgType::i64));
      put(static_cast<std::int64_t>(x));
      return;
    }
    PyErr_Clear();
    if (overflow > 0) {
      const unsigned long long u = PyLong_AsUnsignedLongLong(v);
      if (!PyErr_Occurred()) {
        types_.push_back(static_cast<char>(ArgType::u64));
        put(static_cast<std::uint64_t>(u));
        return;
      }
      PyErr_Clear();
    }
  } else if (PyFloat_Check(v)) {
    types_.push_back(static_cast<char>(ArgType::f64));
    put(PyFloat_AS_DOUBLE(v));
    return;
  } else if (PyUnicode_Check(v)) {
    Py_ssize_t n = 0;
    if (const char* s = PyUnicode_AsUTF8AndSize(v, &n)) {
      add_text(s, static_cast<std::size_t>(n));
      return;
    }
    PyErr_Clear();
  }
  // Everything else is structured: u32 size, then the value; its descriptor goes to the site.
  types_.push_back(static_cast<char>(ArgType::structured));
  const std::size_t at = bytes_.size();
  put(std::uint32_t{0});
  value(v, 0, desc_);
  const auto size = static_cast<std::uint32_t>(bytes_.size() - at - 4);
  std::memcpy(bytes_.data() + at, &size, 4);
}

void ArgEncoder::text_of(PyObject* v, std::string& desc) {
  desc_byte(desc, ArgType::string);
  std::string text;
  PyObject* s = PyObject_Str(v);
  if (s == nullptr || !utf8_of(s, text)) {
    PyErr_Clear();
    text = "<unprintable>";
  }
  Py_XDECREF(s);
  put_string(text.data(), text.size());
}

void ArgEncoder::value(PyObject* v, int depth, std::string& desc) {
  if (depth >= kMaxDepth) return text_of(v, desc);
  if (v == Py_None) {
    desc_byte(desc, TypeTag::optional);
    desc_byte(desc, ArgType::string);
    put(std::uint8_t{0});
    return;
  }
  if (PyBool_Check(v)) {
    desc_byte(desc, ArgType::boolean);
    put(static_cast<std::uint8_t>(v == Py_True));
    return;
  }
  if (PyLong_Check(v)) {
    int overflow = 0;
    const long long x = PyLong_AsLongLongAndOverflow(v, &overflow);
    if (overflow == 0 && !(x == -1 && PyErr_Occurred())) {
      desc_byte(desc, ArgType::i64);
      put(static_cast<std::int64_t>(x));
      return;
    }
    PyErr_Clear();
    if (overflow > 0) {
      const unsigned long long u = PyLong_AsUnsignedLongLong(v);
      if (!PyErr_Occurred()) {
        desc_byte(desc, ArgType::u64);
        put(static_cast<std::uint64_t>(u));
        return;
      }
      PyErr_Clear();
    }
    return text_of(v, desc);
  }
  if (PyFloat_Check(v)) {
    desc_byte(desc, ArgType::f64);
    put(PyFloat_AS_DOUBLE(v));
    return;
  }
  if (PyUnicode_Check(v)) {
    std::string text;
    utf8_of(v, text);
    desc_byte(desc, ArgType::string);
    put_string(text.data(), text.size());
    return;
  }
  if (PyBytes_Check(v) || PyByteArray_Check(v)) {
    const char* p = PyBytes_Check(v) ? PyBytes_AS_STRING(v) : PyByteArray_AS_STRING(v);
    const std::size_t all = static_cast<std::size_t>(Py_SIZE(v));
    const std::size_t n = all < detail::kMaxElements ? all : detail::kMaxElements;
    desc_byte(desc, TypeTag::sequence);
    desc_byte(desc, ArgType::u8);
    put(static_cast<std::uint32_t>(n));
    put(static_cast<std::uint32_t>(all));
    const std::size_t at = bytes_.size();
    bytes_.resize(at + n);
    if (n != 0) std::memcpy(bytes_.data() + at, p, n);
    return;
  }
  if (PyDateTime_Check(v)) {
    PyObject* ts = PyObject_CallMethod(v, "timestamp", nullptr);
    const double seconds = ts != nullptr ? PyFloat_AsDouble(ts) : NAN;
    Py_XDECREF(ts);
    if (PyErr_Occurred() || !std::isfinite(seconds)) {
      PyErr_Clear();
      return text_of(v, desc);
    }
    // Python's datetime has microseconds; the float holds them exactly enough to round back.
    const auto ns = static_cast<std::int64_t>(std::llround(seconds * 1e6)) * 1000;
    desc_byte(desc, TypeTag::time_point);
    put(ns);
    return;
  }
  if (PyDelta_Check(v)) {
    const std::int64_t us = std::int64_t{PyDateTime_DELTA_GET_DAYS(v)} * 86'400'000'000 +
                            std::int64_t{PyDateTime_DELTA_GET_SECONDS(v)} * 1'000'000 +
                            PyDateTime_DELTA_GET_MICROSECONDS(v);
    desc_byte(desc, TypeTag::duration);
    desc_varint(desc, 1);
    desc_varint(desc, 1'000'000);
    desc_byte(desc, ArgType::i64);
    put(us);
    return;
  }
  if (PyList_Check(v) || PyTuple_Check(v)) return sequence(v, depth, desc);
  if (PyDict_Check(v)) return object(v, depth, desc);
  return text_of(v, desc);
}

// A list or tuple: a sequence when every element has the same descriptor, else a tuple (short
// ones) or a sequence of their str() forms. The elements' bytes are the same in a sequence and a
// tuple; only the sequence has the two counts in front.
void ArgEncoder::sequence(PyObject* seq, int depth, std::string& desc) {
  const std::size_t all = static_cast<std::size_t>(PySequence_Fast_GET_SIZE(seq));
  const std::size_t n = all < detail::kMaxElements ? all : detail::kMaxElements;
  // str() of an element runs Python code, which may change a list under us: each element is
  // read again (and held) when its turn comes, and a vanished one logs as None.
  auto item = [&](std::size_t i) {
    PyObject* x = i < static_cast<std::size_t>(PySequence_Fast_GET_SIZE(seq))
                      ? PySequence_Fast_GET_ITEM(seq, i)
                      : Py_None;
    Py_INCREF(x);
    return x;
  };
  const std::size_t start = bytes_.size();
  put(static_cast<std::uint32_t>(n));
  put(static_cast<std::uint32_t>(all));
  if (n == 0) {
    desc_byte(desc, TypeTag::sequence);
    desc_byte(desc, ArgType::string);
    return;
  }
  std::string first, kids, one;
  bool same = true;
  for (std::size_t i = 0; i < n; ++i) {
    one.clear();
    PyObject* x = item(i);
    value(x, depth + 1, one);
    Py_DECREF(x);
    if (i == 0)
      first = one;
    else if (one != first)
      same = false;
    if (n <= kMaxTupleElements) kids += one;
  }
  if (same) {
    desc_byte(desc, TypeTag::sequence);
    desc += first;
    return;
  }
  if (n <= kMaxTupleElements) {
    // Drop the counts: a tuple's value is its elements back to back.
    bytes_.erase(bytes_.begin() + static_cast<std::ptrdiff_t>(start),
                 bytes_.begin() + static_cast<std::ptrdiff_t>(start + 8));
    desc_byte(desc, TypeTag::tuple);
    desc_varint(desc, n);
    desc += kids;
    return;
  }
  bytes_.resize(start + 8);
  for (std::size_t i = 0; i < n; ++i) {
    one.clear();
    PyObject* x = item(i);
    text_of(x, one);
    Py_DECREF(x);
  }
  desc_byte(desc, TypeTag::sequence);
  desc_byte(desc, ArgType::string);
}

void ArgEncoder::object(PyObject* dict, int depth, std::string& desc) {
  const std::size_t n = static_cast<std::size_t>(PyDict_GET_SIZE(dict));
  if (n == 0) {
    put(std::uint64_t{0});  // an empty sequence: both counts 0
    desc_byte(desc, TypeTag::sequence);
    desc_byte(desc, ArgType::string);
    return;
  }
  if (n > kMaxObjectKeys) return text_of(dict, desc);
  // A snapshot of the items: converting a value runs Python code, which may change the dict.
  PyObject* items = PyDict_Items(dict);
  if (items == nullptr) {
    PyErr_Clear();
    return text_of(dict, desc);
  }
  const std::size_t count = static_cast<std::size_t>(PyList_GET_SIZE(items));
  desc_byte(desc, TypeTag::object);
  desc_varint(desc, count);
  std::string name;
  for (std::size_t i = 0; i < count; ++i) {
    PyObject* pair = PyList_GET_ITEM(items, static_cast<Py_ssize_t>(i));
    PyObject* key = PyTuple_GET_ITEM(pair, 0);
    PyObject* val = PyTuple_GET_ITEM(pair, 1);
    if (!utf8_of(key, name)) {
      PyObject* s = PyObject_Str(key);
      if (s == nullptr || !utf8_of(s, name)) name = "?";
      Py_XDECREF(s);
      PyErr_Clear();
    }
    desc_str(desc, name);
    value(val, depth + 1, desc);
  }
  Py_DECREF(items);
}

}  // namespace lynx::python
