// A real clickhouse-server for the tests of `lynx ship`, started on 127.0.0.1 on free ports with
// a minimal configuration in a temporary directory (console log, its own users.xml, all paths in
// the directory), and optionally a cluster of servers in its remote_servers. Stopped (and its
// directory removed) on destruction. Queries go through lynx's own HTTP client.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "tests/support/temp_dir.hpp"
#include "tools/ship_http.hpp"

namespace lynx::test {

// Empty when clickhouse-server is installed, else what is missing (for exit 77).
std::string clickhouse_missing();

// A free TCP port on 127.0.0.1 (bound once, released; good enough for tests).
int free_port();

class ClickHouseServer {
 public:
  struct Ports {
    int http = 0, tcp = 0;
  };
  // `cluster`: the TCP ports of the shards of cluster "fleet" (one replica each), may be empty.
  ClickHouseServer(Ports ports, const std::vector<int>& cluster);
  ~ClickHouseServer();

  void start();  // waits (up to 30 s) until it answers SELECT 1; throws if it does not
  void stop();   // SIGTERM and wait
  std::string url() const { return "http://127.0.0.1:" + std::to_string(ports_.http) + "/"; }
  const Ports& ports() const { return ports_; }
  // Runs `sql`; returns the answer, throws with the server's message on failure.
  std::string query(const std::string& sql);
  // query() of a number.
  std::uint64_t count(const std::string& sql);

 private:
  TempDir dir_;
  Ports ports_;
  pid_t pid_ = -1;
  std::unique_ptr<tools::HttpClient> http_;
};

}  // namespace lynx::test
