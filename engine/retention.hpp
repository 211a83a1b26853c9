// A shard's files on disk and the retention policy that prunes them. Backend thread only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace lynx::detail {

struct ShardFile {
  std::uint64_t sequence = 0;
  std::string path;
  std::uint64_t bytes = 0;
  std::int64_t mtime_ns = 0;  // last write, Unix ns
};

// Adds `path` with its `sequence` to *files when it is a regular file (lstat: a symlink is not),
// with its size and last write time. For the listings below and the formatted sinks' rotations.
void add_if_regular_file(std::string path, std::uint64_t sequence, std::vector<ShardFile>* files);
// Sorts *files oldest (lowest sequence) first.
void sort_by_sequence(std::vector<ShardFile>* files);

// Files named <name>.<shard>.<sequence>.lynx in `directory`, oldest (lowest sequence) first.
std::vector<ShardFile> list_shard_files(const std::string& directory, const std::string& name,
                                        std::uint32_t shard);

struct RetentionPolicy {
  unsigned keep_files = 0;       // 0: unlimited
  std::uint64_t keep_bytes = 0;  // 0: unlimited
  std::int64_t keep_for_ns = 0;  // 0: unlimited
  // Options::ship_guard: only files that every `lynx ship` checkpoint of the directory lists as
  // done may be deleted (format/ship_checkpoint.hpp).
  bool ship_guard = false;
  bool active() const { return keep_files != 0 || keep_bytes != 0 || keep_for_ns != 0; }
};

// Deletes the oldest files of the shard until the policy holds. The file being written
// (`current_path`) counts towards the limits as at least `current_reserve` bytes (the size it may
// grow to before the next rotation, so that keep_bytes holds until then) but is never deleted.
// Returns the deleted paths; failures to delete are appended to *errors.
std::vector<std::string> apply_retention(const std::string& directory, const std::string& name,
                                         std::uint32_t shard, const RetentionPolicy& policy,
                                         const std::string& current_path,
                                         std::uint64_t current_reserve, std::int64_t now_ns,
                                         std::vector<std::string>* errors);

// The same policy over any list of files, oldest first (the text and JSON sinks' rotated files).
std::vector<std::string> apply_retention_to(const std::vector<ShardFile>& files,
                                            const RetentionPolicy& policy,
                                            const std::string& current_path,
                                            std::uint64_t current_reserve, std::int64_t now_ns,
                                            std::vector<std::string>* errors);

}  // namespace lynx::detail
