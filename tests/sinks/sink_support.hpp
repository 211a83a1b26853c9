// Helpers of the sink tests: `lynx cat` of a directory (tools::run_cat in this process, the code
// of the `lynx` binary), whole files, lines, and files in a directory. Header-only; tests only.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tools/cat_command.hpp"

namespace lynx::test {

// What `lynx cat [--format json] PATH` prints.
inline std::string lynx_cat(const std::string& path, bool json) {
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&data, &size);
  std::FILE* err = std::fopen("/dev/null", "w");
  tools::CatOptions o;
  o.print.format = json ? "json" : "text";
  o.paths = {path};
  tools::run_cat(o, out, err);
  std::fclose(out);
  std::fclose(err);
  std::string s(data, size);
  std::free(data);
  return s;
}

inline std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    out.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return out;
}

// The thread id of a text line ("... [4242] ...") or a JSON line ("thread":4242).
inline std::string thread_of(const std::string& line) {
  const std::size_t json = line.find("\"thread\":");
  if (json != std::string::npos) {
    const std::size_t from = json + 9;
    return line.substr(from, line.find(',', from) - from);
  }
  const std::size_t open = line.find(" [");
  return open == std::string::npos ? std::string()
                                   : line.substr(open + 2, line.find(']', open) - open - 2);
}

// Whether two outputs hold the same lines, each thread's in the same order. Across threads a sink
// writes in the backend's arrival order, while `lynx cat` sorts by timestamp within a window: the
// two may interleave threads differently where their records are microseconds apart.
inline bool same_records(const std::string& a, const std::string& b) {
  std::vector<std::string> la = lines_of(a), lb = lines_of(b);
  std::vector<std::string> sa = la, sb = lb;
  std::sort(sa.begin(), sa.end());
  std::sort(sb.begin(), sb.end());
  if (sa != sb) return false;
  std::vector<std::string> threads;
  for (const auto& l : la) threads.push_back(thread_of(l));
  std::sort(threads.begin(), threads.end());
  threads.erase(std::unique(threads.begin(), threads.end()), threads.end());
  for (const std::string& t : threads) {
    std::vector<std::string> ta, tb;
    for (const auto& l : la) {
      if (thread_of(l) == t) ta.push_back(l);
    }
    for (const auto& l : lb) {
      if (thread_of(l) == t) tb.push_back(l);
    }
    if (ta != tb) return false;
  }
  return true;
}

// Names in `dir` starting with `prefix`, sorted.
inline std::vector<std::string> files_starting(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name.rfind(prefix, 0) == 0) out.push_back(name);
    }
    ::closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Lines that are not engine notices (logger "lynx").
inline std::vector<std::string> without_notices(const std::vector<std::string>& lines) {
  std::vector<std::string> out;
  for (const auto& l : lines) {
    if (l.find(" lynx [") == std::string::npos &&
        l.find("\"logger\":\"lynx\"") == std::string::npos)
      out.push_back(l);
  }
  return out;
}

}  // namespace lynx::test
