// Python values as lynx record arguments. One log call's keyword values are encoded here, with the
// GIL held, into the bytes a C++ log call would have copied into its ring (the layouts of
// include/lynx/detail/arg_types.hpp and structured.hpp), plus what its call site states about
// them: one ArgType per argument and the type descriptors of the structured ones. The backend then
// handles the record exactly as a C++ record: it never learns that Python wrote it.
//
// Mapping (docs/python.md): bool -> boolean, int -> i64 (u64 above 2^63 - 1; text beyond),
// float -> f64, str -> string, None -> optional (empty), bytes -> sequence of u8,
// datetime -> time point (ns since the epoch; naive values are local time, as
// datetime.timestamp() says), timedelta -> duration in microseconds, list/tuple -> sequence when
// every element has the same type, else tuple (up to kMaxTupleElements), dict -> object (keys as
// text; an empty dict is an empty sequence), anything else -> str(value).
//
// Since a Python call site may log values of other types at each call, a call site is registered
// per (template, place, argument types): the descriptor is part of the registry key (sites.hpp).
#pragma once

#include <Python.h>

#include <cstddef>
#include <string>
#include <vector>

namespace lynx::python {

// Heterogeneous lists longer than this become a sequence of strings (a tuple descriptor grows
// with the list, and every length would be another call site).
inline constexpr std::size_t kMaxTupleElements = 16;
// Dicts with more keys than this are logged as str(dict) (the names are in the descriptor).
inline constexpr std::size_t kMaxObjectKeys = 64;
// Nesting deeper than this is logged as str(value) (readers refuse descriptors deeper than 32).
inline constexpr int kMaxDepth = 24;

// The arguments of one record, built up one value at a time. Reused per thread: clear() keeps
// the capacity, so a steady stream of calls does not allocate.
class ArgEncoder {
 public:
  void clear() {
    bytes_.clear();
    types_.clear();
    desc_.clear();
  }
  // Appends one argument. Never fails: a value that cannot be converted is logged as its str()
  // (or "<unprintable>"), and any Python error raised on the way is cleared.
  void add(PyObject* value);
  // Appends one string argument (UTF-8 bytes).
  void add_text(const char* data, std::size_t size);

  const std::vector<std::byte>& bytes() const { return bytes_; }
  // One ArgType per argument, as chars.
  const std::string& types() const { return types_; }
  // The descriptors of the structured arguments, back to back.
  const std::string& desc() const { return desc_; }
  std::size_t count() const { return types_.size(); }

 private:
  // One value inside a structured argument: its descriptor is appended to `desc`, its bytes to
  // bytes_.
  void value(PyObject* v, int depth, std::string& desc);
  void sequence(PyObject* seq, int depth, std::string& desc);
  void object(PyObject* dict, int depth, std::string& desc);
  void text_of(PyObject* v, std::string& desc);   // str(v) as a string leaf
  void put_string(const char* s, std::size_t n);  // u32 length + bytes, cut as C++ cuts
  template <class T>
  void put(const T& v);

  std::vector<std::byte> bytes_;
  std::string types_;
  std::string desc_;
};

// Calls once at module import: the datetime C API.
bool encode_init();

// UTF-8 of a str (surrogates replaced); false with the Python error cleared when `v` is not one.
bool utf8_of(PyObject* v, std::string& out);

}  // namespace lynx::python
