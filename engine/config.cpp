// toml++ is used header-only (TOML_HEADER_ONLY=1; Debian's .pc asks for its shared library), in
// this one file, so nothing else includes it and liblynx needs nothing more to link.
#define TOML_HEADER_ONLY 1
#define TOML_ENABLE_FORMATTERS 0
#include "engine/config.hpp"

#include <toml++/toml.h>

#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <fstream>
#include <sstream>

namespace lynx::detail {

std::optional<Level> parse_level(std::string_view name) {
  for (const Level l : {Level::trace, Level::debug, Level::info, Level::warn, Level::error,
                        Level::critical, Level::off}) {
    if (name == to_string(l)) return l;
  }
  if (name == "warning") return Level::warn;
  return std::nullopt;
}

namespace {

// The first problem found, as "<path>:<line>: <key>: <problem>".
struct Problem {
  std::string message;
};

class Parser {
 public:
  explicit Parser(const std::string& path) : path_(path) {}

  [[noreturn]] void fail(const toml::node& at, const std::string& key,
                         const std::string& problem) const {
    throw Problem{path_ + ":" + std::to_string(at.source().begin.line) + ": " + key + ": " +
                  problem};
  }
  [[noreturn]] void fail_key(const toml::key& at, const std::string& key,
                             const std::string& problem) const {
    throw Problem{path_ + ":" + std::to_string(at.source().begin.line) + ": " + key + ": " +
                  problem};
  }

  std::string string(const toml::node& v, const std::string& key) const {
    if (!v.is_string()) fail(v, key, "must be a string");
    return v.as_string()->get();
  }
  bool boolean(const toml::node& v, const std::string& key) const {
    if (!v.is_boolean()) fail(v, key, "must be true or false");
    return v.as_boolean()->get();
  }
  Level level(const toml::node& v, const std::string& key) const {
    const std::string s = string(v, key);
    const std::optional<Level> l = parse_level(s);
    if (!l)
      fail(v, key, "\"" + s + "\" is not a level (trace, debug, info, warn, error, critical, off)");
    return *l;
  }
  std::uint64_t count(const toml::node& v, const std::string& key, std::uint64_t max) const {
    if (!v.is_integer() || v.as_integer()->get() < 0)
      fail(v, key, "must be a whole number, 0 or more");
    const auto n = static_cast<std::uint64_t>(v.as_integer()->get());
    if (n > max) fail(v, key, "must be at most " + std::to_string(max));
    return n;
  }
  // A byte size: a whole number or a string with a unit (B, KiB, MiB, GiB, KB, MB, GB).
  std::uint64_t size(const toml::node& v, const std::string& key) const {
    if (v.is_integer()) return count(v, key, ~std::uint64_t{0} >> 1);
    if (!v.is_string())
      fail(v, key, "must be a size: a number of bytes or a string like \"64MiB\"");
    const std::string s = v.as_string()->get();
    std::size_t i = 0;
    std::uint64_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && n < (1ull << 50))
      n = n * 10 + static_cast<std::uint64_t>(s[i++] - '0');
    std::string unit = s.substr(i);
    while (!unit.empty() && unit.front() == ' ') unit.erase(0, 1);
    static const std::pair<const char*, std::uint64_t> kUnits[] = {{"", 1},
                                                                   {"B", 1},
                                                                   {"KiB", 1ull << 10},
                                                                   {"MiB", 1ull << 20},
                                                                   {"GiB", 1ull << 30},
                                                                   {"KB", 1000},
                                                                   {"MB", 1000000},
                                                                   {"GB", 1000000000}};
    if (i == 0)
      fail(v, key, "\"" + s + "\" is not a size (e.g. 4096, \"64KiB\", \"256MiB\", \"1GiB\")");
    for (const auto& [name, factor] : kUnits) {
      if (unit == name) return n * factor;
    }
    fail(v, key, "\"" + s + "\" has an unknown unit (B, KiB, MiB, GiB, KB, MB, GB)");
  }
  // A duration: whole seconds, or a string with a unit (s, m, h, d).
  std::chrono::seconds duration(const toml::node& v, const std::string& key) const {
    if (v.is_integer()) return std::chrono::seconds(count(v, key, 1ull << 40));
    if (!v.is_string()) fail(v, key, "must be a duration: seconds or a string like \"1h\"");
    const std::string s = v.as_string()->get();
    std::size_t i = 0;
    std::uint64_t n = 0;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9' && n < (1ull << 40))
      n = n * 10 + static_cast<std::uint64_t>(s[i++] - '0');
    const std::string unit = s.substr(i);
    std::uint64_t factor = 0;
    if (unit == "s") factor = 1;
    if (unit == "m") factor = 60;
    if (unit == "h") factor = 3600;
    if (unit == "d") factor = 86400;
    if (i == 0 || factor == 0)
      fail(v, key, "\"" + s + "\" is not a duration (e.g. 30, \"30s\", \"5m\", \"1h\", \"7d\")");
    return std::chrono::seconds(static_cast<std::int64_t>(n * factor));
  }
  double positive(const toml::node& v, const std::string& key) const {
    double d = 0;
    if (v.is_integer()) {
      d = static_cast<double>(v.as_integer()->get());
    } else if (v.is_floating_point()) {
      d = v.as_floating_point()->get();
    } else {
      fail(v, key, "must be a number");
    }
    if (!(d > 0) || d > 1e12) fail(v, key, "must be a number above 0 (at most 1e12)");
    return d;
  }
  const toml::table& table(const toml::node& v, const std::string& key) const {
    if (!v.is_table()) fail(v, key, "must be a table");
    return *v.as_table();
  }

  void levels(const toml::table& t, Config* c) const {
    for (auto&& [k, v] : t) {
      const std::string name(k.str());
      const std::string key = "levels." + (name.empty() ? std::string("\"\"") : name);
      if (name == "default") {
        c->default_level = level(v, key);
        continue;
      }
      if (name.empty() || name.front() == '.' || name.back() == '.' ||
          name.find("..") != std::string::npos)
        fail_key(k, key, "is not a dotted logger name");
      c->levels[name] = level(v, key);
    }
  }

  void files(const toml::table& t, Config* c) const {
    for (auto&& [k, v] : t) {
      const std::string name(k.str());
      const std::string key = "files." + name;
      if (name == "directory") {
        c->directory = string(v, key);
        if (c->directory->empty()) fail(v, key, "must not be empty");
      } else if (name == "name") {
        c->name = string(v, key);
        if (c->name->empty() || c->name->find('/') != std::string::npos)
          fail(v, key, "must be a non-empty file name without '/'");
      } else if (name == "binary") {
        c->binary = boolean(v, key);
      } else if (name == "rotate_bytes") {
        c->rotate_bytes = size(v, key);
      } else if (name == "rotate_every") {
        c->rotate_every = duration(v, key);
      } else if (name == "keep_files") {
        c->keep_files = static_cast<unsigned>(count(v, key, 1u << 30));
      } else if (name == "keep_bytes") {
        c->keep_bytes = size(v, key);
      } else if (name == "keep_for") {
        c->keep_for = duration(v, key);
      } else if (name == "ship_guard") {
        c->ship_guard = boolean(v, key);
      } else {
        fail_key(k, key,
                 "unknown key (directory, name, binary, rotate_bytes, rotate_every, keep_files, "
                 "keep_bytes, keep_for, ship_guard)");
      }
    }
  }

  // A [[sinks]] table of type "syslog" (lynx::syslog_sink).
  SinkSpec syslog_sink_of(const toml::table& t, const std::string& at) const {
    SinkSpec s = lynx::syslog_sink();
    SyslogSinkOptions& o = s.syslog;
    for (auto&& [k, v] : t) {
      const std::string name(k.str());
      const std::string key = at + "." + name;
      if (name == "type") continue;
      if (name == "level") {
        o.level = level(v, key);
      } else if (name == "address") {
        o.address = string(v, key);
        if (o.address.empty()) fail(v, key, "must not be empty");
      } else if (name == "app_name") {
        o.app_name = string(v, key);
      } else if (name == "hostname") {
        o.hostname = string(v, key);
      } else if (name == "facility") {
        o.facility = static_cast<unsigned>(count(v, key, 23));
      } else if (name == "buffer_bytes") {
        o.buffer_bytes = size(v, key);
        if (o.buffer_bytes < 4096) fail(v, key, "must be at least 4096");
      } else if (name == "max_datagram_bytes") {
        o.max_datagram_bytes = size(v, key);
        if (o.max_datagram_bytes < 480 || o.max_datagram_bytes > 65000)
          fail(v, key, "must be 480 to 65000");
      } else {
        fail_key(k, key,
                 "unknown key for a syslog sink (type, address, level, app_name, hostname, "
                 "facility, buffer_bytes, max_datagram_bytes)");
      }
    }
    return s;
  }

  SinkSpec sink(const toml::table& t, const std::string& at) const {
    const toml::node* type = t.get("type");
    if (type == nullptr) fail(t, at, "needs a type (console, text, json or syslog)");
    const std::string kind = string(*type, at + ".type");
    if (kind == "syslog") return syslog_sink_of(t, at);
    SinkSpec s;
    if (kind == "console") {
      s = console_sink();
    } else if (kind == "text" || kind == "json") {
      s = kind == "text" ? text_sink({}) : json_sink({});
    } else {
      fail(*type, at + ".type",
           "\"" + kind + "\" is not a sink type (console, text, json, syslog)");
    }
    const bool console = s.kind == SinkSpec::Kind::console;
    for (auto&& [k, v] : t) {
      const std::string name(k.str());
      const std::string key = at + "." + name;
      if (name == "type") continue;
      if (name == "level") {
        (console ? s.console.level : s.file.level) = level(v, key);
      } else if (name == "layout") {
        (console ? s.console.layout : s.file.layout) = string(v, key);
        if (s.kind == SinkSpec::Kind::json) fail_key(k, key, "a json sink has no layout");
      } else if (console && name == "colour") {
        const std::string c = string(v, key);
        if (c == "auto") {
          s.console.colour = Colour::automatic;
        } else if (c == "always") {
          s.console.colour = Colour::always;
        } else if (c == "never") {
          s.console.colour = Colour::never;
        } else {
          fail(v, key, "\"" + c + "\" is not auto, always or never");
        }
      } else if (console && name == "time") {
        const std::string z = string(v, key);
        if (z != "utc" && z != "local") fail(v, key, "\"" + z + "\" is not utc or local");
        s.console.time = z == "utc" ? TimeZone::utc : TimeZone::local;
      } else if (console && name == "buffer_bytes") {
        s.console.buffer_bytes = size(v, key);
        if (s.console.buffer_bytes < 4096) fail(v, key, "must be at least 4096");
      } else if (!console && name == "path") {
        s.file.path = string(v, key);
        if (s.file.path.empty()) fail(v, key, "must not be empty");
      } else if (!console && name == "rotate_bytes") {
        s.file.rotate_bytes = size(v, key);
      } else if (!console && name == "rotate_every") {
        s.file.rotate_every = duration(v, key);
      } else if (!console && name == "keep_files") {
        s.file.keep_files = static_cast<unsigned>(count(v, key, 1u << 30));
      } else if (!console && name == "keep_bytes") {
        s.file.keep_bytes = size(v, key);
      } else if (!console && name == "keep_for") {
        s.file.keep_for = duration(v, key);
      } else if (!console && name == "file_mode") {
        s.file.file_mode = static_cast<unsigned>(count(v, key, 0777));
      } else {
        fail_key(k, key,
                 console ? "unknown key for a console sink (type, level, layout, colour, time, "
                           "buffer_bytes)"
                         : "unknown key for a " + kind +
                               " sink (type, path, level, layout, rotate_bytes, rotate_every, "
                               "keep_files, keep_bytes, keep_for, file_mode)");
      }
    }
    if (!console && s.file.path.empty()) fail(t, at + ".path", "a " + kind + " sink needs a path");
    return s;
  }

  void sinks(const toml::node& v, Config* c) const {
    if (!v.is_array()) fail(v, "sinks", "must be an array of tables ([[sinks]])");
    std::vector<SinkSpec> out;
    const toml::array& a = *v.as_array();
    for (std::size_t i = 0; i < a.size(); ++i) {
      const std::string at = "sinks[" + std::to_string(i) + "]";
      out.push_back(sink(table(a[i], at), at));
    }
    c->sinks = std::move(out);
  }

  void redact(const toml::table& t, Config* c) const {
    for (auto&& [k, v] : t) {
      const std::string name(k.str());
      const std::string key = "redact." + name;
      if (name != "fields" && name != "patterns")
        fail_key(k, key, "unknown key (fields, patterns)");
      if (!v.is_array()) fail(v, key, "must be an array of strings");
      std::vector<std::string> items;
      for (const toml::node& item : *v.as_array()) items.push_back(string(item, key));
      if (name == "fields") {
        c->redact_fields = items;
        continue;
      }
      Detect d = Detect::none;
      for (std::size_t i = 0; i < items.size(); ++i) {
        if (items[i] == "email") {
          d = d | Detect::email;
        } else if (items[i] == "card") {
          d = d | Detect::card;
        } else if (items[i] == "bearer") {
          d = d | Detect::bearer;
        } else {
          fail((*v.as_array())[i], key,
               "\"" + items[i] + "\" is not a detector (email, card, bearer)");
        }
      }
      c->redact_patterns = d;
    }
  }

  void rate_limits(const toml::table& t, Config* c) const {
    for (auto&& [k, v] : t) {
      const std::string name(k.str());
      const std::string key = "rate_limits." + name;
      const toml::table& limit = table(v, key);
      RateLimit r;
      for (auto&& [lk, lv] : limit) {
        const std::string field(lk.str());
        if (field == "per_second") {
          r.per_second = positive(lv, key + ".per_second");
        } else if (field == "burst") {
          r.burst = positive(lv, key + ".burst");
        } else {
          fail_key(lk, key + "." + field, "unknown key (per_second, burst)");
        }
      }
      if (r.per_second == 0) fail(v, key, "needs per_second");
      if (r.burst == 0) r.burst = std::max(1.0, r.per_second);  // default: a second's worth
      if (r.burst < 1) fail(v, key + ".burst", "must be at least 1");
      c->rate_limits[name] = r;
    }
  }

  void document(const toml::table& root, Config* c) const {
    for (auto&& [k, v] : root) {
      const std::string name(k.str());
      if (name == "levels") {
        levels(table(v, name), c);
      } else if (name == "files") {
        files(table(v, name), c);
      } else if (name == "sinks") {
        sinks(v, c);
      } else if (name == "redact") {
        redact(table(v, name), c);
      } else if (name == "rate_limits") {
        rate_limits(table(v, name), c);
      } else {
        fail_key(k, name, "unknown section (levels, files, sinks, redact, rate_limits)");
      }
    }
  }

 private:
  const std::string& path_;
};

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (ch == '"' || ch == '\\') {
      out += '\\';
      out += ch;
    } else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += ch;
    }
  }
  return out + "\"";
}

std::string level_name(Level l) { return quoted(to_string(l)); }

}  // namespace

Status parse_config(std::string_view text, const std::string& path, Config* out) {
  Config c;
  c.path = path;
  try {
    const toml::table root = toml::parse(text, path);
    Parser(path).document(root, &c);
  } catch (const toml::parse_error& e) {
    return Status::error(Status::Code::invalid_argument,
                         path + ":" + std::to_string(e.source().begin.line) +
                             ": (syntax): " + std::string(e.description()));
  } catch (const Problem& p) {
    return Status::error(Status::Code::invalid_argument, p.message);
  }
  *out = std::move(c);
  return {};
}

Status parse_config_file(const std::string& path, Config* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::from_errno(errno != 0 ? errno : ENOENT, "read configuration " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (text.size() > (1u << 20))
    return Status::error(Status::Code::invalid_argument, path + ": larger than 1 MiB");
  return parse_config(text, path, out);
}

Options apply_config(Options o, const Config& c) {
  if (c.default_level) o.level = *c.default_level;
  if (c.directory) o.directory = *c.directory;
  if (c.name) o.name = *c.name;
  if (c.binary) o.binary = *c.binary;
  if (c.rotate_bytes) o.rotate_bytes = *c.rotate_bytes;
  if (c.rotate_every) o.rotate_every = *c.rotate_every;
  if (c.keep_files) o.keep_files = *c.keep_files;
  if (c.keep_bytes) o.keep_bytes = *c.keep_bytes;
  if (c.keep_for) o.keep_for = *c.keep_for;
  if (c.ship_guard) o.ship_guard = *c.ship_guard;
  if (c.sinks) o.sinks = *c.sinks;
  if (c.redact_fields) o.redact_fields = *c.redact_fields;
  if (c.redact_patterns) o.redact_patterns = *c.redact_patterns;
  return o;
}

std::string print_config(const Options& o, const Config& c) {
  std::string s;
  auto line = [&s](const std::string& key, const std::string& value) {
    s += key + " = " + value + "\n";
  };
  s += "[levels]\n";
  line("default", level_name(o.level));
  for (const auto& [name, l] : c.levels) line(quoted(name), level_name(l));
  s += "\n[files]\n";
  line("directory", quoted(o.directory));
  line("name", quoted(o.name));
  line("binary", o.binary ? "true" : "false");
  line("rotate_bytes", std::to_string(o.rotate_bytes));
  line("rotate_every", std::to_string(o.rotate_every.count()));
  line("keep_files", std::to_string(o.keep_files));
  line("keep_bytes", std::to_string(o.keep_bytes));
  line("keep_for", std::to_string(o.keep_for.count()));
  line("ship_guard", o.ship_guard ? "true" : "false");
  s += "\n[redact]\n";
  std::string fields = "[";
  for (std::size_t i = 0; i < o.redact_fields.size(); ++i)
    fields += (i ? ", " : "") + quoted(o.redact_fields[i]);
  line("fields", fields + "]");
  std::string patterns = "[";
  for (const auto& [d, name] : {std::pair{Detect::email, "email"}, std::pair{Detect::card, "card"},
                                std::pair{Detect::bearer, "bearer"}}) {
    if (has(o.redact_patterns, d))
      patterns += std::string(patterns.size() > 1 ? ", " : "") + quoted(name);
  }
  line("patterns", patterns + "]");
  if (!c.rate_limits.empty()) {
    s += "\n[rate_limits]\n";
    for (const auto& [name, r] : c.rate_limits) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "{ per_second = %.17g, burst = %.17g }", r.per_second,
                    r.burst);
      line(quoted(name), buf);
    }
  }
  for (const SinkSpec& sink : o.sinks) {
    s += "\n[[sinks]]\n";
    if (sink.kind == SinkSpec::Kind::console) {
      const ConsoleSinkOptions& k = sink.console;
      line("type", "\"console\"");
      line("level", level_name(k.level));
      line("colour", k.colour == Colour::automatic ? "\"auto\""
                     : k.colour == Colour::always  ? "\"always\""
                                                   : "\"never\"");
      line("time", k.time == TimeZone::utc ? "\"utc\"" : "\"local\"");
      line("buffer_bytes", std::to_string(k.buffer_bytes));
      if (!k.layout.empty()) line("layout", quoted(k.layout));
      continue;
    }
    if (sink.kind == SinkSpec::Kind::syslog) {
      const SyslogSinkOptions& y = sink.syslog;
      line("type", "\"syslog\"");
      line("address", quoted(y.address));
      line("level", level_name(y.level));
      if (!y.app_name.empty()) line("app_name", quoted(y.app_name));
      if (!y.hostname.empty()) line("hostname", quoted(y.hostname));
      line("facility", std::to_string(y.facility));
      line("buffer_bytes", std::to_string(y.buffer_bytes));
      line("max_datagram_bytes", std::to_string(y.max_datagram_bytes));
      continue;
    }
    const FileSinkOptions& f = sink.file;
    line("type", sink.kind == SinkSpec::Kind::text ? "\"text\"" : "\"json\"");
    line("path", quoted(f.path));
    line("level", level_name(f.level));
    if (!f.layout.empty()) line("layout", quoted(f.layout));
    line("rotate_bytes", std::to_string(f.rotate_bytes));
    line("rotate_every", std::to_string(f.rotate_every.count()));
    line("keep_files", std::to_string(f.keep_files));
    line("keep_bytes", std::to_string(f.keep_bytes));
    line("keep_for", std::to_string(f.keep_for.count()));
    char mode[16];
    std::snprintf(mode, sizeof mode, "0o%o", f.file_mode);
    line("file_mode", mode);
  }
  return s;
}

}  // namespace lynx::detail
