/// \file
/// Human-readable sinks: the console, text files, JSON-lines files and syslog. Each is formatted on
/// the backend thread (never in a log call) and has its own minimum level:
///
///     lynx::Options o;
///     o.sinks.push_back(lynx::console_sink({.level = lynx::Level::warn}));
///     o.sinks.push_back(lynx::text_sink({.path = "logs/app.log"}));
///     o.sinks.push_back(lynx::json_sink({.path = "logs/app.jsonl"}));
///     o.sinks.push_back(lynx::syslog_sink({.address = "tcp://127.0.0.1:514"}));
///
/// docs/sinks.md describes the line formats, rotation and what happens when the console blocks;
/// docs/fleet.md the syslog sink.
#pragma once

#include "lynx/cxx20.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "lynx/level.hpp"

namespace lynx {

/// When the console sink colours the level (ConsoleSinkOptions::colour).
enum class Colour : std::uint8_t {
  automatic,  ///< when the output is a terminal and TERM is not "dumb"
  always,     ///< always (e.g. for a pager that understands ANSI colours)
  never       ///< never
};

/// Where the console sink's timestamps are (ConsoleSinkOptions::time).
enum class TimeZone : std::uint8_t {
  utc,   ///< `2026-11-27T21:17:26.123456789Z`
  local  ///< the process's local time with its offset: `2026-11-27T22:17:26.123456789+01:00`
};

/// Options of lynx::console_sink().
struct ConsoleSinkOptions {
  /// Records below this level are not shown (changeable live through the configuration file).
  Level level = Level::trace;
  /// Colours of the level names.
  Colour colour = Colour::automatic;
  /// UTC or local time.
  TimeZone time = TimeZone::utc;
  /// The line layout, in the template language of `lynx cat --template`. Empty: the default
  /// (`{ts} {level} {logger} [{thread}] {file}:{line} {msg}`, what `lynx cat` prints). Colour and
  /// local time (above) apply to its `{level}` and `{ts}`. A malformed layout makes the Engine
  /// throw std::invalid_argument saying what is wrong and where (docs/cli.md, "Templates").
  std::string layout = {};
  /// Lines waiting for a slow terminal or pipe are kept in a buffer of this many bytes; records
  /// that do not fit are dropped and counted in a line of their own once the output moves again.
  /// At least 4096 (less makes the Engine throw std::invalid_argument).
  std::size_t buffer_bytes = 256u << 10;
  /// The file descriptor written to: 2 (stderr) unless told otherwise. It is not closed.
  int fd = 2;
};

/// Options of lynx::text_sink() and lynx::json_sink(): the file and how it rotates. Rotation
/// renames the current file to `path.NNNNNN` (increasing numbers) and starts a new `path`;
/// retention applies to those rotated files like Options::keep_files etc. to the binary shards.
struct FileSinkOptions {
  /// The current file (its directory is created if missing). Required.
  std::string path = {};
  /// Records below this level are not written (changeable live through the configuration file).
  Level level = Level::trace;
  /// Text sink only: the line layout (see ConsoleSinkOptions::layout).
  std::string layout = {};
  /// Rotate when the file would pass this size; 0: no size limit.
  std::uint64_t rotate_bytes = 256ull << 20;
  /// Also rotate at every multiple of this period since the Unix epoch; 0: never.
  std::chrono::seconds rotate_every{0};
  /// Files kept at most, the current one included, as Options::keep_files for shards (0:
  /// unlimited).
  unsigned keep_files = 0;
  /// Bytes of rotated files and the current one kept at most (0: unlimited).
  std::uint64_t keep_bytes = 0;
  /// Rotated files last written longer ago than this are deleted (0: never).
  std::chrono::seconds keep_for{0};
  /// Permission bits of new files (the umask still applies).
  unsigned file_mode = 0640;
};

/// Options of lynx::syslog_sink(): RFC 5424 messages to a syslog receiver (docs/fleet.md).
struct SyslogSinkOptions {
  /// Where to send: `udp://HOST:PORT` (one datagram per record, at most max_datagram_bytes),
  /// `tcp://HOST:PORT` (octet-counting framing, RFC 6587) or `unix://PATH` (a datagram socket
  /// such as `/dev/log`). HOST is a numeric IPv4/IPv6 address or a name resolved once at start.
  /// Anything else makes the Engine throw std::invalid_argument.
  std::string address = "unix:///dev/log";
  /// Records below this level are not sent (changeable live through the configuration file).
  Level level = Level::trace;
  /// APP-NAME of every message (at most 48 printable ASCII characters; longer is cut, other
  /// characters become '_'). Empty: the program's name.
  std::string app_name = {};
  /// The facility (0 kern .. 23 local7); 1 (user) unless told otherwise. Above 23 makes the
  /// Engine throw std::invalid_argument.
  unsigned facility = 1;
  /// HOSTNAME of every message. Empty: the machine's name (gethostname).
  std::string hostname = {};
  /// Rendered messages waiting for the sending thread (e.g. while the receiver is away) are kept
  /// in a buffer of this many bytes; a message that does not fit is dropped (the newest go, the
  /// oldest stay) and counted (Stats::syslog_dropped), and once messages flow again one message
  /// says how many were dropped. At least 4096 (less makes the Engine throw
  /// std::invalid_argument).
  std::size_t buffer_bytes = 4u << 20;
  /// UDP and unix: a message longer than this is cut to it (at a UTF-8 character boundary) so
  /// that it fits one datagram; 480 to 65000 (RFC 5424 asks receivers for 480 at least, 2048
  /// should). TCP messages are never cut.
  std::size_t max_datagram_bytes = 2048;
};

/// One human-readable sink, as Options::sinks holds it: made by console_sink(), text_sink(),
/// json_sink() or syslog_sink().
struct SinkSpec {
  /// Which sink this is.
  enum class Kind : std::uint8_t {
    console,  ///< console_sink()
    text,     ///< text_sink()
    json,     ///< json_sink()
    syslog    ///< syslog_sink()
  };
  Kind kind = Kind::console;     ///< which sink
  ConsoleSinkOptions console{};  ///< for Kind::console
  FileSinkOptions file{};        ///< for Kind::text and Kind::json
  SyslogSinkOptions syslog{};    ///< for Kind::syslog
  /// The sink's minimum level (console.level, file.level or syslog.level).
  Level level() const noexcept {
    return kind == Kind::console ? console.level : kind == Kind::syslog ? syslog.level : file.level;
  }
};

/// Lines like `lynx cat`, on stderr (or ConsoleSinkOptions::fd), coloured on a terminal. Never
/// blocks the backend: see ConsoleSinkOptions::buffer_bytes.
inline SinkSpec console_sink(ConsoleSinkOptions options = {}) {
  SinkSpec s;
  s.kind = SinkSpec::Kind::console;
  s.console = std::move(options);
  return s;
}
/// One text line per record (what `lynx cat` prints), to FileSinkOptions::path.
inline SinkSpec text_sink(FileSinkOptions options) {
  SinkSpec s;
  s.kind = SinkSpec::Kind::text;
  s.file = std::move(options);
  return s;
}
/// One JSON object per line, the schema of `lynx cat --format json`, to FileSinkOptions::path.
inline SinkSpec json_sink(FileSinkOptions options) {
  SinkSpec s;
  s.kind = SinkSpec::Kind::json;
  s.file = std::move(options);
  return s;
}
/// RFC 5424 messages to a syslog receiver over UDP, TCP or a Unix socket, sent from the sink's own
/// thread (never the backend's); the record's fields and context as structured data.
inline SinkSpec syslog_sink(SyslogSinkOptions options = {}) {
  SinkSpec s;
  s.kind = SinkSpec::Kind::syslog;
  s.syslog = std::move(options);
  return s;
}

}  // namespace lynx
