// A strict reader of the Prometheus text exposition format (0.0.4) for the metrics tests: every
// line is a `# HELP`, a `# TYPE` or a sample `name{label="value",...} number`, names and labels
// are well formed, each sample belongs to a family whose TYPE came first. Header-only; tests only.
#pragma once

#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace lynx::test {

struct Sample {
  std::string name;
  std::map<std::string, std::string> labels;
  double value = 0;
};

struct Exposition {
  std::map<std::string, std::string> types;  // family -> counter, gauge, histogram
  std::vector<Sample> samples;
  std::string error;  // empty: the text is valid

  // The value of the sample `name` whose labels include `labels`; -1 when there is none.
  double value(const std::string& name, const std::map<std::string, std::string>& labels) const {
    for (const Sample& s : samples) {
      if (s.name != name) continue;
      bool all = true;
      for (const auto& [k, v] : labels) {
        auto it = s.labels.find(k);
        if (it == s.labels.end() || it->second != v) all = false;
      }
      if (all) return s.value;
    }
    return -1;
  }
};

inline bool metric_name_ok(const std::string& n) {
  if (n.empty()) return false;
  for (std::size_t i = 0; i < n.size(); ++i) {
    const char c = n[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

inline Exposition parse_exposition(const std::string& text) {
  Exposition e;
  if (text.empty() || text.back() != '\n') e.error = "does not end in a newline";
  std::istringstream in(text);
  int n = 0;
  for (std::string line; std::getline(in, line) && e.error.empty();) {
    ++n;
    const std::string at = "line " + std::to_string(n) + ": ";
    if (line.rfind("# HELP ", 0) == 0) continue;
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream t(line.substr(7));
      std::string family, type;
      t >> family >> type;
      if (!metric_name_ok(family) ||
          (type != "counter" && type != "gauge" && type != "histogram" && type != "summary"))
        e.error = at + "bad TYPE";
      if (e.types.count(family) != 0) e.error = at + "TYPE twice for " + family;
      e.types[family] = type;
      continue;
    }
    Sample s;
    std::size_t i = 0;
    while (i < line.size() && line[i] != '{' && line[i] != ' ') ++i;
    s.name = line.substr(0, i);
    if (!metric_name_ok(s.name)) {
      e.error = at + "bad metric name";
      break;
    }
    if (i < line.size() && line[i] == '{') {
      ++i;
      while (i < line.size() && line[i] != '}') {
        std::size_t eq = line.find('=', i);
        if (eq == std::string::npos || eq + 1 >= line.size() || line[eq + 1] != '"') {
          e.error = at + "bad label";
          break;
        }
        const std::string key = line.substr(i, eq - i);
        if (!metric_name_ok(key) || key.find(':') != std::string::npos) e.error = at + "bad label";
        std::string value;
        std::size_t j = eq + 2;
        for (; j < line.size() && line[j] != '"'; ++j) {
          if (line[j] == '\\' && j + 1 < line.size()) ++j;
          value.push_back(line[j]);
        }
        if (j >= line.size()) {
          e.error = at + "unterminated label value";
          break;
        }
        s.labels[key] = value;
        i = j + 1;
        if (i < line.size() && line[i] == ',') ++i;
      }
      if (!e.error.empty()) break;
      ++i;  // '}'
    }
    if (i >= line.size() || line[i] != ' ') {
      e.error = at + "no value";
      break;
    }
    const std::string v = line.substr(i + 1);
    char* end = nullptr;
    s.value = v == "+Inf" ? 1e300 : std::strtod(v.c_str(), &end);
    if (v != "+Inf" && (end == v.c_str() || *end != '\0')) {
      e.error = at + "bad value \"" + v + "\"";
      break;
    }
    std::string family = s.name;
    for (const char* suffix : {"_bucket", "_sum", "_count"}) {
      const std::string f(suffix);
      if (e.types.count(family) == 0 && family.size() > f.size() &&
          family.compare(family.size() - f.size(), f.size(), f) == 0 &&
          e.types.count(family.substr(0, family.size() - f.size())) != 0)
        family = family.substr(0, family.size() - f.size());
    }
    if (e.types.count(family) == 0) e.error = at + "sample " + s.name + " before its TYPE";
    e.samples.push_back(std::move(s));
  }
  return e;
}

}  // namespace lynx::test
