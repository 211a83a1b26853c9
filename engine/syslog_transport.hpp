// The syslog sink's connection to its receiver (engine/syslog_sink.hpp): the address parsed once
// (`udp://HOST:PORT`, `tcp://HOST:PORT`, `unix://PATH`), a socket opened and reopened, one message
// sent at a time. Used by the sink's sending thread only; never by the backend.
//
// TCP frames each message with octet counting (RFC 6587 3.4.1: `LEN SP MSG`); a message is sent
// whole or the connection is dropped (the receiver discards a partial frame when the connection
// closes, and the sink sends the message again on the next connection). Before each batch the
// socket is polled for the receiver's end of the connection, so messages are not written into a
// connection the receiver already closed. UDP and unix send one datagram per message on a
// connected datagram socket (so that an unreachable receiver shows up as ECONNREFUSED). Every
// send is bounded by a 1 s timeout (SO_SNDTIMEO); a connect by 1 s.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include <sys/socket.h>

namespace lynx::detail {

struct SyslogAddress {
  enum class Kind { udp, tcp, unix_dgram } kind = Kind::udp;
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
};

// Parses and resolves `address`; throws std::invalid_argument naming it when it is not one of the
// three forms or HOST does not resolve.
SyslogAddress parse_syslog_address(const std::string& address);

class SyslogTransport {
 public:
  enum class Sent { ok, lost, broken };  // lost: this message can never be sent (too large)

  explicit SyslogTransport(SyslogAddress address) : address_(address) {}
  ~SyslogTransport() { disconnect(); }
  SyslogTransport(const SyslogTransport&) = delete;
  SyslogTransport& operator=(const SyslogTransport&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Opens the socket; false (errno set) when the receiver cannot be reached.
  bool connect();
  void disconnect();
  // TCP: false when the receiver closed the connection (then disconnected).
  bool still_connected();
  Sent send(std::string_view message);
  bool datagram() const { return address_.kind != SyslogAddress::Kind::tcp; }

 private:
  const SyslogAddress address_;
  int fd_ = -1;
  std::string frame_;  // TCP: `LEN SP MSG`
};

}  // namespace lynx::detail
