// The backend thread: drains every producer ring, merges the records of all threads by timestamp
// (each thread's records stay in program order), encodes them into their shard's file and writes
// through the io::Writer. It also retires the rings of exited threads, reports drops as records,
// honours flush() and stop. Nothing on this thread ever logs through lynx itself: its own
// diagnostics go to stderr.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "compress/zstd_codec.hpp"
#include "engine/clock_calibration.hpp"
#include "engine/engine_shared.hpp"
#include "engine/shard_writer.hpp"
#include "io/buffer_pool.hpp"
#include "io/writer.hpp"

namespace lynx::detail {

class Backend {
 public:
  // Creates the writer and opens every shard's first file; throws std::system_error or
  // std::runtime_error with a clear message when that fails (on the Engine's constructing thread).
  explicit Backend(EngineShared& shared);
  ~Backend();
  Backend(const Backend&) = delete;
  Backend& operator=(const Backend&) = delete;

  void run();  // the thread body; returns after stop and the final flush

  const char* writer_name() const { return writer_->name(); }

 private:
  struct ActiveRing {
    Ring* ring = nullptr;
    std::uint64_t limit = 0;
    std::uint64_t dropped_seen = 0;
    ThreadEntry thread;
  };
  struct SiteKey {
    const CallSite* site;
    std::uint32_t logger;
    bool operator==(const SiteKey&) const = default;
  };
  struct SiteKeyHash {
    std::size_t operator()(const SiteKey& k) const {
      return std::hash<const void*>()(k.site) ^ (static_cast<std::size_t>(k.logger) * 0x9E3779B97F4A7C15ull);
    }
  };

  void adopt_new_rings();
  std::size_t drain_once();
  void process(ActiveRing& r, const std::byte* record);
  const SiteEntry& site_entry(const CallSite* site, std::uint32_t logger);
  void retire_finished_rings();
  void report_drops();
  void flush_due(std::int64_t now_ns);
  void flush_all();
  void finish();
  void on_write_done(io::Buffer* buffer, const Status& status);
  bool io_starved() const;
  void retry_failed_writes(bool now);
  void give_up_failed_writes();
  void idle_wait(std::uint32_t& idle_rounds);

  EngineShared& shared_;
  ClockCalibration clock_;
  std::unique_ptr<io::BufferPool> buffers_;
  std::unique_ptr<io::Writer> writer_;
  std::unique_ptr<compress::ZstdCompressor> compressor_;
  std::vector<std::byte> dictionary_;
  io::Writer::Completion on_done_;
  std::vector<std::unique_ptr<ShardWriter>> shards_;

  std::vector<ActiveRing> rings_;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> heap_;  // (ticks, index into rings_)
  std::unordered_map<SiteKey, std::unique_ptr<SiteEntry>, SiteKeyHash> sites_;
  struct CacheSlot {
    const CallSite* site = nullptr;
    std::uint32_t logger = 0;
    const SiteEntry* entry = nullptr;
  };
  std::array<CacheSlot, 512> site_cache_{};
  ThreadEntry backend_thread_;
  std::uint64_t flushed_ = 0;
  // Failed writes (see ShardWriter::keep_failed): how many buffers wait for a retry, when the next
  // retry is due (steady ns) and the back-off between retries (0 while writes succeed).
  std::size_t failed_writes_ = 0;
  std::int64_t retry_at_ = 0;
  std::int64_t retry_delay_ = 0;
  bool giving_up_ = false;            // stopping: failed writes are counted as lost, not kept
  std::uint64_t lost_records_ = 0;    // records in writes given up
  bool reported_write_error_ = false;  // once per run of failures; reset when writes succeed
};

}  // namespace lynx::detail
