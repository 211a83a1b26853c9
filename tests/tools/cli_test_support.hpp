// Helpers for tests that write lynx files with the format's own writer (BlockBuilder, raw and
// zstd) and run the built `lynx` binary (path in $LYNX_CLI) on them. Used by tests/tools and
// tests/format. Header-only; needs doctest (REQUIRE) in the including test, and TempDir from
// lynx_test_support (tests/support/temp_dir.hpp).
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "compress/zstd_codec.hpp"
#include "compress/zstd_dictionary.hpp"
#include "format/block_builder.hpp"
#include "format/block_header.hpp"
#include "format/bytes.hpp"
#include "format/file_header.hpp"
#include "format/format.hpp"
#include "lynx/detail/arg_types.hpp"
#include "tests/support/temp_dir.hpp"

namespace lynx::test {

inline constexpr std::int64_t kBase = 1795814246123456789;  // 2026-11-27T21:17:26.123456789Z

// The ring layout BlockBuilder::add_record takes, built from typed values like a log call does.
template <class... Args>
std::vector<std::byte> ring_bytes(const Args&... args) {
  using namespace lynx::detail;
  std::vector<std::byte> out((ring_size<Args>(measure_arg(args)) + ... + 0));
  std::byte* p = out.data();
  ((p = encode_arg(p, args, measure_arg(args))), ...);
  return out;
}

template <class... Args>
std::vector<detail::ArgType> types_of() {
  const auto& t = lynx::detail::ArgList<lynx::detail::arg_t<Args>...>::types;
  return std::vector<detail::ArgType>(t.begin(), t.end());
}

// One block of a TestFile, read back from its header.
struct BlockInfo {
  std::size_t offset = 0;
  std::size_t size = 0;  // header and payload
  format::BlockKind kind = format::BlockKind::data;
  std::uint32_t records = 0;  // data blocks only
  std::size_t end() const { return offset + size; }
};

// One log file being written. seal() ends the pending blocks (metadata first, then data);
// block_offsets() are the file offsets of the data blocks written so far, blocks() every block.
class TestFile {
 public:
  explicit TestFile(std::uint32_t pid = 100, std::uint32_t shard = 0, std::uint64_t sequence = 0,
                    bool zstd = false)
      : compressor_(zstd ? std::make_unique<compress::ZstdCompressor>(1) : nullptr),
        builder_(compressor_.get(), 1 << 16) {
    format::FileHeader h;
    h.created_unix_ns = kBase;
    h.pid = pid;
    h.shard = shard;
    h.sequence = sequence;
    h.program = "shop";
    bytes_ = format::encode_file_header(h);
    header_size_ = bytes_.size();
    builder_.start_file(h);
  }

  // zstd files only, before anything else: compress every block with `dictionary`, and write it as
  // a dictionary block after the header when `embed` (as the engine does).
  void use_dictionary(const std::vector<std::byte>& dictionary, bool embed) {
    REQUIRE(compressor_ != nullptr);
    REQUIRE(compressor_->set_dictionary(dictionary).ok());
    const std::uint32_t id = compress::dictionary_id(dictionary);
    builder_.set_dictionary_id(id);
    if (!embed) return;
    std::vector<std::byte> block(format::kBlockHeaderSize + dictionary.size());
    block.resize(format::BlockBuilder::write_dictionary_block(dictionary, id, block.data()));
    blocks_.push_back(BlockInfo{bytes_.size(), block.size(), format::BlockKind::dictionary, 0});
    bytes_.insert(bytes_.end(), block.begin(), block.end());
  }

  void site(std::uint32_t id, std::string_view format, const std::vector<detail::ArgType>& types,
            Level level = Level::info, std::string_view logger = "orders",
            std::string_view file = "src/shop/main.cpp", std::uint32_t line = 6) {
    builder_.add_call_site(id, level, logger, file, line, "main", format, types.data(),
                           types.size());
  }
  void thread(std::uint32_t id, std::uint64_t os_tid, std::string_view name = "worker") {
    builder_.add_thread(id, os_tid, name);
  }
  template <class... Args>
  void record(std::uint32_t site, std::uint32_t thread, std::int64_t ts, const Args&... args) {
    const auto types = types_of<Args...>();
    const auto ring = ring_bytes(args...);
    builder_.add_record(site, thread, ts, types.data(), types.size(), ring.data(), ring.size());
    has_data_ = true;
  }
  // A record from ring bytes made by hand (for argument lists no C++ call has).
  void raw_record(std::uint32_t site, std::uint32_t thread, std::int64_t ts,
                  const std::vector<detail::ArgType>& types, const std::vector<std::byte>& ring) {
    builder_.add_record(site, thread, ts, types.data(), types.size(), ring.data(), ring.size());
    has_data_ = true;
  }
  void seal() {
    if (builder_.empty()) return;
    std::vector<std::byte> out(builder_.seal_bound());
    format::SealStats stats;
    out.resize(builder_.seal(out.data(), &stats));
    std::size_t at = 0;
    while (at < out.size()) {
      format::BlockHeader h;
      REQUIRE(format::decode_block_header(out.data() + at, &h));
      BlockInfo b;
      b.offset = bytes_.size() + at;
      b.size = format::kBlockHeaderSize + h.stored_size;
      b.kind = h.kind;
      if (format::holds_records(b.kind)) {
        b.records = h.record_count;
        block_offsets_.push_back(b.offset);
      }
      blocks_.push_back(b);
      at += b.size;
    }
    bytes_.insert(bytes_.end(), out.begin(), out.end());
    has_data_ = false;
  }
  std::vector<std::byte>& bytes() {
    seal();
    return bytes_;
  }
  std::size_t header_size() const { return header_size_; }
  // Makes the file claim another major version (a genuinely newer file: its checksum matches).
  void relabel(std::uint16_t major, std::uint16_t minor = 0) {
    seal();
    format::put<std::uint16_t>(bytes_.data() + 8, major);
    format::put<std::uint16_t>(bytes_.data() + 10, minor);
    format::put<std::uint32_t>(bytes_.data() + header_size_ - 4,
                               XXH32(bytes_.data(), header_size_ - 4, 0));
  }
  const std::vector<std::size_t>& block_offsets() const { return block_offsets_; }
  const std::vector<BlockInfo>& blocks() const { return blocks_; }
  std::string write(const std::string& path) {
    seal();
    std::ofstream f(path, std::ios::binary);
    f.write(reinterpret_cast<const char*>(bytes_.data()),
            static_cast<std::streamsize>(bytes_.size()));
    REQUIRE(f.good());
    return path;
  }

 private:
  std::unique_ptr<compress::ZstdCompressor> compressor_;
  format::BlockBuilder builder_;
  std::vector<std::byte> bytes_;
  std::size_t header_size_ = 0;
  std::vector<std::size_t> block_offsets_;
  std::vector<BlockInfo> blocks_;
  bool has_data_ = false;
};

inline std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

inline void write_bytes(const std::string& path, const void* data, std::size_t n) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(n));
  REQUIRE(f.good());
}

struct Run {
  int exit_code = -1;
  std::string out;
  std::string err;
  long max_rss_kb = 0;  // peak resident set size of the lynx process
};

struct RunOptions {
  // Standard input: a pipe fed these bytes in small writes (from a thread), then closed; null:
  // ours is inherited.
  const std::vector<std::byte>* stdin_bytes = nullptr;
  bool discard_stdout = false;  // to /dev/null (Run::out stays empty)
};

// Runs the lynx binary ($LYNX_CLI) with `args`, stdout and stderr captured in files. With
// `stdin_bytes`, its standard input is a pipe that is fed those bytes in small writes (from a
// thread) and then closed; otherwise it inherits ours.
inline Run run_lynx(const std::vector<std::string>& args, const RunOptions& options = {}) {
  const std::vector<std::byte>* stdin_bytes = options.stdin_bytes;
  const char* cli = std::getenv("LYNX_CLI");
  REQUIRE_MESSAGE(cli != nullptr, "set LYNX_CLI to the lynx binary (meson test does)");
  TempDir io;
  const std::string out = io.file("stdout"), err = io.file("stderr");
  int pipe_fds[2] = {-1, -1};
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  if (stdin_bytes != nullptr) {
    REQUIRE(::pipe2(pipe_fds, O_CLOEXEC) == 0);
    posix_spawn_file_actions_adddup2(&actions, pipe_fds[0], 0);
  }
  posix_spawn_file_actions_addopen(&actions, 1, options.discard_stdout ? "/dev/null" : out.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  // The feeder below must survive lynx closing its end early; lynx itself gets the default.
  if (stdin_bytes != nullptr) ::signal(SIGPIPE, SIG_IGN);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t pipe_signal;
  sigemptyset(&pipe_signal);
  sigaddset(&pipe_signal, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &pipe_signal);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
  std::vector<std::string> all = {cli};
  all.insert(all.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : all) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  const int rc = posix_spawn(&pid, cli, &actions, &attr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  REQUIRE(rc == 0);
  if (stdin_bytes != nullptr) {
    ::close(pipe_fds[0]);
    std::thread feeder([fd = pipe_fds[1], stdin_bytes] {
      for (std::size_t at = 0; at < stdin_bytes->size();) {
        const std::size_t n = std::min<std::size_t>(1000, stdin_bytes->size() - at);
        const ssize_t w = ::write(fd, stdin_bytes->data() + at, n);
        if (w <= 0) break;  // lynx stopped reading
        at += static_cast<std::size_t>(w);
      }
      ::close(fd);
    });
    feeder.join();
  }
  int status = 0;
  struct rusage usage {};
  REQUIRE(::wait4(pid, &status, 0, &usage) == pid);
  Run run;
  run.max_rss_kb = usage.ru_maxrss;
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
}

inline std::vector<std::string> lines(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// The "msg" field of each JSON line (tests use messages without quotes or escapes).
inline std::vector<std::string> messages(const std::string& json) {
  std::vector<std::string> out;
  for (const std::string& line : lines(json)) {
    const std::size_t at = line.find("\"msg\":\"") + 7;
    out.push_back(line.substr(at, line.find('"', at) - at));
  }
  return out;
}

// A file with one thread and site 1 = "step {n}" (i32): a metadata block, then one data block per
// record.
inline TestFile steps_file(std::uint32_t shard, std::uint64_t sequence, std::uint64_t os_tid,
                           const std::vector<std::pair<std::int64_t, int>>& records,
                           bool zstd = false) {
  TestFile f(100, shard, sequence, zstd);
  f.site(1, "step {n}", types_of<int>());
  f.thread(1, os_tid);
  f.seal();
  for (const auto& [ts, n] : records) {
    f.record(1, 1, ts, n);
    f.seal();
  }
  return f;
}

}  // namespace lynx::test
