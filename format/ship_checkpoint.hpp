// The checkpoint of `lynx ship` (docs/fleet.md): how far each file of a log directory has been
// shipped, kept in the directory itself. The shipper writes it (atomically: a temporary file,
// fsync, rename, fsync of the directory) only after the server acknowledged the rows; retention
// reads it when Options::ship_guard is on, and never deletes a file it does not list as done.
//
// Text, one line per file, so that an operator can read and fix it:
//   lynx-ship-checkpoint 1
//   <blocks> <records> <done> <file name>
// `blocks`: the records of the file's blocks 1..blocks (BlockReader::summary().blocks as each
// record was read) are shipped; `records`: how many records that is; `done`: 1 once the file was
// shipped to its end after its writer moved on (rotation). The file name is the last field (it
// may hold spaces, never '/' or a newline).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "base/status.hpp"

namespace lynx::format {

// The default checkpoint file of a log directory (a shipper may name another with --checkpoint;
// retention's guard reads every file named .lynx-ship*.checkpoint in the directory).
inline constexpr const char* kShipCheckpointName = ".lynx-ship.checkpoint";
inline constexpr const char* kShipCheckpointPrefix = ".lynx-ship";
inline constexpr const char* kShipCheckpointSuffix = ".checkpoint";

struct ShipPosition {
  std::uint64_t blocks = 0;
  std::uint64_t records = 0;
  bool done = false;
  bool operator==(const ShipPosition&) const = default;
};

using ShipCheckpoint = std::map<std::string, ShipPosition>;  // by file name (no directory)

// Reads `path`. A missing file is an empty checkpoint (nothing shipped yet), not an error; a
// malformed one is Code::corrupt (the shipper refuses to guess where it was).
Status load_ship_checkpoint(const std::string& path, ShipCheckpoint* checkpoint);

// Replaces `path` with `checkpoint` atomically and durably (see the file comment).
Status store_ship_checkpoint(const std::string& path, const ShipCheckpoint& checkpoint);

// True when `directory` holds at least one checkpoint and every one of them (one per shipper)
// lists `file_name` as done. Without checkpoints nothing counts as shipped; an unreadable one
// protects every file. Used by retention when Options::ship_guard is on.
bool shipped_by_all(const std::string& directory, const std::string& file_name);

}  // namespace lynx::format
