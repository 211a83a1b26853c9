#include "engine/syslog_transport.hpp"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>

namespace lynx::detail {

namespace {

[[noreturn]] void bad(const std::string& address, const std::string& why) {
  throw std::invalid_argument("lynx: syslog sink address \"" + address + "\": " + why +
                              " (udp://HOST:PORT, tcp://HOST:PORT or unix://PATH)");
}

}  // namespace

SyslogAddress parse_syslog_address(const std::string& address) {
  SyslogAddress a;
  const std::size_t sep = address.find("://");
  if (sep == std::string::npos) bad(address, "no scheme");
  const std::string scheme = address.substr(0, sep);
  const std::string rest = address.substr(sep + 3);
  if (scheme == "unix") {
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    if (rest.empty() || rest.size() >= sizeof un.sun_path) bad(address, "bad socket path");
    std::memcpy(un.sun_path, rest.data(), rest.size());
    a.kind = SyslogAddress::Kind::unix_dgram;
    std::memcpy(&a.addr, &un, sizeof un);
    a.addr_len = static_cast<socklen_t>(sizeof un);
    return a;
  }
  if (scheme != "udp" && scheme != "tcp") bad(address, "unknown scheme \"" + scheme + "\"");
  a.kind = scheme == "udp" ? SyslogAddress::Kind::udp : SyslogAddress::Kind::tcp;
  std::string host, port;
  if (!rest.empty() && rest.front() == '[') {  // [IPv6]:PORT
    const std::size_t close = rest.find("]:");
    if (close == std::string::npos) bad(address, "expected [ADDRESS]:PORT");
    host = rest.substr(1, close - 1);
    port = rest.substr(close + 2);
  } else {
    const std::size_t colon = rest.rfind(':');
    if (colon == std::string::npos) bad(address, "no port");
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
      port.size() > 5 || std::stoul(port) == 0 || std::stoul(port) > 65535)
    bad(address, "bad host or port");
  addrinfo hints{};
  hints.ai_socktype = a.kind == SyslogAddress::Kind::udp ? SOCK_DGRAM : SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0 || res == nullptr) bad(address, std::string("cannot resolve: ") + gai_strerror(rc));
  std::memcpy(&a.addr, res->ai_addr, res->ai_addrlen);
  a.addr_len = res->ai_addrlen;
  ::freeaddrinfo(res);
  return a;
}

bool SyslogTransport::connect() {
  disconnect();
  const int type = address_.kind == SyslogAddress::Kind::tcp ? SOCK_STREAM : SOCK_DGRAM;
  const int fd = ::socket(address_.addr.ss_family, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return false;
  int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&address_.addr), address_.addr_len);
  if (rc != 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    rc = ::poll(&p, 1, 1000);
    int err = rc == 1 ? 0 : ETIMEDOUT;
    socklen_t len = sizeof err;
    if (rc == 1) ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      ::close(fd);
      errno = err;
      return false;
    }
    rc = 0;
  }
  if (rc != 0) {
    const int err = errno;
    ::close(fd);
    errno = err;
    return false;
  }
  // Blocking from now on, each send bounded by the timeout.
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
  timeval tv{1, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  fd_ = fd;
  return true;
}

void SyslogTransport::disconnect() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool SyslogTransport::still_connected() {
  if (fd_ < 0) return false;
  if (address_.kind != SyslogAddress::Kind::tcp) return true;
  pollfd p{fd_, POLLIN | POLLRDHUP, 0};
  if (::poll(&p, 1, 0) <= 0) return true;
  if ((p.revents & (POLLRDHUP | POLLHUP | POLLERR)) != 0) {
    disconnect();
    return false;
  }
  char sink[256];  // a receiver has nothing to say; read and forget whatever it sent
  const ssize_t n = ::recv(fd_, sink, sizeof sink, MSG_DONTWAIT);
  if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
    disconnect();
    return false;
  }
  return true;
}

SyslogTransport::Sent SyslogTransport::send(std::string_view message) {
  if (fd_ < 0) return Sent::broken;
  std::string_view out = message;
  if (address_.kind == SyslogAddress::Kind::tcp) {
    frame_.assign(std::to_string(message.size()));
    frame_.push_back(' ');
    frame_.append(message);
    out = frame_;
  }
  std::size_t done = 0;
  while (done < out.size()) {
    const ssize_t n = ::send(fd_, out.data() + done, out.size() - done, MSG_NOSIGNAL);
    if (n >= 0) {
      done += static_cast<std::size_t>(n);
      if (datagram()) break;
      continue;
    }
    if (errno == EINTR) continue;
    if (datagram() && errno == EMSGSIZE) return Sent::lost;
    disconnect();
    return Sent::broken;
  }
  return Sent::ok;
}

}  // namespace lynx::detail
