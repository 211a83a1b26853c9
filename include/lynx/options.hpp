// Engine configuration. An aggregate: use designated initialisers, e.g.
//   lynx::Engine engine({.directory = "/var/log/svc", .name = "svc", .shards = 2});
// Every field has a default that suits a typical service.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "lynx/level.hpp"

namespace lynx {

enum class Compression : std::uint8_t { none, zstd };
enum class OnFull : std::uint8_t { block, drop };
enum class Io : std::uint8_t { automatic, uring, psync };

struct Options {
  // Log files go to <directory>/<name>.<shard>.<sequence>.lynx; the directory is created if missing.
  std::string directory = "logs";
  std::string name = "app";
  // Files written side by side; each producer thread is assigned to one when it first logs.
  unsigned shards = 1;
  // Start a new file when the current one would pass this size. 0: never rotate.
  std::uint64_t rotate_bytes = 256ull << 20;
  Compression compression = Compression::zstd;
  // zstd level: 1 is fast with a good ratio; negative levels are faster still, up to 19 smaller.
  int compression_level = 1;
  // Path of a zstd dictionary trained with `lynx train` on earlier logs of the same program. It
  // is embedded once at the start of every file, so each file still decodes on its own. Empty: none.
  std::string zstd_dictionary = {};
  // Per-thread ring buffer in bytes, rounded up to a power of two (minimum 4 KiB). A record larger
  // than half of it is dropped and counted.
  std::size_t buffer_bytes = 1u << 20;
  // What a log call does when its thread's ring is full: wait for the backend, or drop and count.
  OnFull on_full = OnFull::block;
  // Longest time a record waits in memory before it is written to its file.
  std::chrono::milliseconds flush_every{200};
  // Level of loggers created after the engine starts (existing loggers keep theirs).
  Level level = Level::info;
  // io_uring when the kernel allows it, else pwritev (said once on stderr); or force either.
  Io io = Io::automatic;
  // Permission bits of new log files (the process umask still applies).
  unsigned file_mode = 0640;
};

}  // namespace lynx
