// The syslog sink (lynx::syslog_sink): each record rendered on the backend as an RFC 5424
// message (engine/syslog_message.hpp) and sent by the sink's own thread over UDP, TCP or a unix
// datagram socket (engine/syslog_transport.hpp). The backend never touches the network.
//
// Between the two threads: a bounded buffer (SyslogSinkOptions::buffer_bytes) of length-prefixed
// messages under a mutex held only to append one message or to swap the whole buffer out. The
// sending thread swaps it out as a batch and sends that while the backend fills the next one, so
// at most twice buffer_bytes are held. A message that does not fit is dropped: the newest are
// dropped, the oldest kept (the ones that lead up to an outage are usually the interesting ones),
// counted in Stats::syslog_dropped, and reported in-band by one warning message
// `N syslog messages were dropped ...` sent after the messages that were kept.
//
// While the receiver is away the thread reconnects with back-off (100 ms doubling to 5 s) and
// resends the message that failed; Stats::syslog_connects counts successful connections.
// Engine::flush() waits for the buffer to be sent while the receiver takes it (not while it is
// away, and not longer than 250 ms without progress). At stop the thread gets 1 s to send what is
// left; the rest is counted as dropped and reported on stderr.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <thread>
#include <vector>

#include "engine/engine_shared.hpp"
#include "engine/record_decode.hpp"
#include "engine/sink.hpp"
#include "engine/syslog_message.hpp"
#include "engine/syslog_transport.hpp"

namespace lynx::detail {

class SyslogSink final : public Sink {
 public:
  // Parses the address and starts the sending thread (which connects on its own); throws
  // std::invalid_argument for an option out of range or a bad address.
  SyslogSink(const SyslogSinkOptions& options, const std::atomic<std::uint8_t>& level,
             StatCounters& stats);
  ~SyslogSink() override;
  SyslogSink(const SyslogSink&) = delete;
  SyslogSink& operator=(const SyslogSink&) = delete;

  bool write(const SinkRecord& record) override;
  void tick(std::int64_t, std::int64_t) override {}
  void flush() override;
  void close() override;

 private:
  SyslogSink(const SyslogSinkOptions& options, const SyslogAddress& address,
             const std::atomic<std::uint8_t>& level, StatCounters& stats);
  void run();  // the sending thread
  // Sends batch_ from batch_pos_; false when the connection broke.
  bool send_batch();
  void count_dropped(std::uint64_t n);

  const SyslogSinkOptions options_;
  const std::atomic<std::uint8_t>& level_;
  StatCounters& stats_;

  // Backend thread only.
  RecordDecoder decoder_;
  SyslogFormatter formatter_;
  fmt::memory_buffer message_;

  // Backend <-> sending thread, under mutex_.
  std::mutex mutex_;
  std::condition_variable wake_;  // the sender: something queued, or stop
  std::condition_variable sent_;  // flush(): the sender made progress
  std::vector<char> queue_;       // [u32 size][message] ...
  std::uint64_t queued_ = 0;      // messages ever queued
  std::uint64_t unreported_ = 0;  // dropped, not yet reported in-band
  bool stop_ = false;
  // Steady ns after which the sender gives up what is left; 0: not stopping. Written under
  // mutex_, also read without it by send_batch() (so a long batch ends in time).
  std::atomic<std::int64_t> stop_deadline_ns_{0};
  // The last connection attempt failed or the connection broke: flush() does not wait for the
  // sender then. Sender -> flush().
  std::atomic<bool> away_{false};
  std::atomic<std::uint64_t> done_{0};  // messages ever sent or given up: sender -> flush()

  // Sending thread only.
  SyslogTransport transport_;
  SyslogFormatter notice_formatter_;
  fmt::memory_buffer notice_;
  std::vector<char> batch_;
  std::size_t batch_pos_ = 0;
  std::uint64_t batch_notice_ = 0;  // drops to report once batch_ is sent
  std::thread thread_;
};

}  // namespace lynx::detail
