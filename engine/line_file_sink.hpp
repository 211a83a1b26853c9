// The text and JSON-lines file sinks (lynx::text_sink, lynx::json_sink): each record rendered on
// the backend by the render library (render::Renderer::text / ::json, the lines `lynx cat`
// prints) into pooled I/O buffers written through the same io::Writer as the binary shards
// (io_uring or pwritev, engine/writer_seam.hpp), with the engine's sync policy and flush_every.
//
// Rotation: by size and time like the shards; the current file is always FileSinkOptions::path
// (so `tail -F` follows it); rotating renames it to `path.NNNNNN` (the next unused number) and
// starts a new one. Retention (keep_files, keep_bytes, keep_for) prunes the rotated files through
// engine/retention.hpp. A file already at `path` is appended to.
//
// Failed writes (a full disk): the buffer is kept and written again at the same offset after a
// back-off (50 ms doubling to 2 s); rotation waits until they succeed. While they hold all but
// one buffer the sink is starved() and the backend leaves records in the rings (Options::on_full
// decides). At stop they are given up after 1 s and their lines are reported lost on stderr.
// Backend thread only (engine/sink.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "engine/engine_shared.hpp"
#include "engine/record_decode.hpp"
#include "engine/retention.hpp"
#include "engine/sink.hpp"
#include "engine/write_retry.hpp"
#include "io/buffer_pool.hpp"
#include "io/writer.hpp"
#include "lynx/options.hpp"
#include "render/render.hpp"
#include "render/template.hpp"

namespace lynx::detail {

class LineFileSink final : public Sink {
 public:
  // Creates the directory, opens (or appends to) the file and the writer; throws
  // std::system_error / std::runtime_error naming the path when that fails. `level` is the sink's
  // live minimum level (a configuration reload may change it from another thread).
  LineFileSink(render::OutputFormat format, const FileSinkOptions& options,
               const Options& engine_options, const std::atomic<std::uint8_t>& level,
               StatCounters& stats);
  ~LineFileSink() override;
  LineFileSink(const LineFileSink&) = delete;
  LineFileSink& operator=(const LineFileSink&) = delete;

  bool write(const SinkRecord& record) override;
  void tick(std::int64_t steady_now_ns, std::int64_t file_now_ns) override;
  void flush() override;
  bool starved() const override {
    return !giving_up_ && !stalled_.empty() && stalled_.size() + 1 >= pool_->count();
  }
  void retry_now() override { retry(true); }
  void begin_close() override;
  void close() override;

  const std::string& path() const { return options_.path; }

 private:
  void append(const char* data, std::size_t size);
  void submit();
  void rotate();
  void open_file();
  void finish_file();
  void on_done(io::Buffer* buffer, const Status& status);
  void retry(bool now);
  void give_up();

  const render::OutputFormat format_;
  const FileSinkOptions options_;
  const Sync sync_;
  const std::int64_t flush_every_ns_;
  const std::atomic<std::uint8_t>& level_;
  StatCounters& stats_;
  RecordDecoder decoder_;
  render::Renderer renderer_;
  fmt::memory_buffer line_;
  // The options' layout (the template language of `lynx cat --template`); none: the default.
  std::optional<render::Template> layout_;
  render::LocalOffsetCache local_cache_;

  std::unique_ptr<io::BufferPool> pool_;
  std::unique_ptr<io::Writer> writer_;
  io::Writer::Completion on_done_;
  io::Buffer* buffer_ = nullptr;
  int fd_ = -1;
  std::uint64_t offset_ = 0;         // bytes of the current file handed to the writer
  std::int64_t pending_since_ = -1;  // steady ns of the oldest line not yet submitted; -1: none
  std::int64_t now_ns_ = 0;          // file clock at the last tick
  std::int64_t rotate_at_ = 0;       // next time rotation (file clock), 0: none
  bool rotate_due_ = false;

  std::vector<io::Buffer*> stalled_;  // failed writes waiting for their retry
  WriteRetry retry_;
  bool closing_ = false;
  bool giving_up_ = false;
  bool reported_ = false;
  std::uint64_t lost_lines_ = 0;
};

// Rotated files of the sink writing `path` (`path.NNNNNN`), oldest first.
std::vector<ShardFile> list_rotated_files(const std::string& path);

}  // namespace lynx::detail
