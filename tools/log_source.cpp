#include "tools/log_source.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "compress/zstd_codec.hpp"
#include "compress/zstd_dictionary.hpp"
#include "format/file_header.hpp"
#include "format/format.hpp"

namespace lynx::tools {

namespace fs = std::filesystem;
using detail::ArgType;
using record::Kind;
using record::Value;

void Diagnostics::io_error(std::string_view message) {
  io_error_ = true;
  fmt::print(err_, "lynx: {}\n", message);
}

void Diagnostics::data_error(std::string_view message) {
  data_error_ = true;
  fmt::print(err_, "lynx: {}\n", message);
}

int Diagnostics::exit_code() const {
  return io_error_ ? kExitUsage : data_error_ ? kExitDataError : kExitOk;
}

std::vector<std::string> expand_paths(const std::vector<std::string>& args, Diagnostics& diag) {
  std::vector<std::string> files;
  std::set<std::pair<dev_t, ino_t>> seen;
  auto add = [&](std::string path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && !seen.insert({st.st_dev, st.st_ino}).second) return;
    files.push_back(std::move(path));
  };
  for (const std::string& arg : args) {
    std::error_code ec;
    const fs::file_status st = fs::status(arg, ec);
    if (ec || !fs::exists(st)) {
      diag.io_error(fmt::format("{}: {}", arg, ec ? ec.message() : "No such file or directory"));
      continue;
    }
    if (!fs::is_directory(st)) {
      add(arg);
      continue;
    }
    std::vector<std::string> names;
    for (fs::directory_iterator it(arg, ec), end; !ec && it != end; it.increment(ec)) {
      std::error_code type_ec;
      if (it->path().filename().string().ends_with(format::kFileExtension) &&
          it->is_regular_file(type_ec)) {
        names.push_back(it->path().string());
      }
    }
    if (ec) {
      diag.io_error(fmt::format("{}: {}", arg, ec.message()));
      continue;
    }
    if (names.empty()) {
      diag.io_error(fmt::format("{}: no {} files in this directory", arg, format::kFileExtension));
      continue;
    }
    std::sort(names.begin(), names.end());
    for (std::string& name : names) add(std::move(name));
  }
  return files;
}

bool load_dictionary_option(const std::string& path, std::vector<std::byte>* dictionary,
                            Diagnostics& diag) {
  // compress::load_dictionary's messages name the file.
  if (const Status s = compress::load_dictionary(path, dictionary); !s.ok()) {
    diag.io_error(s.message());
    return false;
  }
  // zstd parses the dictionary's entropy tables here. A damaged table makes zstd report an
  // allocation error, so the message says what it means before quoting zstd.
  compress::ZstdDecompressor probe;
  if (const Status s = probe.set_dictionary(*dictionary); !s.ok()) {
    diag.io_error(fmt::format("{}: damaged zstd dictionary ({})", path, s.message()));
    return false;
  }
  return true;
}

namespace {

bool same_site(const format::CallSiteInfo& a, const format::CallSiteInfo& b) {
  return a.line == b.line && a.level == b.level && a.types == b.types && a.format == b.format &&
         a.file == b.file && a.logger == b.logger && a.function == b.function;
}

void append_sized(std::string& key, std::string_view s) {
  const auto n = static_cast<std::uint32_t>(s.size());
  key.append(reinterpret_cast<const char*>(&n), sizeof n);
  key.append(s);
}

// Identity of a call site's content, to share one table entry between files of one program.
std::string site_key(const format::CallSiteInfo& s) {
  std::string key;
  key.push_back(static_cast<char>(s.level));
  key.append(reinterpret_cast<const char*>(&s.line), sizeof s.line);
  append_sized(key, s.logger);
  append_sized(key, s.file);
  append_sized(key, s.function);
  append_sized(key, s.format);
  for (const ArgType t : s.types) key.push_back(static_cast<char>(t));
  return key;
}

template <class T>
void put(std::vector<std::byte>& arena, T v) {
  const std::size_t at = arena.size();
  arena.resize(at + sizeof v);
  std::memcpy(arena.data() + at, &v, sizeof v);
}

template <class T>
T take(const std::byte*& p) {
  T v;
  std::memcpy(&v, p, sizeof v);
  p += sizeof v;
  return v;
}

struct FileToRead {
  std::string path;
  std::uint32_t shard = 0;
  std::uint64_t sequence = 0;
};

// Reads only the header, so that files can be put in (shard, sequence) order before they are
// loaded one at a time.
bool peek_header(const std::string& path, format::FileHeader* header) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return false;
  std::vector<std::byte> buf(format::kMaxFileHeaderSize);
  const std::size_t n = std::fread(buf.data(), 1, buf.size(), f);
  std::fclose(f);
  std::size_t size = 0;
  return format::decode_file_header(buf.data(), n, header, &size).ok();
}

void report_open_error(const Status& s, Diagnostics& diag) {
  // The reader's messages name the file already.
  if (s.code() == Status::Code::corrupt || s.code() == Status::Code::unsupported) {
    diag.data_error(s.message());
  } else {
    diag.io_error(s.message());
  }
}

}  // namespace

// Adds the records of one file. Site and thread pointers from the reader are valid only while it
// lives (and a site redefined in a later metadata block replaces the object at its id), so every
// cache hit is checked against the copied content.
class LogSet::FileLoader {
 public:
  FileLoader(LogSet& set, std::uint32_t pid) : set_(set), pid_(pid) {}

  void add(const format::Record& r) {
    LoadedRecord out;
    out.ts_ns = r.ts_ns;
    out.site = site_index(*r.site);
    out.thread = thread_index(*r.thread);
    std::int64_t& last = set_.thread_last_ns_[out.thread];
    out.order_ns = std::max(r.ts_ns, last);
    last = out.order_ns;
    out.args_offset = set_.arena_.size();
    for (const Value& v : r.args) append(v);
    set_.records_.push_back(out);
  }

 private:
  std::uint32_t site_index(const format::CallSiteInfo& site) {
    const auto hit = sites_.find(&site);
    if (hit != sites_.end() && same_site(set_.sites_[hit->second], site)) return hit->second;
    const auto next = static_cast<std::uint32_t>(set_.sites_.size());
    const auto [it, inserted] = set_.site_index_.try_emplace(site_key(site), next);
    if (inserted) set_.sites_.push_back(site);
    sites_[&site] = it->second;
    return it->second;
  }

  std::uint32_t thread_index(const format::ThreadInfo& thread) {
    if (last_thread_ != kNone && thread.os_tid == last_os_tid_) return last_thread_;
    const auto [it, inserted] = set_.thread_index_.try_emplace(
        std::pair(pid_, thread.os_tid), static_cast<std::uint32_t>(set_.threads_.size()));
    if (inserted) {
      set_.threads_.push_back(ThreadEntry{pid_, thread.os_tid, thread.name});
      set_.thread_last_ns_.push_back(std::numeric_limits<std::int64_t>::min());
    }
    last_os_tid_ = thread.os_tid;
    last_thread_ = it->second;
    return last_thread_;
  }

  // Arena layout per value: its Kind, then integers, pointers and floats 8 bytes (f32 widened
  // exactly to f64), bool and char 1 byte, strings u32 size + bytes.
  void append(const Value& v) {
    std::vector<std::byte>& a = set_.arena_;
    put(a, static_cast<std::uint8_t>(v.kind));
    switch (v.kind) {
      case Kind::int64: return put(a, v.i);
      case Kind::uint64: case Kind::pointer: return put(a, v.u);
      case Kind::boolean: return put(a, static_cast<std::uint8_t>(v.b));
      case Kind::character: return put(a, v.c);
      case Kind::float32: case Kind::float64: return put(a, v.f);
      case Kind::string: {
        put(a, static_cast<std::uint32_t>(v.s.size()));
        const auto* b = reinterpret_cast<const std::byte*>(v.s.data());
        a.insert(a.end(), b, b + v.s.size());
        return;
      }
    }
  }

  static constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();
  LogSet& set_;
  std::uint32_t pid_;
  std::unordered_map<const format::CallSiteInfo*, std::uint32_t> sites_;
  std::uint64_t last_os_tid_ = 0;
  std::uint32_t last_thread_ = kNone;
};

LogSet LogSet::load(const std::vector<std::string>& files, Diagnostics& diag,
                    const std::vector<std::byte>& dictionary) {
  std::vector<FileToRead> order;
  for (const std::string& path : files) {
    format::FileHeader header;
    if (!peek_header(path, &header)) {
      // Let the reader say what is wrong, in its words.
      format::FileReader reader(path);
      const Status s = reader.open();
      if (!s.ok()) {
        report_open_error(s, diag);
        continue;
      }
      header = reader.header();
    }
    order.push_back(FileToRead{path, header.shard, header.sequence});
  }
  std::stable_sort(order.begin(), order.end(), [](const FileToRead& a, const FileToRead& b) {
    return a.shard != b.shard ? a.shard < b.shard : a.sequence < b.sequence;
  });

  LogSet set;
  for (const FileToRead& file : order) {
    format::FileReader reader(file.path);
    if (const Status s = reader.open(); !s.ok()) {
      report_open_error(s, diag);
      continue;
    }
    if (!dictionary.empty()) {
      if (const Status s = reader.set_dictionary(dictionary); !s.ok()) {
        diag.io_error(fmt::format("{}: {}", file.path, s.message()));
        continue;
      }
    }
    FileLoader loader(set, reader.header().pid);
    reader.read([&](const format::Record& r) { loader.add(r); },
                [&](const format::Problem& p) {
                  diag.data_error(fmt::format("{}: offset {}: {}", file.path, p.offset, p.message));
                });
  }
  std::stable_sort(set.records_.begin(), set.records_.end(),
                   [](const LoadedRecord& a, const LoadedRecord& b) {
                     return a.order_ns < b.order_ns;
                   });
  return set;
}

void LogSet::values(const LoadedRecord& r, std::vector<Value>* out) const {
  const format::CallSiteInfo& s = sites_[r.site];
  out->resize(s.types.size());
  const std::byte* p = arena_.data() + r.args_offset;
  for (Value& v : *out) {
    v = Value{};
    v.kind = static_cast<Kind>(take<std::uint8_t>(p));
    switch (v.kind) {
      case Kind::int64: v.i = take<std::int64_t>(p); break;
      case Kind::uint64: case Kind::pointer: v.u = take<std::uint64_t>(p); break;
      case Kind::boolean: v.b = take<std::uint8_t>(p) != 0; break;
      case Kind::character: v.c = take<char>(p); break;
      case Kind::float32: case Kind::float64: v.f = take<double>(p); break;
      case Kind::string: {
        const auto n = take<std::uint32_t>(p);
        v.s = std::string_view(reinterpret_cast<const char*>(p), n);
        p += n;
        break;
      }
    }
  }
}

}  // namespace lynx::tools
