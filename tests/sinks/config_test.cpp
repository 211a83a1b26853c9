// The configuration file: a full valid file and what it sets, the printed effective configuration
// (it reads back to the same), every error message (file, line, key, problem), an engine that
// refuses an invalid file without applying any part of it, LYNX_CONFIG, and `lynx config check`.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <cstdlib>
#include <fstream>
#include <stdexcept>
#include <string>

#include "engine/config.hpp"
#include "sink_support.hpp"
#include "tests/support/temp_dir.hpp"
#include "tools/config_command.hpp"
#include "tools/log_source.hpp"

using lynx::detail::Config;

namespace {

std::string error_of(const std::string& text) {
  Config c;
  const lynx::Status s = lynx::detail::parse_config(text, "lynx.toml", &c);
  return s.ok() ? std::string("(valid)") : s.message();
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

constexpr const char* kFull = R"(# every section
[levels]
default = "warn"
orders = "debug"
"orders.payments" = "trace"

[files]
directory = "DIR/bin"
name = "svc"
binary = true
rotate_bytes = "64MiB"
rotate_every = "1h"
keep_files = 10
keep_bytes = "1GiB"
keep_for = "7d"
ship_guard = true

[redact]
fields = ["password", "card"]
patterns = ["email", "bearer"]

[rate_limits]
orders = { per_second = 100, burst = 200 }
"orders.audit" = { per_second = 0.5 }

[[sinks]]
type = "console"
level = "error"
colour = "never"
time = "local"
buffer_bytes = "64KiB"

[[sinks]]
type = "text"
path = "DIR/app.log"
level = "info"
rotate_bytes = 1048576
keep_files = 3

[[sinks]]
type = "json"
path = "DIR/app.jsonl"
)";

std::string full(const std::string& dir) {
  std::string s = kFull;
  for (std::size_t at; (at = s.find("DIR")) != std::string::npos;) s.replace(at, 3, dir);
  return s;
}

}  // namespace

TEST_CASE("a full file sets what it names, and prints back to the same configuration") {
  Config c;
  REQUIRE(lynx::detail::parse_config(full("/tmp/x"), "lynx.toml", &c).ok());
  CHECK(c.default_level == lynx::Level::warn);
  CHECK(c.levels.at("orders") == lynx::Level::debug);
  CHECK(c.levels.at("orders.payments") == lynx::Level::trace);
  CHECK(c.rate_limits.at("orders") == lynx::detail::RateLimit{100, 200});
  CHECK(c.rate_limits.at("orders.audit") == lynx::detail::RateLimit{0.5, 1});
  const lynx::Options o = lynx::detail::apply_config(lynx::Options{}, c);
  CHECK(o.directory == "/tmp/x/bin");
  CHECK(o.name == "svc");
  CHECK(o.rotate_bytes == 64ull << 20);
  CHECK(o.rotate_every == std::chrono::hours(1));
  CHECK(o.keep_files == 10);
  CHECK(o.keep_bytes == 1ull << 30);
  CHECK(o.keep_for == std::chrono::hours(24 * 7));
  CHECK(o.ship_guard);
  CHECK(o.level == lynx::Level::warn);
  CHECK(o.redact_fields == std::vector<std::string>{"password", "card"});
  CHECK(o.redact_patterns == (lynx::Detect::email | lynx::Detect::bearer));
  REQUIRE(o.sinks.size() == 3);
  CHECK(o.sinks[0].kind == lynx::SinkSpec::Kind::console);
  CHECK(o.sinks[0].console.level == lynx::Level::error);
  CHECK(o.sinks[0].console.time == lynx::TimeZone::local);
  CHECK(o.sinks[0].console.buffer_bytes == 64u << 10);
  CHECK(o.sinks[1].kind == lynx::SinkSpec::Kind::text);
  CHECK(o.sinks[1].file.path == "/tmp/x/app.log");
  CHECK(o.sinks[1].file.keep_files == 3);
  CHECK(o.sinks[2].kind == lynx::SinkSpec::Kind::json);
  CHECK(o.sinks[2].file.level == lynx::Level::trace);

  const std::string printed = lynx::detail::print_config(o, c);
  Config again;
  REQUIRE(lynx::detail::parse_config(printed, "printed.toml", &again).ok());
  CHECK(lynx::detail::print_config(lynx::detail::apply_config(lynx::Options{}, again), again) ==
        printed);
}

TEST_CASE("every error names the file, line, key and problem") {
  const std::pair<const char*, const char*> cases[] = {
      {"[levels\n", "lynx.toml:1: (syntax): "},
      {"\n[loggers]\n",
       "lynx.toml:2: loggers: unknown section (levels, files, sinks, redact, rate_limits)"},
      {"levels = 3\n", "lynx.toml:1: levels: must be a table"},
      {"[levels]\norders = \"loud\"\n",
       "lynx.toml:2: levels.orders: \"loud\" is not a level (trace, debug, info, warn, error, "
       "critical, off)"},
      {"[levels]\norders = 3\n", "lynx.toml:2: levels.orders: must be a string"},
      {"[levels]\n\"a..b\" = \"info\"\n", "lynx.toml:2: levels.a..b: is not a dotted logger name"},
      {"[files]\nfolder = \"x\"\n",
       "lynx.toml:2: files.folder: unknown key (directory, name, binary, rotate_bytes, "
       "rotate_every, keep_files, keep_bytes, keep_for, ship_guard)"},
      {"[files]\ndirectory = \"\"\n", "lynx.toml:2: files.directory: must not be empty"},
      {"[files]\nname = \"a/b\"\n",
       "lynx.toml:2: files.name: must be a non-empty file name without '/'"},
      {"[files]\nbinary = \"yes\"\n", "lynx.toml:2: files.binary: must be true or false"},
      {"[files]\nship_guard = 1\n", "lynx.toml:2: files.ship_guard: must be true or false"},
      {"[files]\nrotate_bytes = \"10XB\"\n",
       "lynx.toml:2: files.rotate_bytes: \"10XB\" has an unknown unit (B, KiB, MiB, GiB, KB, MB, "
       "GB)"},
      {"[files]\nrotate_bytes = \"big\"\n",
       "lynx.toml:2: files.rotate_bytes: \"big\" is not a size (e.g. 4096, \"64KiB\", \"256MiB\", "
       "\"1GiB\")"},
      {"[files]\nrotate_bytes = -1\n",
       "lynx.toml:2: files.rotate_bytes: must be a whole number, 0 or more"},
      {"[files]\nrotate_every = \"5y\"\n",
       "lynx.toml:2: files.rotate_every: \"5y\" is not a duration (e.g. 30, \"30s\", \"5m\", "
       "\"1h\", "
       "\"7d\")"},
      {"[files]\nkeep_for = true\n",
       "lynx.toml:2: files.keep_for: must be a duration: seconds or a string like \"1h\""},
      {"[files]\nkeep_files = 2000000000\n",
       "lynx.toml:2: files.keep_files: must be at most 1073741824"},
      {"sinks = 3\n", "lynx.toml:1: sinks: must be an array of tables ([[sinks]])"},
      {"sinks = [1]\n", "lynx.toml:1: sinks[0]: must be a table"},
      {"[[sinks]]\nlevel = \"info\"\n",
       "lynx.toml:1: sinks[0]: needs a type (console, text, json or syslog)"},
      {"[[sinks]]\ntype = \"gelf\"\n",
       "lynx.toml:2: sinks[0].type: \"gelf\" is not a sink type (console, text, json, syslog)"},
      {"[[sinks]]\ntype = \"syslog\"\nport = 514\n",
       "lynx.toml:3: sinks[0].port: unknown key for a syslog sink (type, address, level, app_name, "
       "hostname, facility, buffer_bytes, max_datagram_bytes)"},
      {"[[sinks]]\ntype = \"syslog\"\nfacility = 24\n", "lynx.toml:3: sinks[0].facility:"},
      {"[[sinks]]\ntype = \"console\"\n[[sinks]]\ntype = \"text\"\n",
       "lynx.toml:3: sinks[1].path: a text sink needs a path"},
      {"[[sinks]]\ntype = \"console\"\npath = \"x\"\n",
       "lynx.toml:3: sinks[0].path: unknown key for a console sink (type, level, layout, colour, "
       "time, buffer_bytes)"},
      {"[[sinks]]\ntype = \"json\"\npath = \"x\"\nlayout = \"{msg}\"\n",
       "lynx.toml:4: sinks[0].layout: a json sink has no layout"},
      {"[[sinks]]\ntype = \"json\"\npath = \"x\"\ncolour = \"never\"\n",
       "lynx.toml:4: sinks[0].colour: unknown key for a json sink (type, path, level, layout, "
       "rotate_bytes, rotate_every, keep_files, keep_bytes, keep_for, file_mode)"},
      {"[[sinks]]\ntype = \"console\"\ncolour = \"red\"\n",
       "lynx.toml:3: sinks[0].colour: \"red\" is not auto, always or never"},
      {"[[sinks]]\ntype = \"console\"\ntime = \"mars\"\n",
       "lynx.toml:3: sinks[0].time: \"mars\" is not utc or local"},
      {"[[sinks]]\ntype = \"console\"\nbuffer_bytes = 10\n",
       "lynx.toml:3: sinks[0].buffer_bytes: must be at least 4096"},
      {"[[sinks]]\ntype = \"text\"\npath = \"x\"\nlevel = \"loud\"\n",
       "lynx.toml:4: sinks[0].level: \"loud\" is not a level (trace, debug, info, warn, error, "
       "critical, off)"},
      {"[[sinks]]\ntype = \"text\"\npath = \"x\"\nfile_mode = 0o4755\n",
       "lynx.toml:4: sinks[0].file_mode: must be at most 511"},
      {"[redact]\nnames = []\n", "lynx.toml:2: redact.names: unknown key (fields, patterns)"},
      {"[redact]\nfields = \"password\"\n",
       "lynx.toml:2: redact.fields: must be an array of strings"},
      {"[redact]\npatterns = [\"email\", \"ssn\"]\n",
       "lynx.toml:2: redact.patterns: \"ssn\" is not a detector (email, card, bearer)"},
      {"[rate_limits]\norders = 5\n", "lynx.toml:2: rate_limits.orders: must be a table"},
      {"[rate_limits]\norders = { burst = 5 }\n",
       "lynx.toml:2: rate_limits.orders: needs per_second"},
      {"[rate_limits]\norders = { per_second = 0 }\n",
       "lynx.toml:2: rate_limits.orders.per_second: must be a number above 0 (at most 1e12)"},
      {"[rate_limits]\norders = { per_second = \"fast\" }\n",
       "lynx.toml:2: rate_limits.orders.per_second: must be a number"},
      {"[rate_limits]\norders = { per_second = 5, burst = 0.5 }\n",
       "lynx.toml:2: rate_limits.orders.burst: must be at least 1"},
      {"[rate_limits]\norders = { per_second = 5, rate = 1 }\n",
       "lynx.toml:2: rate_limits.orders.rate: unknown key (per_second, burst)"},
  };
  for (const auto& [text, expected] : cases) {
    CAPTURE(text);
    const std::string got = error_of(text);
    CHECK(got.rfind(expected, 0) == 0);
    if (got.rfind(expected, 0) != 0) MESSAGE(got);
  }
  Config c;
  const lynx::Status missing = lynx::detail::parse_config_file("/nonexistent/lynx.toml", &c);
  CHECK(missing.message().find("read configuration /nonexistent/lynx.toml") != std::string::npos);
}

TEST_CASE("an engine refuses an invalid file and applies none of it") {
  lynx::test::TempDir dir("config");
  const std::string path = dir / "lynx.toml";
  write_file(path, "[levels]\nhalf = \"trace\"\n\n[files]\nrotate_bytes = \"lots\"\n");
  lynx::Logger& half = lynx::logger("half");
  const lynx::Level before = half.level();
  try {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .config_file = path});
    FAIL("the engine started with an invalid configuration");
  } catch (const std::invalid_argument& e) {
    CHECK(std::string(e.what()) ==
          "lynx: configuration " + path +
              ":5: files.rotate_bytes: \"lots\" is not a size (e.g. 4096, \"64KiB\", \"256MiB\", "
              "\"1GiB\")");
  }
  CHECK(half.level() == before);
  CHECK(lynx::test::files_starting(dir.path(), "app.").empty());
}

TEST_CASE("a valid file configures the engine; LYNX_CONFIG names it when the options do not") {
  lynx::test::TempDir dir("config");
  const std::string path = dir / "lynx.toml";
  write_file(path,
             "[levels]\ncfg = \"debug\"\n[files]\nbinary = false\n"
             "[redact]\nfields = [\"password\"]\n"
             "[[sinks]]\ntype = \"text\"\npath = \"" +
                 dir / "app.log" + "\"\n");
  ::setenv("LYNX_CONFIG", path.c_str(), 1);
  {
    lynx::Engine engine(lynx::Options{.directory = dir / "bin"});
    ::unsetenv("LYNX_CONFIG");
    lynx::Logger& log = lynx::logger("cfg.child");
    CHECK(log.level() == lynx::Level::debug);
    LYNX_DEBUG(log, "login {password}", "hunter2");
  }
  CHECK(lynx::logger("cfg.child").level() == lynx::Level::info);  // stop removed the file's levels
  const std::string text = lynx::test::slurp(dir / "app.log");
  CHECK(text.find("login [redacted]") != std::string::npos);
  CHECK(lynx::test::files_starting(dir / "bin", "app.").empty());  // binary = false
}

// files.ship_guard = true: retention deletes no file that no lynx ship checkpoint lists as shipped
// (there is none here); false: keep_files applies as usual.
TEST_CASE("files.ship_guard in the file reaches retention") {
  for (const bool guard : {true, false}) {
    CAPTURE(guard);
    lynx::test::TempDir dir("guard");
    const std::string path = dir / "lynx.toml";
    write_file(path,
               "[files]\nname = \"g\"\nrotate_bytes = \"32KiB\"\nkeep_files = 1\n"
               "ship_guard = " +
                   std::string(guard ? "true" : "false") + "\n");
    {
      lynx::Options o;
      o.directory = dir / "bin";
      o.compression = lynx::Compression::none;
      o.config_file = path;
      lynx::Engine engine(o);
      lynx::Logger& log = lynx::logger("guard");
      for (int i = 0; i < 2000; ++i) {
        LYNX_INFO(log, "record {i} {filler}", i, std::string(100, char('a' + i % 26)));
        if (i % 100 == 99) engine.flush();  // rotations, each followed by retention
      }
    }
    const std::size_t files = lynx::test::files_starting(dir / "bin", "g").size();
    if (guard) {
      CHECK(files > 4);  // nothing shipped, nothing deleted
    } else {
      CHECK(files <= 2);
    }
  }
}

TEST_CASE("lynx config check prints the effective configuration or the one error") {
  lynx::test::TempDir dir("config");
  const std::string good = dir / "good.toml", bad = dir / "bad.toml";
  write_file(good, full(dir.path()));
  write_file(bad, "[levels]\norders = \"loud\"\n");
  char* data = nullptr;
  std::size_t size = 0;
  std::FILE* out = open_memstream(&data, &size);
  std::FILE* err = std::tmpfile();
  CHECK(lynx::tools::run_config_check({good}, out, err) == lynx::tools::kExitOk);
  std::fflush(out);
  const std::string printed(data, size);
  CHECK(printed.find("# " + good + ": valid") == 0);
  CHECK(printed.find("\"orders.payments\" = \"trace\"") != std::string::npos);
  CHECK(printed.find("flush") == std::string::npos);
  CHECK(printed.find("[[sinks]]\ntype = \"json\"\npath = \"" + dir / "app.jsonl" +
                     "\"\nlevel = \"trace\"") != std::string::npos);
  CHECK(lynx::tools::run_config_check({bad}, out, err) == lynx::tools::kExitDataError);
  CHECK(lynx::tools::run_config_check({dir / "none.toml"}, out, err) == lynx::tools::kExitUsage);
  std::fclose(out);
  std::free(data);
  std::rewind(err);
  char line[512] = {};
  REQUIRE(std::fgets(line, sizeof line, err) != nullptr);
  CHECK(std::string(line) == "lynx config check: " + bad +
                                 ":2: levels.orders: \"loud\" is not a level (trace, debug, info, "
                                 "warn, error, critical, off)\n");
  std::fclose(err);
}

TEST_CASE("the file's rate limits apply to the loggers their prefix covers, and go at stop") {
  lynx::test::TempDir dir("config");
  const std::string path = dir / "lynx.toml";
  write_file(path, "[rate_limits]\nrated = { per_second = 0.000001, burst = 3 }\n");
  {
    lynx::Engine engine(lynx::Options{.directory = dir.path(), .config_file = path});
    lynx::Logger& covered = lynx::logger("rated.child");  // created after the start
    lynx::Logger& other = lynx::logger("ratedx");         // not below "rated"
    for (int i = 0; i < 10; ++i) {
      LYNX_INFO(covered, "covered {i}", i);
      LYNX_INFO(other, "other {i}", i);
    }
    engine.flush();
    const lynx::Stats st = engine.stats();
    CHECK(st.records_suppressed[static_cast<int>(lynx::Level::info)] == 7);
  }
  // The limit came from the file: a later engine without it lets everything through.
  lynx::test::TempDir dir2("config");
  {
    lynx::Engine engine(lynx::Options{.directory = dir2.path()});
    for (int i = 0; i < 10; ++i) LYNX_INFO(lynx::logger("rated.child"), "again {i}", i);
    engine.flush();
    CHECK(engine.stats().records_suppressed[static_cast<int>(lynx::Level::info)] == 0);
  }
}
