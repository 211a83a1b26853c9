#include "test_support.hpp"

#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <system_error>

#include "format/reader.hpp"

namespace lynx::test {

namespace fs = std::filesystem;

std::string DecodedRecord::value(std::string_view name) const {
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    if (names[i] == name) return values[i];
  }
  return {};
}

std::vector<const DecodedRecord*> Decoded::user_records() const& {
  std::vector<const DecodedRecord*> out;
  for (const DecodedRecord& r : records) {
    if (r.logger != "lynx") out.push_back(&r);
  }
  return out;
}

std::uint64_t Decoded::dropped_in_notices() const {
  std::uint64_t sum = 0;
  for (const DecodedRecord& r : records) {
    if (r.logger == "lynx" && r.format.starts_with("{count} record") && !r.values.empty()) {
      sum += std::stoull(r.values[0]);
    }
  }
  return sum;
}

std::uint64_t Decoded::notice_count() const {
  return static_cast<std::uint64_t>(std::count_if(
      records.begin(), records.end(), [](const DecodedRecord& r) { return r.logger == "lynx"; }));
}

namespace {

template <class T>
std::string to_chars_string(T v) {
  char buf[64];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, r.ptr);
}

std::string render(const record::Value& v) {
  using record::Kind;
  switch (v.kind) {
    case Kind::int64: return std::to_string(v.i);
    case Kind::uint64: return std::to_string(v.u);
    case Kind::boolean: return v.b ? "true" : "false";
    case Kind::character: return std::string(1, v.c);
    case Kind::float32: return render_float(static_cast<float>(v.f));
    case Kind::float64: return render_double(v.f);
    case Kind::string: return std::string(v.s);
    case Kind::pointer: return render_pointer(static_cast<std::uintptr_t>(v.u));
    default: break;  // structured values: tests/tools/types_test.cpp checks them
  }
  return "<unknown kind " + std::to_string(static_cast<int>(v.kind)) + ">";
}

}  // namespace

std::string render_double(double v) { return to_chars_string(v); }
std::string render_float(float v) { return to_chars_string(v); }
std::string render_pointer(std::uintptr_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

std::vector<std::string> lynx_files(const std::string& dir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
    if (e.is_regular_file() && e.path().extension() == ".lynx") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

void decode_file(const std::string& path, Decoded& out) {
  DecodedFile file;
  file.path = path;
  std::error_code ec;
  file.size = fs::file_size(path, ec);
  if (!ec) out.bytes += file.size;

  format::FileReader reader(path);
  const Status s = reader.open();
  if (!s.ok()) {
    file.open_error = s.message();
    ++out.problems;
    out.problem_messages.push_back(path + ": " + s.message());
    out.files.push_back(std::move(file));
    return;
  }
  file.opened = true;
  file.shard = reader.header().shard;
  file.sequence = reader.header().sequence;
  file.pid = reader.header().pid;
  file.program = reader.header().program;

  const format::ReadSummary sum = reader.read(
      [&](const format::Record& rec) {
        DecodedRecord r;
        r.path = path;
        r.ts_ns = rec.ts_ns;
        r.level = rec.site->level;
        r.logger = rec.site->logger;
        r.thread_id = rec.thread->id;
        r.os_tid = rec.thread->os_tid;
        r.thread_name = rec.thread->name;
        r.file = rec.site->file;
        r.line = rec.site->line;
        r.function = rec.site->function;
        r.format = rec.site->format;
        r.fmt_pattern = rec.site->parsed.fmt_pattern;
        r.names = rec.site->parsed.names;
        r.types = rec.site->types;
        r.values.reserve(rec.args.size());
        for (const record::Value& v : rec.args) r.values.push_back(render(v));
        for (const record::ContextEntry& c : rec.context)
          r.context.emplace_back(std::string(c.name), render(c.value));
        r.suppressed = rec.suppressed;
        r.backtrace = rec.backtrace;
        out.records.push_back(std::move(r));
      },
      [&](const format::Problem& p) {
        out.problem_messages.push_back(path + " @" + std::to_string(p.offset) + ": " + p.message);
      });
  file.records = sum.records;
  file.problems = sum.problems;
  out.problems += sum.problems;
  out.files.push_back(std::move(file));
}

Decoded decode_file(const std::string& path) {
  Decoded out;
  decode_file(path, out);
  return out;
}

Decoded decode_dir(const std::string& dir) {
  Decoded out;
  for (const std::string& path : lynx_files(dir)) decode_file(path, out);
  return out;
}

std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::uint64_t current_os_tid() { return static_cast<std::uint64_t>(::syscall(SYS_gettid)); }

}  // namespace lynx::test
