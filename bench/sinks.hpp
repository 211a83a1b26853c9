// The loggers under test, behind one shape so that every benchmark runs them the same way.
//
// A *sink* is what a workload calls on the hot path (see workloads.hpp):
//   template <const char* Fmt, const char* Printf, class... A> void log(const A&...);
// A *session* owns one logger instance for one run, writing into its own directory:
//   sink()          the sink for producer threads,
//   ready()         called after every producer made its first (warm-up) call,
//   finish()        returns once everything logged is in the file (handed to the kernel),
//   backend_cpu_ns() CPU time of the logger's background thread so far (0 without one),
//   disk_bytes()    bytes of the files written.
//
//   lynx    lynx::Engine (options as given), logger "bench", LYNX_INFO.
//   spdlog  spdlog's async logger (Debian libspdlog 1.10, external fmt), its own thread pool of one
//           worker with spdlog's default queue of 8192 slots, overflow policy `block`, a basic file
//           sink, and a pattern that writes what a lynx record holds: UTC time in ns, level,
//           logger, thread, file:line, message.
//   fprintf plain std::fprintf to one FILE* (stdio buffering, its lock per call); only the message.
//   empty   does nothing: the timer floor.
#pragma once

#include <spdlog/async_logger.h>
#include <spdlog/details/thread_pool.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <tuple>

#include "bench/sys_probe.hpp"

namespace lynx::bench {

struct EmptySink {
  template <const char* Fmt, const char* Printf, class... A>
  void log(const A&...) noexcept {}
};

class LynxSink {
 public:
  explicit LynxSink(const lynx::Logger& logger) : logger_(logger) {}
  template <const char* Fmt, const char* Printf, class... A>
  void log(const A&... a) noexcept {
    LYNX_INFO(logger_, Fmt, a...);
  }

 private:
  const lynx::Logger& logger_;
};

class SpdlogSink {
 public:
  explicit SpdlogSink(spdlog::logger& logger) : logger_(logger) {}
  template <const char* Fmt, const char* Printf, class... A>
  void log(const A&... a) {
    // What SPDLOG_LOGGER_INFO expands to; the no-argument form takes spdlog's unformatted path.
    const spdlog::source_loc loc{__FILE__, __LINE__, SPDLOG_FUNCTION};
    if constexpr (sizeof...(A) == 0) {
      logger_.log(loc, spdlog::level::info, spdlog::string_view_t(Fmt));
    } else {
      logger_.log(loc, spdlog::level::info, Fmt, a...);
    }
  }

 private:
  spdlog::logger& logger_;
};

class FprintfSink {
 public:
  explicit FprintfSink(std::FILE* file) : file_(file) {}
  template <const char* Fmt, const char* Printf, class... A>
  void log(const A&... a) noexcept {
    if constexpr (sizeof...(A) == 0) {
      std::fputs(Printf, file_);
    } else {
      std::apply([this](const auto&... v) { std::fprintf(file_, Printf, v...); },
                 std::tuple_cat(printf_args(a)...));
    }
  }

 private:
  // What printf takes for one argument: a std::string as "%s", a std::string_view as "%.*s"
  // (length, then data).
  template <class T>
  static std::tuple<T> printf_args(const T& v) {
    return {v};
  }
  static std::tuple<const char*> printf_args(const std::string& s) { return {s.c_str()}; }
  static std::tuple<int, const char*> printf_args(std::string_view s) {
    return {static_cast<int>(s.size()), s.data()};
  }
  std::FILE* file_;
};

class LynxSession {
 public:
  static constexpr std::string_view kName = "lynx";
  // `options.directory` is where the files go.
  explicit LynxSession(const lynx::Options& options);
  LynxSink sink() const { return LynxSink(logger_); }
  void ready() { engine_.flush(); }
  void finish() { engine_.flush(); }
  std::int64_t backend_cpu_ns() const;
  std::uint64_t disk_bytes() const;
  lynx::Stats stats() const { return engine_.stats(); }

 private:
  lynx::Engine engine_;
  const lynx::Logger& logger_;
  pid_t backend_tid_ = 0;
};

class SpdlogSession {
 public:
  static constexpr std::string_view kName = "spdlog";
  static constexpr std::size_t kQueueSlots = 8192;  // spdlog::details::default_async_q_size
  explicit SpdlogSession(const std::filesystem::path& dir);
  ~SpdlogSession();
  SpdlogSink sink() const { return SpdlogSink(*logger_); }
  void ready() {}
  // spdlog's flush() only queues a request; destroying the pool drains the queue (the flush
  // included) and joins the worker, and the file closes with the last reference to the logger.
  void finish();
  std::int64_t backend_cpu_ns() const;
  std::uint64_t disk_bytes() const;

 private:
  std::filesystem::path dir_;
  std::shared_ptr<spdlog::details::thread_pool> pool_;
  std::shared_ptr<spdlog::async_logger> logger_;
  std::atomic<pid_t> worker_tid_{0};
  std::atomic<std::int64_t> worker_cpu_at_exit_{-1};
};

class FprintfSession {
 public:
  static constexpr std::string_view kName = "fprintf";
  explicit FprintfSession(const std::filesystem::path& dir);
  ~FprintfSession();
  FprintfSink sink() const { return FprintfSink(file_); }
  void ready() {}
  void finish() { std::fflush(file_); }
  std::int64_t backend_cpu_ns() const { return 0; }
  std::uint64_t disk_bytes() const;

 private:
  std::filesystem::path dir_;
  std::FILE* file_;
};

}  // namespace lynx::bench
