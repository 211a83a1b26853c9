// Watches the configuration file (inotify on its directory, so editors that replace the file by
// renaming are seen too) and applies what can change while the engine runs: the levels (the
// LoggerRegistry's config rules and default) and each sink's level (EngineShared::sink_levels), at
// once. Anything else that changed (files, sink paths or kinds, redaction) is reported on stderr
// and ignored until the next start. A file edited into an invalid state keeps the last good
// configuration, and the message says why. Its own thread; never logs through lynx.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>

#include "engine/config.hpp"
#include "engine/engine_shared.hpp"

namespace lynx::detail {

class ConfigWatcher {
 public:
  // Starts watching `config.path`; `running` is the configuration the engine started with.
  // Throws std::system_error when inotify cannot be set up.
  ConfigWatcher(Config running, EngineShared& shared);
  ~ConfigWatcher();  // stops the thread
  ConfigWatcher(const ConfigWatcher&) = delete;
  ConfigWatcher& operator=(const ConfigWatcher&) = delete;

 private:
  void run();
  void reload();

  Config running_;    // what the engine started with (what cannot change)
  Config last_good_;  // the levels in force
  std::string text_;  // of the last file read, to skip events that changed nothing
  EngineShared& shared_;
  int inotify_ = -1;
  int stop_fd_ = -1;  // eventfd: the destructor wakes the thread
  std::thread thread_;
};

// Reloads applied (release; a test reads it with acquire and then sees every level they set),
// and edits rejected as invalid, since the process started.
std::uint64_t config_reloads() noexcept;
std::uint64_t config_rejections() noexcept;

// Options::config_file, else LYNX_CONFIG, else "" (no configuration file).
std::string config_path(const Options& options);

}  // namespace lynx::detail
