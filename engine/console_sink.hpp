// The console sink (lynx::console_sink): lines as `lynx cat` prints them, on stderr (or
// ConsoleSinkOptions::fd), coloured on a terminal, UTC or local time.
//
// It never blocks the backend. A pipe or terminal is written through its own non-blocking open
// file description (reopened through /proc/self/fd, so the process's stderr stays blocking for
// everyone else; a socket is written with MSG_DONTWAIT; a regular file blocking, as files do not
// stall). Lines wait in a bounded buffer (ConsoleSinkOptions::buffer_bytes); while the reader
// does not keep up, records that do not fit are dropped and counted, and once the output moves
// again a line `N records dropped by the console sink (output blocked)` says so in-band, before
// the next record. Engine::flush() waits for the console only while it makes progress (50 ms
// without progress ends the wait). The other sinks never wait for it. SIGPIPE (a reader that
// went away) is blocked on the backend thread; the sink then drops everything it gets.
// Backend thread only (engine/sink.hpp).
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "engine/record_decode.hpp"
#include "engine/sink.hpp"
#include "format/template_parse.hpp"
#include "lynx/sinks.hpp"
#include "render/render.hpp"
#include "render/template.hpp"

namespace lynx::detail {

class ConsoleSink final : public Sink {
 public:
  ConsoleSink(const ConsoleSinkOptions& options, const std::atomic<std::uint8_t>& level);
  ~ConsoleSink() override;
  ConsoleSink(const ConsoleSink&) = delete;
  ConsoleSink& operator=(const ConsoleSink&) = delete;

  bool write(const SinkRecord& record) override;
  void tick(std::int64_t steady_now_ns, std::int64_t file_now_ns) override;
  void flush() override;
  void close() override;

  std::uint64_t dropped() const { return dropped_total_; }

 private:
  enum class Mode { nonblocking_fd, socket, blocking };
  void decorate(fmt::memory_buffer& out, const fmt::memory_buffer& line, Level level);
  bool queue(const char* data, std::size_t size);
  void queue_drop_notice();
  // Writes what it can without blocking; false when the output is gone or full.
  bool drain();
  void wait_writable(int timeout_ms);

  const ConsoleSinkOptions options_;
  const std::atomic<std::uint8_t>& level_;
  bool colour_ = false;
  int fd_ = -1;
  bool own_fd_ = false;
  Mode mode_ = Mode::blocking;
  bool broken_ = false;  // the output failed (EPIPE, EIO): everything is dropped

  RecordDecoder decoder_;
  render::Renderer renderer_;
  fmt::memory_buffer line_, decorated_;
  // The options' layout (the template language of `lynx cat --template`); none: the default.
  std::optional<render::Template> layout_;
  render::LocalOffsetCache local_cache_;
  std::vector<char> pending_;  // bytes not written yet: [head_, pending_.size())
  std::size_t head_ = 0;
  std::uint64_t dropped_ = 0;  // since the last notice
  std::uint64_t dropped_total_ = 0;
  std::int64_t line_ts_ = 0;               // of the line being decorated
  std::int64_t local_second_ = INT64_MIN;  // local-time offset cache
  std::int64_t local_offset_ = 0;
  format::ParsedTemplate notice_template_;
  record::Site notice_site_;
};

}  // namespace lynx::detail
