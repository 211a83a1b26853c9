// Results as tables: printed for people on stdout as each table is complete, and written together
// as JSON (`--json FILE`) for tools/plot-bench and for comparing runs. A table's rows are objects
// keyed by its column names, so the JSON needs no separate schema.
#pragma once

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lynx::bench {

struct Cell {
  std::string text;              // as printed
  std::optional<double> number;  // as written to JSON (a string when empty)

  static Cell str(std::string s) { return {std::move(s), std::nullopt}; }
  static Cell num(double v, int decimals);
  static Cell none() { return {"-", std::nullopt}; }
};

class Table {
 public:
  Table(std::string id, std::string title, std::vector<std::string> columns)
      : id_(std::move(id)), title_(std::move(title)), columns_(std::move(columns)) {}
  void add_row(std::vector<Cell> cells) { rows_.push_back(std::move(cells)); }
  void add_note(std::string note) { notes_.push_back(std::move(note)); }
  bool empty() const { return rows_.empty(); }

  void print(std::FILE* out) const;
  void append_json(std::string& out) const;

 private:
  std::string id_, title_;
  std::vector<std::string> columns_;
  std::vector<std::vector<Cell>> rows_;
  std::vector<std::string> notes_;
};

class Report {
 public:
  // Facts about the run (CPU, cores, compiler, mode, ...), printed first and written to JSON.
  void set(std::string key, std::string value);
  void print_header(std::FILE* out) const;
  // Prints the table to stdout right away and keeps it for the JSON file.
  void add(Table table);
  bool write_json(const std::string& path) const;

 private:
  std::vector<std::pair<std::string, std::string>> info_;
  std::vector<Table> tables_;
};

}  // namespace lynx::bench
