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
  o.format = json ? render::OutputFormat::json : render::OutputFormat::text;
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
