// A real rsyslogd for the syslog sink's tests: started by the test on 127.0.0.1 (TCP and UDP on
// free ports, and a unix datagram socket) with a temporary configuration that writes every
// message twice: as rsyslog received it (raw.log, `%rawmsg%`) and as its RFC 5424 parser split it
// (parsed.log: `severity|facility|app-name|procid|msgid|structured-data|msg`, one line each).
// Header-only; tests only.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace lynx::test {

inline constexpr const char* kRsyslogd = "/usr/sbin/rsyslogd";

inline bool rsyslogd_installed() { return ::access(kRsyslogd, X_OK) == 0; }

// A port nobody listens on right now (bound to 0 and released).
inline int free_port(int type) {
  const int fd = ::socket(AF_INET, type, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof a;
  if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len) != 0)
    throw std::runtime_error("free_port: cannot bind");
  ::close(fd);
  return ntohs(a.sin_port);
}

inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

class RsyslogServer {
 public:
  explicit RsyslogServer(std::string dir)
      : dir_(std::move(dir)), tcp_port_(free_port(SOCK_STREAM)), udp_port_(free_port(SOCK_DGRAM)) {
    std::ofstream conf(dir_ + "/rsyslog.conf");
    conf << "global(workDirectory=\"" << dir_ << "\" maxMessageSize=\"64k\")\n"
         << "module(load=\"imtcp\")\nmodule(load=\"imudp\")\n"
         << "module(load=\"imuxsock\" SysSock.Use=\"off\")\n"
         << "template(name=\"raw\" type=\"string\" string=\"%rawmsg%\\n\")\n"
         << "template(name=\"parsed\" type=\"string\" string=\"%syslogseverity%|%syslogfacility%|"
            "%app-name%|%procid%|%msgid%|%structured-data%|%msg%\\n\")\n"
         << "ruleset(name=\"r\") {\n"
         << "  action(type=\"omfile\" file=\"" << raw_log() << "\" template=\"raw\")\n"
         << "  action(type=\"omfile\" file=\"" << parsed_log() << "\" template=\"parsed\")\n"
         << "}\n"
         << "input(type=\"imtcp\" address=\"127.0.0.1\" port=\"" << tcp_port_
         << "\" ruleset=\"r\")\n"
         << "input(type=\"imudp\" address=\"127.0.0.1\" port=\"" << udp_port_
         << "\" ruleset=\"r\")\n"
         << "input(type=\"imuxsock\" socket=\"" << unix_socket()
         << "\" useSpecialParser=\"off\" parseHostname=\"on\" ruleset=\"r\")\n";
  }
  ~RsyslogServer() { stop(); }

  void start() {
    std::fflush(stdout);  // or the child's freopen() writes what is buffered a second time
    std::fflush(stderr);
    pid_ = ::fork();
    if (pid_ == 0) {
      const std::string conf = dir_ + "/rsyslog.conf", pid = dir_ + "/rsyslogd.pid";
      std::freopen((dir_ + "/rsyslogd.out").c_str(), "a", stdout);
      std::freopen((dir_ + "/rsyslogd.out").c_str(), "a", stderr);
      ::execl(kRsyslogd, kRsyslogd, "-n", "-f", conf.c_str(), "-i", pid.c_str(), nullptr);
      ::_exit(127);
    }
    // Up when it accepts TCP connections (its inputs start together).
    for (int i = 0; i < 500; ++i) {
      const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<std::uint16_t>(tcp_port_));
      const bool up = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      ::close(fd);
      if (up && ::access(unix_socket().c_str(), F_OK) == 0) return;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("rsyslogd did not start: " + read_file(dir_ + "/rsyslogd.out"));
  }
  void stop() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
    ::unlink(unix_socket().c_str());
  }

  int tcp_port() const { return tcp_port_; }
  int udp_port() const { return udp_port_; }
  std::string raw_log() const { return dir_ + "/raw.log"; }
  std::string parsed_log() const { return dir_ + "/parsed.log"; }
  std::string unix_socket() const { return dir_ + "/log.sock"; }

  // The lines of `file` that contain `tag`, once `done` says they are complete (polled up to
  // 20 s; rsyslog writes asynchronously). Whatever is there after the timeout otherwise.
  static std::vector<std::string> wait_lines(const std::string& file, const std::string& tag,
                                             const std::function<bool(std::size_t)>& done) {
    std::vector<std::string> out;
    for (int i = 0; i < 1000; ++i) {
      out.clear();
      for (std::string& l : split_lines(read_file(file)))
        if (l.find(tag) != std::string::npos) out.push_back(std::move(l));
      if (done(out.size())) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return out;
  }

 private:
  std::string dir_;
  int tcp_port_, udp_port_;
  pid_t pid_ = -1;
};

}  // namespace lynx::test
