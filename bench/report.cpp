#include "bench/report.hpp"

#include <algorithm>
#include <cmath>

namespace lynx::bench {

namespace {

void append_json_string(std::string& out, const std::string& s) {
  out += '"';
  for (const char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

}  // namespace

Cell Cell::num(double v, int decimals) {
  if (!std::isfinite(v)) return none();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return {buf, v};
}

void Table::print(std::FILE* out) const {
  std::vector<std::size_t> width(columns_.size());
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    width[c] = columns_[c].size();
    for (const auto& row : rows_) {
      if (c < row.size()) width[c] = std::max(width[c], row[c].text.size());
    }
  }
  std::fprintf(out, "\n== %s\n", title_.c_str());
  auto line = [&](auto&& text_of) {
    for (std::size_t c = 0; c < columns_.size(); ++c) {
      const std::string& t = text_of(c);
      // First column left-aligned (names), the rest right-aligned (numbers).
      if (c == 0)
        std::fprintf(out, "%-*s", static_cast<int>(width[c]), t.c_str());
      else
        std::fprintf(out, "  %*s", static_cast<int>(width[c]), t.c_str());
    }
    std::fputc('\n', out);
  };
  line([&](std::size_t c) -> const std::string& { return columns_[c]; });
  static const std::string kEmpty;
  for (const auto& row : rows_) {
    line(
        [&](std::size_t c) -> const std::string& { return c < row.size() ? row[c].text : kEmpty; });
  }
  for (const auto& n : notes_) std::fprintf(out, "  note: %s\n", n.c_str());
  std::fflush(out);
}

void Table::append_json(std::string& out) const {
  out += "{\"id\":";
  append_json_string(out, id_);
  out += ",\"title\":";
  append_json_string(out, title_);
  out += ",\"columns\":[";
  for (std::size_t c = 0; c < columns_.size(); ++c) {
    if (c != 0) out += ',';
    append_json_string(out, columns_[c]);
  }
  out += "],\"rows\":[";
  for (std::size_t r = 0; r < rows_.size(); ++r) {
    out += r == 0 ? "\n  {" : ",\n  {";
    for (std::size_t c = 0; c < columns_.size() && c < rows_[r].size(); ++c) {
      if (c != 0) out += ',';
      append_json_string(out, columns_[c]);
      out += ':';
      const Cell& cell = rows_[r][c];
      if (cell.number) {
        char buf[64];
        std::snprintf(buf, sizeof buf, "%.6g", *cell.number);
        out += buf;
      } else {
        append_json_string(out, cell.text);
      }
    }
    out += '}';
  }
  out += "],\"notes\":[";
  for (std::size_t i = 0; i < notes_.size(); ++i) {
    if (i != 0) out += ',';
    append_json_string(out, notes_[i]);
  }
  out += "]}";
}

void Report::set(std::string key, std::string value) {
  for (auto& [k, v] : info_) {
    if (k == key) {
      v = std::move(value);
      return;
    }
  }
  info_.emplace_back(std::move(key), std::move(value));
}

void Report::print_header(std::FILE* out) const {
  for (const auto& [k, v] : info_) std::fprintf(out, "%-10s %s\n", (k + ":").c_str(), v.c_str());
  std::fflush(out);
}

void Report::add(Table table) {
  table.print(stdout);
  tables_.push_back(std::move(table));
}

bool Report::write_json(const std::string& path) const {
  std::string out = "{\"info\":{";
  for (std::size_t i = 0; i < info_.size(); ++i) {
    if (i != 0) out += ',';
    append_json_string(out, info_[i].first);
    out += ':';
    append_json_string(out, info_[i].second);
  }
  out += "},\n\"tables\":[\n";
  for (std::size_t i = 0; i < tables_.size(); ++i) {
    if (i != 0) out += ",\n";
    tables_[i].append_json(out);
  }
  out += "\n]}\n";
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (f == nullptr) return false;
  const bool ok = std::fwrite(out.data(), 1, out.size(), f) == out.size();
  return std::fclose(f) == 0 && ok;
}

}  // namespace lynx::bench
