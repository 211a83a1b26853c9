// The retry policy of the sinks that write files (FileSink, LineFileSink): a failed write is held
// in memory and retried, the first time 50 ms after the failure, then at doubling intervals up to
// 2 s, on the engine's steady clock (engine/steady_clock.hpp, which tests move). At stop, retries
// go on for up to 1 s of real time, whatever clock a test injects (stopping must never hang);
// what still fails then is given up and counted as lost by the sink.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>

#include "engine/steady_clock.hpp"

namespace lynx::detail {

class WriteRetry {
 public:
  // A write failed: starts the back-off, unless retries already run (they keep their interval).
  void failed() noexcept {
    if (delay_ns_ != 0) return;
    delay_ns_ = kFirstNs;
    at_ns_ = steady_clock_ns() + delay_ns_;
  }

  // A retry of the held writes is due (forced by `now`, e.g. Engine::flush()).
  bool due(bool now) const noexcept { return now || steady_clock_ns() >= at_ns_; }

  // The retry is done: all held writes succeeded (the back-off ends) or some failed again (the
  // interval doubles).
  void retried(bool all_written) noexcept {
    if (all_written) {
      delay_ns_ = 0;
      return;
    }
    delay_ns_ = std::min(delay_ns_ * 2, kMaxNs);
    at_ns_ = steady_clock_ns() + delay_ns_;
  }

  // The sink is stopping: the deadline for its last retries starts now.
  void begin_stop() noexcept { give_up_at_ns_ = real_ns() + kStopNs; }
  bool stop_deadline_passed() const noexcept { return real_ns() >= give_up_at_ns_; }

 private:
  static constexpr std::int64_t kFirstNs = 50'000'000;
  static constexpr std::int64_t kMaxNs = 2'000'000'000;
  static constexpr std::int64_t kStopNs = 1'000'000'000;

  static std::int64_t real_ns() noexcept {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }

  std::int64_t delay_ns_ = 0;  // 0 while writes succeed
  std::int64_t at_ns_ = 0;
  std::int64_t give_up_at_ns_ = 0;
};

}  // namespace lynx::detail
