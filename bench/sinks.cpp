#include "bench/sinks.hpp"

#include <spdlog/sinks/basic_file_sink.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>
#include <thread>

namespace lynx::bench {

LynxSession::LynxSession(const lynx::Options& options)
    : engine_(options), logger_(lynx::logger("bench")) {
  // The backend names itself once it runs; give it a moment.
  for (int i = 0; i < 1000 && backend_tid_ == 0; ++i) {
    backend_tid_ = find_thread("lynx-backend");
    if (backend_tid_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (backend_tid_ == 0) throw std::runtime_error("lynx-bench: no thread named lynx-backend");
}

std::int64_t LynxSession::backend_cpu_ns() const { return thread_cpu_ns(backend_tid_); }

std::uint64_t LynxSession::disk_bytes() const {
  return directory_bytes(engine_.options().directory);
}

SpdlogSession::SpdlogSession(const std::filesystem::path& dir) : dir_(dir) {
  pool_ = std::make_shared<spdlog::details::thread_pool>(
      kQueueSlots, 1,
      [this] {
        pthread_setname_np(pthread_self(), "spdlog-worker");
        worker_tid_.store(static_cast<pid_t>(::syscall(SYS_gettid)));
      },
      [this] { worker_cpu_at_exit_.store(this_thread_cpu_ns()); });
  auto file =
      std::make_shared<spdlog::sinks::basic_file_sink_mt>((dir / "spdlog.log").string(), true);
  logger_ = std::make_shared<spdlog::async_logger>("bench", std::move(file), pool_,
                                                   spdlog::async_overflow_policy::block);
  logger_->set_pattern("%Y-%m-%dT%H:%M:%S.%FZ %l %n [%t] %s:%# %v", spdlog::pattern_time_type::utc);
  logger_->set_level(spdlog::level::info);
  while (worker_tid_.load() == 0) std::this_thread::yield();
}

SpdlogSession::~SpdlogSession() { finish(); }

void SpdlogSession::finish() {
  if (logger_ == nullptr) return;
  logger_->flush();
  logger_.reset();
  pool_.reset();
}

std::int64_t SpdlogSession::backend_cpu_ns() const {
  const std::int64_t at_exit = worker_cpu_at_exit_.load();
  return at_exit >= 0 ? at_exit : thread_cpu_ns(worker_tid_.load());
}

std::uint64_t SpdlogSession::disk_bytes() const { return directory_bytes(dir_); }

FprintfSession::FprintfSession(const std::filesystem::path& dir)
    : dir_(dir), file_(std::fopen((dir / "fprintf.log").c_str(), "w")) {
  if (file_ == nullptr)
    throw std::runtime_error("lynx-bench: cannot create " + (dir / "fprintf.log").string());
}

FprintfSession::~FprintfSession() { std::fclose(file_); }

std::uint64_t FprintfSession::disk_bytes() const { return directory_bytes(dir_); }

}  // namespace lynx::bench
