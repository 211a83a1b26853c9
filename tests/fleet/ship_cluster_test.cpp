// `lynx ship` into a two-shard cluster: two clickhouse-server processes started by this test on
// 127.0.0.1 (different ports), the local tables and the Distributed table of
// `lynx ship --print-schema --cluster fleet`, inserts through the Distributed table: every record
// lands exactly once across the two shards, both shards get some; shipped again without a
// checkpoint, nothing is inserted twice, and rows one shard lost are sent again, only those, all
// without FINAL. Exit 77 without clickhouse-server.
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <lynx/lynx.hpp>

#include <string>

#include "format/ship_checkpoint.hpp"
#include "tests/fleet/ship_server.hpp"
#include "tests/fleet/ship_support.hpp"
#include "tests/support/skip.hpp"

namespace {

using lynx::test::ClickHouseServer;
using lynx::test::run_lynx_to_end;
using lynx::test::TempDir;

ClickHouseServer* g_shards[2] = {nullptr, nullptr};

std::uint64_t on_shards(const std::string& sql) {
  return g_shards[0]->count(sql) + g_shards[1]->count(sql);
}

TEST_CASE("every record once across the shards of a Distributed table") {
  std::string schema;
  REQUIRE(run_lynx_to_end({"ship", "--print-schema", "--table", "logs", "--cluster", "fleet"},
                          &schema) == 0);
  const auto statements = lynx::test::schema_statements(schema);
  REQUIRE(statements.size() == 2);
  for (ClickHouseServer* s : g_shards) {
    for (const std::string& st : statements) s->query(st);
  }
  TempDir logs("cluster");
  lynx::Logger& log = lynx::logger("fleet");
  const int n = 3000;
  {
    lynx::Engine engine({.directory = logs.path(),
                         .name = "c",
                         .shards = 2,
                         .rotate_bytes = 64 * 1024,
                         .compression = lynx::Compression::none});
    for (int i = 0; i < n; ++i) LYNX_WARN(log, "cluster record {i}", i);
  }
  const std::vector<std::string> ship = {"ship",         "--clickhouse", g_shards[0]->url(),
                                         "--table",      "logs",         "--once",
                                         "--batch-rows", "500",          logs.path()};
  REQUIRE(run_lynx_to_end(ship) == 0);
  std::vector<std::string> with_stats = ship;
  with_stats.insert(with_stats.end() - 1, "--stats");
  // insert_distributed_sync: acknowledged means on the shards, so no waiting here.
  CHECK(on_shards("SELECT count() FROM logs_local") == std::uint64_t(n));
  CHECK(g_shards[0]->count("SELECT count() FROM logs_local") > 0);
  CHECK(g_shards[1]->count("SELECT count() FROM logs_local") > 0);
  CHECK(g_shards[1]->count("SELECT count() FROM logs") == std::uint64_t(n));
  CHECK(g_shards[0]->count("SELECT uniqExact(msg) FROM logs") == std::uint64_t(n));
  // Sent again from scratch (the checkpoint lost, as after a crash before its first rename):
  // the Distributed table is asked, nothing is inserted twice, no FINAL needed.
  const auto checkpoint = logs / lynx::format::kShipCheckpointName;
  std::filesystem::remove(checkpoint);
  std::string err;
  REQUIRE(run_lynx_to_end(with_stats, nullptr, &err) == 0);
  CHECK(err.find("ship: 0 records") != std::string::npos);
  CHECK(on_shards("SELECT count() FROM logs_local") == std::uint64_t(n));
  // One shard lost some rows (a Distributed insert that reached one shard and not the other):
  // only those are sent again, to that shard.
  g_shards[1]->query("ALTER TABLE logs_local DELETE WHERE lynx_seq % 5 = 0");
  CHECK(lynx::test::eventually([] {
    return g_shards[1]->count("SELECT count() FROM system.mutations WHERE is_done = 0") == 0;
  }));
  const std::uint64_t missing = std::uint64_t(n) - on_shards("SELECT count() FROM logs_local");
  REQUIRE(missing > 0);
  std::filesystem::remove(checkpoint);
  REQUIRE(run_lynx_to_end(with_stats, nullptr, &err) == 0);
  CHECK(err.find("ship: " + std::to_string(missing) + " records") != std::string::npos);
  CHECK(on_shards("SELECT count() FROM logs_local") == std::uint64_t(n));
  CHECK(g_shards[0]->count("SELECT uniqExact(lynx_source, lynx_seq) FROM logs") ==
        std::uint64_t(n));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string missing = lynx::test::clickhouse_missing();
  if (!missing.empty()) return lynx::test::skip(missing);
  const ClickHouseServer::Ports a{lynx::test::free_port(), lynx::test::free_port()};
  const ClickHouseServer::Ports b{lynx::test::free_port(), lynx::test::free_port()};
  ClickHouseServer first(a, {a.tcp, b.tcp});
  ClickHouseServer second(b, {a.tcp, b.tcp});
  first.start();
  second.start();
  g_shards[0] = &first;
  g_shards[1] = &second;
  doctest::Context context(argc, argv);
  const int rc = context.run();
  g_shards[0] = g_shards[1] = nullptr;
  return rc;
}
