#include "tests/fleet/ship_server.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace lynx::test {

namespace {

constexpr const char* kServer = "/usr/sbin/clickhouse-server";

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

std::string clickhouse_missing() {
  return ::access(kServer, X_OK) == 0 ? ""
                                      : "clickhouse-server is not installed "
                                        "(scripts/install-deps.sh fleet-ship)";
}

int free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = 0;
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
    throw std::runtime_error("no free port");
  }
  ::close(fd);
  return ntohs(a.sin_port);
}

ClickHouseServer::ClickHouseServer(Ports ports, const std::vector<int>& cluster)
    : dir_("clickhouse"), ports_(ports) {
  const std::string d = dir_.path();
  std::string shards;
  for (const int port : cluster) {
    shards += "<shard><replica><host>127.0.0.1</host><port>" + std::to_string(port) +
              "</port></replica></shard>";
  }
  write_file(d + "/config.xml",
             "<yandex>\n"
             "  <logger><console>1</console><level>warning</level></logger>\n"
             "  <http_port>" +
                 std::to_string(ports.http) +
                 "</http_port>\n"
                 "  <tcp_port>" +
                 std::to_string(ports.tcp) +
                 "</tcp_port>\n"
                 "  <listen_host>127.0.0.1</listen_host>\n"
                 "  <path>" +
                 d +
                 "/data/</path>\n"
                 "  <tmp_path>" +
                 d +
                 "/tmp/</tmp_path>\n"
                 "  <user_files_path>" +
                 d +
                 "/user_files/</user_files_path>\n"
                 "  <format_schema_path>" +
                 d +
                 "/format_schemas/</format_schema_path>\n"
                 "  <users_config>" +
                 d +
                 "/users.xml</users_config>\n"
                 "  <default_profile>default</default_profile>\n"
                 "  <default_database>default</default_database>\n"
                 "  <mark_cache_size>5368709</mark_cache_size>\n"
                 "  <remote_servers><fleet>" +
                 shards +
                 "</fleet></remote_servers>\n"
                 "</yandex>\n");
  write_file(d + "/users.xml",
             "<yandex><profiles><default></default></profiles>"
             "<users><default><password></password><networks><ip>127.0.0.1</ip></networks>"
             "<profile>default</profile><quota>default</quota></default></users>"
             "<quotas><default></default></quotas></yandex>\n");
  http_ = std::make_unique<tools::HttpClient>(url());
}

ClickHouseServer::~ClickHouseServer() { stop(); }

void ClickHouseServer::start() {
  if (pid_ > 0) return;
  const std::string config = "--config-file=" + dir_.path() + "/config.xml";
  const std::string log = dir_.path() + "/server.log";
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::string arg0 = kServer;
  std::string arg1 = config;
  char* argv[] = {arg0.data(), arg1.data(), nullptr};
  const int rc = posix_spawn(&pid_, kServer, &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) throw std::runtime_error("cannot start clickhouse-server");
  for (int i = 0; i < 600; ++i) {
    std::string answer;
    if (http_->post("SELECT 1", "", "", &answer).ok()) return;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("clickhouse-server exited; see " + log);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("clickhouse-server did not answer within 30 s; see " + log);
}

void ClickHouseServer::stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::string ClickHouseServer::query(const std::string& sql) {
  std::string answer;
  const Status s = http_->post(sql, "", "", &answer);
  if (!s.ok()) throw std::runtime_error(sql + ": " + s.message());
  return answer;
}

std::uint64_t ClickHouseServer::count(const std::string& sql) { return std::stoull(query(sql)); }

}  // namespace lynx::test
