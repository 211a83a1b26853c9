/// \file
/// Engine configuration. An aggregate: use designated initialisers, e.g.
///
///     lynx::Engine engine({.directory = "/var/log/svc", .name = "svc", .shards = 2});
///
/// Every field has a default that suits a typical service.
#pragma once

#include "lynx/cxx20.hpp"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "lynx/level.hpp"
#include "lynx/redact.hpp"
#include "lynx/sinks.hpp"

namespace lynx {

/// How blocks of records are stored in the file (Options::compression).
enum class Compression : std::uint8_t {
  none,  ///< raw: larger files, least backend CPU
  zstd   ///< zstd at Options::compression_level, optionally with Options::zstd_dictionary
};
/// What a log call does when its thread's ring is full (Options::on_full).
enum class OnFull : std::uint8_t {
  block,  ///< wait until the backend has made room: nothing is lost
  drop    ///< drop the record and count it (Stats::records_dropped): the caller never waits
};
/// How the backend writes files (Options::io).
enum class Io : std::uint8_t {
  automatic,  ///< io_uring when the kernel allows it, else pwritev (said once on stderr)
  uring,      ///< io_uring only: the Engine throws where the kernel refuses it
  psync       ///< pwritev only
};
/// When written data is made durable (fdatasync), at the cost of throughput (docs/benchmarks.md).
enum class Sync : std::uint8_t {
  none,        ///< leave durability to the page cache
  on_rotate,   ///< fdatasync each file when it is closed
  every_batch  ///< fdatasync after every write
};

/// Everything an Engine can be told; each field has a default (the README's table lists them).
struct Options {
  /// Log files go to `directory/name.shard.sequence.lynx`; the directory is created if
  /// missing.
  std::string directory = "logs";
  /// The file name prefix: a non-empty name without '/'.
  std::string name = "app";
  /// Files written side by side (1 to 256); each producer thread is assigned to one when it
  /// first logs.
  unsigned shards = 1;
  /// Start a new file when the current one would pass this size. 0: no size limit. A file takes at
  /// least 4 KiB of records before it rotates, so this must hold the file header (about 100 bytes
  /// plus the program name), the zstd dictionary block (the dictionary plus a block header) and
  /// those 4 KiB; a smaller value makes the Engine throw std::invalid_argument naming the sizes.
  std::uint64_t rotate_bytes = 256ull << 20;
  /// Also start a new file at every multiple of this period since the Unix epoch (e.g. on the hour
  /// for 1h), at the first record after the boundary. 0: no time-based rotation.
  std::chrono::seconds rotate_every{0};
  /// \name Retention
  /// Per shard, counting files of earlier runs in the same directory; the oldest files are deleted
  /// first, never the one being written. 0 means unlimited.
  /// @{
  unsigned keep_files = 0;           ///< at most this many files
  std::uint64_t keep_bytes = 0;      ///< at most this many bytes in all
  std::chrono::seconds keep_for{0};  ///< no file last written longer ago than this
  /// With `lynx ship` following the directory: retention never deletes a file that the
  /// shipper's checkpoint (.lynx-ship*.checkpoint in the directory) does not list as shipped to
  /// its end. Trade-off: while the shipper is stopped or behind (ClickHouse down), files pile up
  /// beyond keep_files / keep_bytes / keep_for until it catches up; the disk can fill. Off
  /// (default): retention deletes on schedule, shipped or not.
  bool ship_guard = false;
  /// @}
  /// none: leave durability to the page cache; on_rotate: fdatasync a file when it is closed;
  /// every_batch: fdatasync after every write (each flush_every, flush() or full buffer).
  Sync sync = Sync::none;
  /// zstd (default) or none.
  Compression compression = Compression::zstd;
  /// zstd level: 1 is fast with a good ratio; negative levels are faster still, up to 19 smaller
  /// (22 at most). 0 is zstd's default level (3). With Compression::zstd a level outside zstd's
  /// range (ZSTD_minCLevel() .. ZSTD_maxCLevel()) makes the Engine throw std::invalid_argument;
  /// with Compression::none it is ignored.
  int compression_level = 1;
  /// Path of a zstd dictionary trained with `lynx train` on earlier logs of the same program. It
  /// is embedded once at the start of every file, so each file still decodes on its own. Empty:
  /// none.
  std::string zstd_dictionary = {};
  /// Largest per-thread ring buffer in bytes, rounded up to a power of two (minimum 4 KiB, at most
  /// 1 GiB). A record larger than half of it (or than 8 MiB) is dropped and counted.
  std::size_t buffer_bytes = 1u << 20;
  /// Ring a thread starts with, rounded up to a power of two (minimum 4 KiB, at most 1 GiB; more
  /// than buffer_bytes means buffer_bytes). It is allocated and touched whole at the thread's first
  /// log call, so a thread that logs little costs about this much memory. A thread that fills its
  /// ring, or logs a record larger than half of it, moves to one twice as large (or large enough
  /// for the record) up to buffer_bytes, in order and without losing records: at most
  /// log2(buffer_bytes / initial_buffer_bytes) times per thread, each time one slower log call (it
  /// allocates and touches the new ring). Set it to buffer_bytes to have every ring full-size from
  /// the start.
  std::size_t initial_buffer_bytes = 64u << 10;
  /// Strings longer than this many bytes are cut by the log call: the record keeps the first
  /// bytes (whole UTF-8 characters) followed by "…[cut N bytes]", N the string's original length,
  /// so that a huge string still gets its record written. 0 (default): a quarter of
  /// buffer_bytes. Applies to every string argument, inside containers and lynx::Fields types
  /// too, of every thread, from the engine's start.
  std::size_t max_string_bytes = 0;
  /// What a log call does when its thread's ring is full: wait for the backend, or drop and count.
  OnFull on_full = OnFull::block;
  /// Longest time a record waits in memory before it is written to its file.
  std::chrono::milliseconds flush_every{200};
  /// Level of every logger, existing or created later, that has no level of its own
  /// (Logger::set_level) and no lynx::set_level() prefix covering it. LYNX_LEVEL's bare level and
  /// the configuration file's levels.default take precedence.
  Level level = Level::info;
  /// io_uring when the kernel allows it, else pwritev (said once on stderr); or force either.
  Io io = Io::automatic;
  /// Permission bits of new log files (the process umask still applies). Only 0 .. 0777: a value
  /// with other bits (setuid 04000, setgid 02000, sticky 01000) makes the Engine throw
  /// std::invalid_argument; it is rejected, not masked.
  unsigned file_mode = 0640;
  /// On a fatal signal (SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT) write a last record naming the
  /// signal and the thread and everything still in memory, then let the signal do what it would
  /// have done (the previous handler, or the default: core dump, exit status). docs/reliability.md.
  bool crash_handler = true;
  /// With crash_handler: SIGTERM and SIGINT too (the process still ends as it would have).
  bool crash_on_terminate = false;
  /// Write the binary shards (the default). false: only Options::sinks receive records.
  bool binary = true;
  /// Human-readable sinks beside (or, with binary = false, instead of) the binary shards:
  /// lynx::console_sink(), lynx::text_sink(), lynx::json_sink() (lynx/sinks.hpp).
  std::vector<SinkSpec> sinks = {};
  /// Names of fields (placeholders) whose values are written as `"[redacted]"`, in every sink and
  /// file, binary included (lynx/redact.hpp).
  std::vector<std::string> redact_fields = {};
  /// Detectors applied to every string value before anything is written (off by default).
  Detect redact_patterns = Detect::none;
  /// A TOML configuration file (docs/config.md) read at start and watched for changes; the
  /// environment's LYNX_CONFIG is used when this is empty. An invalid file makes the Engine throw
  /// std::invalid_argument naming the file, line, key and problem.
  std::string config_file = {};
  /// \name The logger's own metrics (docs/fleet.md)
  /// Engine::stats() in the Prometheus text format, with the label name="<Options::name>".
  /// @{

  /// Serve them at http://HOST:PORT/metrics from a thread of the engine's own (never the backend),
  /// e.g. "127.0.0.1:9464"; "[::1]:9464" for IPv6. Empty (default): no server. An address that
  /// cannot be bound makes the Engine throw std::system_error, a malformed one
  /// std::invalid_argument, and so does any when the HTTP module liblynx-metrics.so (cpp-httplib,
  /// meson -Dmetrics; loaded only when asked for) cannot be found (docs/fleet.md).
  std::string metrics_listen = {};
  /// Write them to this file every metrics_every and when the engine stops, atomically (a
  /// temporary file beside it renamed over it), for node_exporter's textfile collector (a name
  /// ending in .prom in its --collector.textfile.directory). Empty (default): no file.
  std::string metrics_file = {};
  /// How often metrics_file is written (above 0).
  std::chrono::milliseconds metrics_every{15000};
  /// @}
};

}  // namespace lynx
