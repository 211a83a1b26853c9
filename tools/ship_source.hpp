// The records `lynx ship` sends, file by file and block by block, with the position each batch
// reaches. Follows a live directory like `lynx tail -f` (tools/follow.hpp: the same poll interval,
// new files and shards found at every poll, growing files read up to the last whole block, a file
// closed once its shard has a newer file and it stayed quiet for kQuietPolls polls), but keeps
// each file's records apart and in file order instead of merging them by time: a checkpoint can
// then say "file F up to block B", and a restart resumes exactly there.
//
// A batch always ends at a block boundary of every file it holds (records of one block are never
// split across batches), so the checkpoint is a block count per file. Memory: the batch (about
// max_rows rows, plus at most one block per file) and one block per open file.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "format/ship_checkpoint.hpp"
#include "tools/log_source.hpp"
#include "tools/ship_table.hpp"

namespace lynx::tools {

// The identity of one row of a batch: lynx_source, lynx_seq, its time column (seconds) and where
// its line ends in the batch (it starts where the previous one ends).
struct ShipRow {
  std::uint64_t source = 0;
  std::uint64_t seq = 0;
  std::int64_t time = 0;
  std::size_t end = 0;
};

class ShipSource {
 public:
  // `once`: no waiting for a file's writer; a file whose shard has a newer file is read to its
  // end at once, the newest file of each shard up to its last whole block.
  ShipSource(std::string directory, std::string host, const format::ShipCheckpoint& start,
             Diagnostics& diag, bool once);
  ~ShipSource();
  ShipSource(const ShipSource&) = delete;
  ShipSource& operator=(const ShipSource&) = delete;

  // Appends the rows of whole blocks to *rows until about max_rows rows (or max_bytes) or until
  // no file has a whole block more; updates *positions (by file name) to where the rows end.
  // Appends one ShipRow per row to *ids. Returns how many rows it appended. One call is one
  // poll of the directory.
  std::size_t fill(fmt::memory_buffer* rows, std::vector<ShipRow>* ids, std::size_t max_rows,
                   std::size_t max_bytes, format::ShipCheckpoint* positions);

 private:
  struct File;
  void discover(const format::ShipCheckpoint& positions);
  // Reads `f` into *rows; false when the batch is full.
  bool read(File& f, fmt::memory_buffer* rows, std::vector<ShipRow>* ids, std::size_t max_rows,
            std::size_t max_bytes, std::size_t* count, format::ShipCheckpoint* positions);
  void close_rotated();

  std::string directory_;
  std::string host_;
  Diagnostics& diag_;
  bool once_;
  std::vector<std::unique_ptr<File>> files_;
  std::set<std::string> known_;  // every file name seen
  std::size_t next_ = 0;         // the file the next fill() starts with
  RowEncoder encoder_;
};

}  // namespace lynx::tools
