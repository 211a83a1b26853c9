// A TCP proxy on 127.0.0.1 in front of a ClickHouse server for the ship tests: forwards bytes
// both ways, except that it drops the connection instead of passing on the answers to the first
// `drops` INSERT requests (the server applied them; the client sees the connection break, as
// after a timeout or a network failure between acknowledgement and client).
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace lynx::test {

class DroppingProxy {
 public:
  DroppingProxy(int upstream_port, int drops) : upstream_(upstream_port), drops_(drops) {
    listen_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a = loopback(0);
    socklen_t len = sizeof a;
    if (listen_ < 0 || ::bind(listen_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_, 16) != 0 ||
        ::getsockname(listen_, reinterpret_cast<sockaddr*>(&a), &len) != 0) {
      throw std::runtime_error("proxy: cannot listen");
    }
    port_ = ntohs(a.sin_port);
    thread_ = std::thread([this] { run(); });
  }
  ~DroppingProxy() {
    stop_.store(true);
    thread_.join();
    ::close(listen_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/"; }
  int dropped() const { return dropped_.load(); }

 private:
  static sockaddr_in loopback(int port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    return a;
  }

  // A thread per connection (the shipper keeps one for queries and opens one per INSERT).
  void run() {
    std::vector<std::thread> connections;
    while (!stop_.load()) {
      pollfd p{listen_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int client = ::accept(listen_, nullptr, nullptr);
      if (client < 0) continue;
      connections.emplace_back([this, client] {
        const int server = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in a = loopback(upstream_);
        if (::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) pump(client, server);
        ::close(server);
        ::close(client);
      });
    }
    for (std::thread& t : connections) t.join();
  }

  bool take_drop() {
    int d = dropped_.load();
    while (d < drops_) {
      if (dropped_.compare_exchange_weak(d, d + 1)) return true;
    }
    return false;
  }

  void pump(int client, int server) {
    std::vector<char> buf(1 << 16);
    bool insert_pending = false;
    std::string tail;  // the last bytes from the client (a request line may be split)
    while (!stop_.load()) {
      pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(p, 2, 50) <= 0) continue;
      if (p[0].revents != 0) {
        const ssize_t n = ::read(client, buf.data(), buf.size());
        if (n <= 0) return;
        tail += std::string(buf.data(), static_cast<std::size_t>(n));
        if (tail.find("query=INSERT") != std::string::npos) {
          insert_pending = true;
          tail.clear();
        } else if (tail.size() > 64) {
          tail.erase(0, tail.size() - 64);
        }
        if (::write(server, buf.data(), static_cast<std::size_t>(n)) != n) return;
      }
      if (p[1].revents != 0) {
        const ssize_t n = ::read(server, buf.data(), buf.size());
        if (n <= 0) return;
        if (insert_pending && take_drop()) return;  // the answer to an INSERT: lost
        insert_pending = false;
        if (::write(client, buf.data(), static_cast<std::size_t>(n)) != n) return;
      }
    }
  }

  int upstream_;
  int drops_;
  int listen_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> dropped_{0};
  std::thread thread_;
};

}  // namespace lynx::test
