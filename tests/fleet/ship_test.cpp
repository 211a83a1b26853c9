// `lynx ship` against a real clickhouse-server started by this test on 127.0.0.1 (once for the
// executable; skipped with exit 77 when clickhouse-server is not installed): every record logged
// arrives exactly once, across rotations, a shipper killed with SIGKILL, a server restart while
// the shipper runs, an older checkpoint put back (crash between acknowledgement and the
// checkpoint's rename), rows missing from the table, an insert whose answer was lost: all without
// FINAL (exactly once at insert time, tools/ship_dedup.hpp); and
// Options::ship_guard keeps retention from deleting files not shipped yet.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <lynx/lynx.hpp>

#include <memory>
#include <string>

#include "format/ship_checkpoint.hpp"
#include "tests/fleet/ship_proxy.hpp"
#include "tests/fleet/ship_server.hpp"
#include "tests/fleet/ship_support.hpp"
#include "tests/support/skip.hpp"

namespace {

using lynx::test::ClickHouseServer;
using lynx::test::eventually;
using lynx::test::LynxProcess;
using lynx::test::run_lynx_to_end;
using lynx::test::TempDir;

ClickHouseServer* g_server = nullptr;

void create_table(const std::string& table) {
  g_server->query("DROP TABLE IF EXISTS " + table);
  std::string schema;
  REQUIRE(run_lynx_to_end({"ship", "--print-schema", "--table", table}, &schema) == 0);
  const auto statements = lynx::test::schema_statements(schema);
  REQUIRE(statements.size() == 1);
  g_server->query(statements[0]);
}

std::uint64_t final_count(const std::string& table) {
  return g_server->count("SELECT count() FROM " + table + " FINAL");
}

// `n` records numbered from *next, a few hundred bytes each (rotations come quickly).
void log_records(lynx::Logger& log, int n, int* next) {
  for (int i = 0; i < n; ++i, ++*next) {
    const std::string filler(200, static_cast<char>('a' + *next % 26));  // not packed away
    lynx::Context ctx("trace_id", "0af7651916cd43dd8448eb211c80319c", "user", "bob");
    LYNX_INFO(log, "record {n} {filler}", *next, filler);
  }
}

lynx::Options options_for(const TempDir& dir) {
  lynx::Options o;
  o.directory = dir.path();
  o.name = "s";
  o.shards = 2;
  o.rotate_bytes = 32 * 1024;
  o.compression = lynx::Compression::none;
  o.flush_every = std::chrono::milliseconds(10);
  return o;
}

TEST_CASE("every record once: rotations, a shipper killed with SIGKILL, a server restart") {
  create_table("t_restart");
  TempDir logs("ship");
  lynx::Logger& log = lynx::logger("ship");
  int next = 0;
  const std::vector<std::string> ship = {"ship",    "--clickhouse", g_server->url(),
                                         "--table", "t_restart",    logs.path()};
  std::unique_ptr<LynxProcess> second;
  {
    lynx::Engine engine(options_for(logs));
    log_records(log, 2000, &next);
    engine.flush();
    {
      LynxProcess first(ship);
      CHECK(eventually([] { return final_count("t_restart") > 0; }));
      log_records(log, 1000, &next);
      engine.flush();
      first.signal(SIGKILL);
    }
    g_server->stop();
    second = std::make_unique<LynxProcess>(ship);  // starts while the server is down: retries
    log_records(log, 1000, &next);
    engine.flush();
    CHECK(eventually([&] { return second->err().find("retrying") != std::string::npos; }));
    g_server->start();
    log_records(log, 1000, &next);
  }
  CHECK(lynx::test::lynx_files_in(logs.path()) > 4);  // it rotated
  CHECK(eventually([&] { return final_count("t_restart") >= std::uint64_t(next); }));
  CHECK(second->signal(SIGTERM) == 0);
  CHECK(final_count("t_restart") == std::uint64_t(next));
  CHECK(g_server->count("SELECT count() FROM t_restart") == std::uint64_t(next));  // no FINAL
  CHECK(g_server->count("SELECT uniqExact(lynx_source, lynx_seq) FROM t_restart") ==
        std::uint64_t(next));
  CHECK(g_server->count("SELECT uniqExact(msg) FROM t_restart") == std::uint64_t(next));
  // The columns hold what was logged.
  CHECK(g_server->query("SELECT level, logger, program != '', pid > 0, line > 0, trace_id, ctx, "
                        "visitParamExtractUInt(fields, 'n') FROM t_restart FINAL "
                        "WHERE msg LIKE 'record 17 %' FORMAT TSV") ==
        "info\tship\t1\t1\t1\t0af7651916cd43dd8448eb211c80319c\t{\"user\":\"bob\"}\t17\n");
}

std::uint64_t plain_count(const std::string& table) {
  return g_server->count("SELECT count() FROM " + table);
}

// "ship: N records in ... ; K already in the table" of --stats: N and K.
std::pair<std::uint64_t, std::uint64_t> stats_of(const std::string& err) {
  const std::size_t at = err.rfind("ship: ");
  REQUIRE(at != std::string::npos);
  const std::uint64_t sent = std::stoull(err.substr(at + 6));
  const std::size_t semi = err.find("; ", at);
  REQUIRE(semi != std::string::npos);
  return {sent, std::stoull(err.substr(semi + 2))};
}

void copy_file(const std::filesystem::path& from, const std::filesystem::path& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

TEST_CASE("an older checkpoint put back (crash before its rename): every record once, no FINAL") {
  create_table("t_twice");
  TempDir logs("twice");
  TempDir keep("old-checkpoint");
  lynx::Logger& log = lynx::logger("ship");
  int next = 0;
  const auto checkpoint = logs / lynx::format::kShipCheckpointName;
  const std::vector<std::string> ship = {"ship",    "--clickhouse", g_server->url(), "--table",
                                         "t_twice", "--once",       "--batch-rows",  "200",
                                         "--stats", logs.path()};
  {
    lynx::Engine engine(options_for(logs));
    log_records(log, 700, &next);
    engine.flush();
    REQUIRE(run_lynx_to_end(ship) == 0);
    REQUIRE(std::filesystem::exists(checkpoint));
    copy_file(checkpoint, keep / "old");  // files half shipped, none done
    log_records(log, 800, &next);
  }
  REQUIRE(run_lynx_to_end(ship) == 0);
  CHECK(plain_count("t_twice") == std::uint64_t(next));
  std::string err;
  REQUIRE(run_lynx_to_end(ship, nullptr, &err) == 0);  // the checkpoint says nothing is left
  CHECK(stats_of(err).first == 0);
  // The older checkpoint back, as if the renames after it never happened: the table is asked
  // and nothing is sent again.
  copy_file(keep / "old", checkpoint);
  REQUIRE(run_lynx_to_end(ship, nullptr, &err) == 0);
  CHECK(stats_of(err).first == 0);
  CHECK(stats_of(err).second > 0);
  CHECK(plain_count("t_twice") == std::uint64_t(next));
  // No checkpoint at all: the same.
  std::filesystem::remove(checkpoint);
  REQUIRE(run_lynx_to_end(ship, nullptr, &err) == 0);
  CHECK(stats_of(err) == std::pair<std::uint64_t, std::uint64_t>(0, next));
  CHECK(plain_count("t_twice") == std::uint64_t(next));
  CHECK(g_server->count("SELECT uniqExact(lynx_source, lynx_seq) FROM t_twice") ==
        std::uint64_t(next));
}

TEST_CASE("rows missing from the table are sent, and only those") {
  create_table("t_partial");
  TempDir logs("partial");
  lynx::Logger& log = lynx::logger("ship");
  int next = 0;
  {
    lynx::Engine engine(options_for(logs));
    log_records(log, 1200, &next);
  }
  const std::vector<std::string> ship = {"ship",      "--clickhouse", g_server->url(), "--table",
                                         "t_partial", "--once",       "--batch-rows",  "300",
                                         "--stats",   logs.path()};
  REQUIRE(run_lynx_to_end(ship) == 0);
  REQUIRE(plain_count("t_partial") == std::uint64_t(next));
  // Some rows of some batches gone (as if an insert had reached part of its target).
  g_server->query("ALTER TABLE t_partial DELETE WHERE lynx_seq % 7 = 3");
  CHECK(eventually([] {
    return g_server->count(
               "SELECT count() FROM system.mutations WHERE table = 't_partial' AND "
               "is_done = 0") == 0;
  }));
  const std::uint64_t missing = std::uint64_t(next) - plain_count("t_partial");
  REQUIRE(missing > 0);
  std::filesystem::remove(logs / lynx::format::kShipCheckpointName);
  std::string err;
  REQUIRE(run_lynx_to_end(ship, nullptr, &err) == 0);
  CHECK(stats_of(err) == std::pair<std::uint64_t, std::uint64_t>(missing, next - missing));
  CHECK(plain_count("t_partial") == std::uint64_t(next));
  CHECK(g_server->count("SELECT uniqExact(lynx_source, lynx_seq) FROM t_partial") ==
        std::uint64_t(next));
}

TEST_CASE("an insert whose answer was lost is not sent again") {
  create_table("t_lost");
  TempDir logs("lost");
  lynx::Logger& log = lynx::logger("ship");
  int next = 0;
  {
    lynx::Engine engine(options_for(logs));
    log_records(log, 1000, &next);
  }
  lynx::test::DroppingProxy proxy(g_server->ports().http, 2);
  std::string err;
  REQUIRE(run_lynx_to_end({"ship", "--clickhouse", proxy.url(), "--table", "t_lost", "--once",
                           "--batch-rows", "300", "--stats", logs.path()},
                          nullptr, &err) == 0);
  CHECK(proxy.dropped() == 2);
  CHECK(err.find("retrying") != std::string::npos);
  CHECK(stats_of(err).second > 0);  // the lost batches were found in the table
  CHECK(plain_count("t_lost") == std::uint64_t(next));
  CHECK(g_server->count("SELECT uniqExact(lynx_source, lynx_seq) FROM t_lost") ==
        std::uint64_t(next));
}

TEST_CASE("ship_guard: retention deletes only files the shipper shipped") {
  create_table("t_guard");
  TempDir logs("guard");
  lynx::Logger& log = lynx::logger("ship");
  int next = 0;
  lynx::Options o = options_for(logs);
  o.shards = 1;
  o.keep_files = 2;
  o.ship_guard = true;
  const std::vector<std::string> ship = {"ship",    "--clickhouse", g_server->url(), "--table",
                                         "t_guard", "--once",       logs.path()};
  {
    lynx::Engine engine(o);
    log_records(log, 1500, &next);
    engine.flush();
    // Nothing shipped yet: every file stays, beyond keep_files.
    const std::size_t before = lynx::test::lynx_files_in(logs.path());
    CHECK(before > 4);
    REQUIRE(run_lynx_to_end(ship) == 0);
    log_records(log, 500, &next);  // rotations: retention runs again
    engine.flush();
    CHECK(lynx::test::lynx_files_in(logs.path()) < before);
  }
  REQUIRE(run_lynx_to_end(ship) == 0);
  CHECK(final_count("t_guard") == std::uint64_t(next));  // nothing deleted before it was shipped
}

TEST_CASE("print-schema and usage errors") {
  std::string out, err;
  CHECK(run_lynx_to_end({"ship", "--print-schema", "--table", "x y"}, &out, &err) == 2);
  CHECK(err.find("--table") != std::string::npos);
  CHECK(run_lynx_to_end({"ship", "--table", "t"}, &out, &err) == 2);
  CHECK(run_lynx_to_end({"ship", "--clickhouse", g_server->url(), "--table", "missing_table",
                         "--once", "/nonexistent-dir"},
                        &out, &err) == 2);
  CHECK(err.find("not a directory") != std::string::npos);
  // A table the server does not know: an error, not a retry loop.
  TempDir logs("missing");
  {
    lynx::Engine engine(options_for(logs));
    int next = 0;
    lynx::Logger& log = lynx::logger("ship");
    log_records(log, 10, &next);
  }
  CHECK(run_lynx_to_end({"ship", "--clickhouse", g_server->url(), "--table", "missing_table",
                         "--once", logs.path()},
                        &out, &err) == 2);
  CHECK(err.find("missing_table") != std::string::npos);
  CHECK(!std::filesystem::exists(logs / lynx::format::kShipCheckpointName));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string missing = lynx::test::clickhouse_missing();
  if (!missing.empty()) return lynx::test::skip(missing);
  ClickHouseServer server({lynx::test::free_port(), lynx::test::free_port()}, {});
  server.start();
  g_server = &server;
  doctest::Context context(argc, argv);
  const int rc = context.run();
  g_server = nullptr;
  return rc;
}
