// Helpers shared by the io/ tests: file reading, and checks every Writer must pass (bytes land
// exactly, the in-flight cap holds, each buffer comes back exactly once). TempDir is the one of
// tests/support. Include after doctest.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>
#include <vector>

#include "io/buffer_pool.hpp"
#include "io/writer.hpp"
#include "tests/support/temp_dir.hpp"

namespace lynx::io::test {

using lynx::test::TempDir;

inline std::vector<std::byte> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  for (std::size_t i = 0; i < chars.size(); ++i) bytes[i] = static_cast<std::byte>(chars[i]);
  return bytes;
}

inline int open_new(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  REQUIRE(fd >= 0);
  return fd;
}

// A recognisable byte for position i of write `seed`.
inline std::byte pattern(std::uint32_t seed, std::size_t i) {
  return static_cast<std::byte>((seed * 131 + i * 7 + (i >> 8)) & 0xFF);
}

inline void fill(Buffer* b, std::uint32_t seed, std::size_t size) {
  REQUIRE(size <= b->capacity);
  for (std::size_t i = 0; i < size; ++i) b->data[i] = pattern(seed, i);
  b->size = size;
}

// The file as it must be: `expected` grows as writes are placed, gaps stay zero.
inline void place(std::vector<std::byte>* expected, std::uint64_t offset, std::uint32_t seed,
                  std::size_t size) {
  if (expected->size() < offset + size) expected->resize(offset + size, std::byte{0});
  for (std::size_t i = 0; i < size; ++i) (*expected)[offset + i] = pattern(seed, i);
}

// Several buffers of several sizes at several offsets, out of order and with a gap: the file ends
// up holding exactly those bytes, every completion is ok, every buffer comes back once.
inline void check_writes_land(Writer& writer, BufferPool& pool, const std::string& path) {
  struct W {
    std::uint64_t offset;
    std::size_t size;
  };
  const std::size_t cap = pool.buffer_bytes();
  const std::vector<W> writes = {
      {0, 100}, {cap * 3, cap}, {100, cap - 100}, {cap * 5 + 17, 1}, {cap, cap}, {cap * 2, 4096},
  };
  REQUIRE(pool.count() >= writes.size());
  const int fd = open_new(path);
  std::vector<std::byte> expected;
  std::set<Buffer*> outstanding;
  std::uint32_t seed = 1;
  for (const W& w : writes) {
    Buffer* b = pool.acquire();
    REQUIRE(b != nullptr);
    fill(b, seed, w.size);
    place(&expected, w.offset, seed, w.size);
    ++seed;
    CHECK(outstanding.insert(b).second);
    writer.submit(fd, w.offset, b);
  }
  std::size_t completions = 0;
  writer.drain([&](Buffer* b, const Status& s) {
    CHECK_MESSAGE(s.ok(), s.to_string());
    CHECK(outstanding.erase(b) == 1);
    pool.release(b);
    ++completions;
  });
  CHECK(completions == writes.size());
  CHECK(outstanding.empty());
  CHECK(writer.in_flight() == 0);
  CHECK(writer.pending() == 0);
  CHECK(pool.free_count() == pool.count());
  REQUIRE(::close(fd) == 0);
  CHECK(read_all(path) == expected);
}

// Many small writes through few buffers: in_flight() never exceeds `cap`, every buffer comes back
// exactly once per write, the content is right. Completions are released from inside reap().
inline void check_cap_and_ownership(Writer& writer, BufferPool& pool, unsigned cap,
                                    const std::string& path) {
  constexpr std::uint32_t kWrites = 300;
  const std::size_t size = 1000;
  const int fd = open_new(path);
  std::vector<std::byte> expected;
  std::set<Buffer*> outstanding;
  std::size_t completions = 0;
  auto done = [&](Buffer* b, const Status& s) {
    CHECK_MESSAGE(s.ok(), s.to_string());
    CHECK(outstanding.erase(b) == 1);
    pool.release(b);
    ++completions;
  };
  for (std::uint32_t i = 0; i < kWrites; ++i) {
    Buffer* b = pool.acquire();
    while (b == nullptr) {
      CHECK(writer.pending() > 0);
      writer.reap(true, done);
      b = pool.acquire();
    }
    fill(b, i, size);
    place(&expected, std::uint64_t{i} * size, i, size);
    CHECK(outstanding.insert(b).second);
    writer.submit(fd, std::uint64_t{i} * size, b);
    CHECK(writer.in_flight() <= cap);
    if (i % 7 == 0) writer.reap(false, done);
    CHECK(writer.in_flight() <= cap);
  }
  writer.drain(done);
  CHECK(completions == kWrites);
  CHECK(outstanding.empty());
  CHECK(pool.free_count() == pool.count());
  REQUIRE(::close(fd) == 0);
  CHECK(read_all(path) == expected);
}

// Caps the size of files this process may write (RLIMIT_FSIZE): a write crossing the cap comes
// back short, the next one fails with EFBIG. This is how the tests get real short writes from the
// kernel. SIGXFSZ is ignored meanwhile so the process survives. Restores both on destruction.
class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    REQUIRE(::getrlimit(RLIMIT_FSIZE, &old_) == 0);
    rlimit lower = old_;
    lower.rlim_cur = bytes;
    REQUIRE(::setrlimit(RLIMIT_FSIZE, &lower) == 0);
    old_handler_ = ::signal(SIGXFSZ, SIG_IGN);
  }
  ~FileSizeLimit() { lift(); }
  FileSizeLimit(const FileSizeLimit&) = delete;
  FileSizeLimit& operator=(const FileSizeLimit&) = delete;
  void lift() {
    if (lifted_) return;
    lifted_ = true;
    ::setrlimit(RLIMIT_FSIZE, &old_);
    ::signal(SIGXFSZ, old_handler_);
  }

 private:
  rlimit old_{};
  sighandler_t old_handler_ = SIG_DFL;
  bool lifted_ = false;
};

// A single write that can only partly succeed: the file holds exactly the prefix below the cap and
// the one completion carries EFBIG (Code::io_error). Shows that a short write was continued, not
// taken as the end, and that the buffer comes back once with the error.
inline void check_short_write_then_error(Writer& writer, BufferPool& pool,
                                         const std::string& path) {
  constexpr rlim_t kCap = 6000;
  const int fd = open_new(path);
  Buffer* b = pool.acquire();
  REQUIRE(b != nullptr);
  REQUIRE(b->capacity >= 8192);
  fill(b, 42, 8192);
  {
    FileSizeLimit limit(kCap);
    writer.submit(fd, 0, b);
    writer.drain([&](Buffer* got, const Status& s) {
      CHECK(got == b);
      CHECK(s.code() == Status::Code::io_error);
      CHECK(s.sys_errno() == EFBIG);
      CHECK_MESSAGE(s.message().find("6000 of 8192 bytes written") != std::string::npos,
                    s.message());
      pool.release(got);
    });
  }
  REQUIRE(::close(fd) == 0);
  const std::vector<std::byte> content = read_all(path);
  REQUIRE(content.size() == kCap);
  for (std::size_t i = 0; i < kCap; ++i) REQUIRE(content[i] == pattern(42, i));
}

// Writes to /dev/full fail with ENOSPC: a real no-space error from the kernel.
inline void check_enospc(Writer& writer, BufferPool& pool) {
  const int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (fd < 0) {
    MESSAGE("no /dev/full here; ENOSPC from the kernel not checked");
    return;
  }
  Buffer* b = pool.acquire();
  REQUIRE(b != nullptr);
  fill(b, 1, 512);
  writer.submit(fd, 0, b);
  std::size_t n = 0;
  writer.drain([&](Buffer* got, const Status& s) {
    CHECK(got == b);
    CHECK(s.code() == Status::Code::no_space);
    CHECK(s.sys_errno() == ENOSPC);
    pool.release(got);
    ++n;
  });
  CHECK(n == 1);
  ::close(fd);
}

// A bad fd is an error completion, never a crash, and the buffer still comes back.
inline void check_bad_fd(Writer& writer, BufferPool& pool) {
  Buffer* b = pool.acquire();
  REQUIRE(b != nullptr);
  fill(b, 1, 100);
  writer.submit(-1, 0, b);
  std::size_t n = 0;
  writer.drain([&](Buffer* got, const Status& s) {
    CHECK(got == b);
    CHECK(s.code() == Status::Code::io_error);
    CHECK(s.sys_errno() == EBADF);
    pool.release(got);
    ++n;
  });
  CHECK(n == 1);
}

// submit(..., sync=true): the bytes land and the completion is ok; on a file that cannot be synced
// (/dev/null: fdatasync is EINVAL) the same write fails, so the sync really ran, while the same
// write without sync succeeds.
inline void check_synced_writes(Writer& writer, BufferPool& pool, const std::string& path) {
  const int fd = open_new(path);
  std::vector<std::byte> expected;
  std::uint64_t offset = 0;
  for (std::uint32_t seed = 1; seed <= 3; ++seed) {
    Buffer* b = pool.acquire();
    REQUIRE(b != nullptr);
    const std::size_t size = 1000 * seed + 7;
    fill(b, seed, size);
    place(&expected, offset, seed, size);
    writer.submit(fd, offset, b, true);
    offset += size;
  }
  std::size_t n = 0;
  writer.drain([&](Buffer* got, const Status& s) {
    CHECK_MESSAGE(s.ok(), s.to_string());
    pool.release(got);
    ++n;
  });
  CHECK(n == 3);
  ::close(fd);
  CHECK(read_all(path) == expected);

  const int null_fd = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  REQUIRE(null_fd >= 0);
  for (const bool sync : {false, true}) {
    CAPTURE(sync);
    Buffer* b = pool.acquire();
    REQUIRE(b != nullptr);
    fill(b, 7, 100);
    writer.submit(null_fd, 0, b, sync);
    n = 0;
    writer.drain([&](Buffer* got, const Status& s) {
      if (sync) {
        CHECK(s.sys_errno() == EINVAL);
      } else {
        CHECK_MESSAGE(s.ok(), s.to_string());
      }
      pool.release(got);
      ++n;
    });
    CHECK(n == 1);
  }
  ::close(null_fd);
}

}  // namespace lynx::io::test
