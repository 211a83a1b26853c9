// io_uring writer tests. Their own executable: when the kernel forbids io_uring (seccomp, gVisor,
// LYNX_IO_DISABLE_URING=1) main() exits 77 and meson reports SKIP instead of a pass
// (tests/support/skip.hpp).
#define DOCTEST_CONFIG_IMPLEMENT
#include "io/uring_writer.hpp"

#include <doctest/doctest.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <memory>

#include "tests/io/io_test_util.hpp"
#include "tests/support/fault_injection.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/uring.hpp"

using lynx::Status;
using lynx::io::Buffer;
using lynx::io::BufferPool;
using lynx::io::Fault;
using lynx::io::FaultInjectingWriter;
using lynx::io::Kind;
using lynx::io::UringWriter;
using lynx::io::WriterConfig;
using lynx::test::make_uring;
using namespace lynx::io::test;

TEST_CASE("uring: make_writer(kind=uring) gives io_uring with no note") {
  BufferPool pool(8192, 4);
  WriterConfig config;
  config.kind = Kind::uring;
  config.pool = &pool;
  Status s = Status::error(Status::Code::io_error, "not set");
  std::string note = "not set";
  auto w = lynx::io::make_writer(config, &s, &note);
  REQUIRE(w != nullptr);
  CHECK(s.ok());
  CHECK(note.empty());
  CHECK(std::string(w->name()) == "io_uring");
}

TEST_CASE("uring: registered buffers land exactly (WRITE_FIXED)") {
  TempDir dir;
  BufferPool pool(8192, 8);
  auto w = make_uring(4, &pool);
  CHECK(w->registered_buffers() == pool.count());
  CHECK(w->registration_note().empty());
  check_writes_land(*w, pool, dir.file("a.log"));
}

TEST_CASE("uring: unregistered buffers land exactly (WRITE)") {
  TempDir dir;
  BufferPool pool(8192, 8);
  auto w = make_uring(4, nullptr);
  CHECK(w->registered_buffers() == 0);
  check_writes_land(*w, pool, dir.file("a.log"));
}

TEST_CASE("uring: buffers of another pool than the registered one are written plainly") {
  TempDir dir;
  BufferPool registered(8192, 2);
  BufferPool other(8192, 8);
  auto w = make_uring(4, &registered);
  check_writes_land(*w, other, dir.file("a.log"));
}

TEST_CASE("uring: in_flight() never exceeds the cap; each buffer comes back once") {
  for (unsigned cap : {1u, 2u, 3u, 8u}) {
    CAPTURE(cap);
    TempDir dir;
    BufferPool pool(4096, 8);
    auto w = make_uring(cap, &pool);
    check_cap_and_ownership(*w, pool, cap, dir.file("a.log"));
  }
}

TEST_CASE("uring: reap(wait) delivers at least one when writes are pending, else returns 0") {
  TempDir dir;
  BufferPool pool(4096, 2);
  auto w = make_uring(2, &pool);
  const auto none = [](Buffer*, const Status&) { FAIL("nothing to deliver"); };
  CHECK(w->reap(true, none) == 0);
  const int fd = open_new(dir.file("a.log"));
  Buffer* b = pool.acquire();
  fill(b, 1, 4096);
  w->submit(fd, 0, b);
  CHECK(w->pending() == 1);
  std::size_t n = 0;
  while (n == 0) {
    n += w->reap(true, [&](Buffer* got, const Status& s) {
      CHECK(got == b);
      CHECK(s.ok());
    });
  }
  CHECK(n == 1);
  CHECK(w->pending() == 0);
  ::close(fd);
}

TEST_CASE("uring: a completion callback may submit the next write") {
  TempDir dir;
  BufferPool pool(4096, 1);
  auto w = make_uring(1, &pool);
  const int fd = open_new(dir.file("a.log"));
  std::vector<std::byte> expected;
  std::uint32_t written = 0;
  constexpr std::uint32_t kChain = 20;
  Buffer* b = pool.acquire();
  fill(b, 0, 100);
  place(&expected, 0, 0, 100);
  w->submit(fd, 0, b);
  w->drain([&](Buffer* got, const Status& s) {
    CHECK(s.ok());
    if (++written == kChain) return pool.release(got);
    fill(got, written, 100);
    place(&expected, written * 100, written, 100);
    w->submit(fd, written * 100, got);
  });
  CHECK(written == kChain);
  CHECK(pool.free_count() == 1);
  ::close(fd);
  CHECK(read_all(dir.file("a.log")) == expected);
}

TEST_CASE("uring: a short write is resubmitted for the rest; the rest fails with EFBIG") {
  TempDir dir;
  BufferPool pool(8192, 1);
  SUBCASE("registered") {
    auto w = make_uring(2, &pool);
    check_short_write_then_error(*w, pool, dir.file("a.log"));
    CHECK(w->resubmits() == 1);
  }
  SUBCASE("unregistered") {
    auto w = make_uring(2, nullptr);
    check_short_write_then_error(*w, pool, dir.file("a.log"));
    CHECK(w->resubmits() == 1);
  }
}

namespace {

// A write cut short by RLIMIT_FSIZE, with the limit lifted before the completion is reaped: the
// resubmitted rest fits and the buffer completes ok. With `sync`, the first part's linked
// fdatasync is cancelled by the short write and the rest goes with a new one.
void check_short_write_after_lift(bool sync) {
  TempDir dir;
  BufferPool pool(8192, 1);
  auto w = make_uring(2, &pool);
  const int fd = open_new(dir.file("a.log"));
  Buffer* b = pool.acquire();
  fill(b, 9, 8192);
  {
    FileSizeLimit limit(6000);
    w->submit(fd, 0, b, sync);
  }
  std::size_t n = 0;
  w->drain([&](Buffer* got, const Status& s) {
    CHECK(got == b);
    CHECK_MESSAGE(s.ok(), s.to_string());
    ++n;
  });
  CHECK(n == 1);
  // Whether the kernel ran the first write inline (short) or later (after the lift, whole) is
  // its choice; the file is right either way.
  if (w->resubmits() == 0) MESSAGE("the kernel wrote the buffer in one go; resubmission not hit");
  ::close(fd);
  std::vector<std::byte> expected;
  place(&expected, 0, 9, 8192);
  CHECK(read_all(dir.file("a.log")) == expected);
}

}  // namespace

TEST_CASE("uring: a short write resubmitted after the limit is lifted completes the buffer") {
  check_short_write_after_lift(false);
}

TEST_CASE("uring: a synced write links an fdatasync; its failure fails the write") {
  TempDir dir;
  BufferPool pool(8192, 4);
  auto w = make_uring(2, &pool);
  check_synced_writes(*w, pool, dir.file("a.log"));
}

TEST_CASE(
    "uring: a short synced write: the linked sync is cancelled, the rest goes with a new one") {
  check_short_write_after_lift(true);
}

TEST_CASE("uring: ENOSPC from the kernel is Code::no_space") {
  BufferPool pool(4096, 1);
  auto w = make_uring(2, &pool);
  check_enospc(*w, pool);
}

TEST_CASE("uring: a bad fd is an error completion") {
  BufferPool pool(4096, 1);
  auto w = make_uring(2, &pool);
  check_bad_fd(*w, pool);
}

TEST_CASE("uring: destroying the writer waits for writes in flight") {
  TempDir dir;
  BufferPool pool(65536, 4);
  const int fd = open_new(dir.file("a.log"));
  std::vector<std::byte> expected;
  {
    auto w = make_uring(4, &pool);
    for (std::uint32_t i = 0; i < 4; ++i) {
      Buffer* b = pool.acquire();
      fill(b, i, 65536);
      place(&expected, std::uint64_t{i} * 65536, i, 65536);
      w->submit(fd, std::uint64_t{i} * 65536, b);
    }
  }
  ::close(fd);
  CHECK(read_all(dir.file("a.log")) == expected);
}

TEST_CASE("uring: fault injection over io_uring: short write completes ok, ENOSPC is no_space") {
  TempDir dir;
  BufferPool pool(8192, 4);
  FaultInjectingWriter w(make_uring(2, &pool),
                         {{Fault::short_write, 0, 1000}, {Fault::enospc, 1, 0}});
  const int fd = open_new(dir.file("a.log"));
  Buffer* a = pool.acquire();
  Buffer* b = pool.acquire();
  fill(a, 1, 8192);
  fill(b, 2, 100);
  w.submit(fd, 0, a);
  w.submit(fd, 8192, b);
  std::size_t n = 0;
  w.drain([&](Buffer* got, const Status& s) {
    if (got == a) CHECK_MESSAGE(s.ok(), s.to_string());
    if (got == b) CHECK(s.code() == Status::Code::no_space);
    pool.release(got);
    ++n;
  });
  CHECK(n == 2);
  CHECK(w.faults_injected() == 2);
  ::close(fd);
  std::vector<std::byte> expected;
  place(&expected, 0, 1, 8192);
  CHECK(read_all(dir.file("a.log")) == expected);
}

// Registered buffers, and on recent kernels the ring itself, count against RLIMIT_MEMLOCK unless
// the process has CAP_IPC_LOCK (root has). A child process drops the capability, lowers the limit,
// and checks that writing still works: fewer or no buffers registered, or (no room even for the
// ring) the automatic fallback to pwritev. Exit code 0 = fine; others name the failed check.
namespace {

enum class Expect { fallback_or_unregistered, none_registered, some_registered };

bool drop_ipc_lock() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return false;
  const unsigned bit = 1u << (CAP_IPC_LOCK % 32);
  data[CAP_IPC_LOCK / 32].effective &= ~bit;
  data[CAP_IPC_LOCK / 32].permitted &= ~bit;
  data[CAP_IPC_LOCK / 32].inheritable &= ~bit;
  return ::syscall(SYS_capset, &header, data) == 0;
}

constexpr std::size_t kChildBuffer = 65536;
constexpr std::uint32_t kChildBuffers = 4;

int memlock_child(rlim_t memlock, Expect expect, const std::string& path) {
  if (!drop_ipc_lock()) return 10;
  const rlimit limit{memlock, memlock};
  if (::setrlimit(RLIMIT_MEMLOCK, &limit) != 0) return 11;
  BufferPool pool(kChildBuffer, kChildBuffers);
  WriterConfig config;
  config.kind = Kind::automatic;
  config.max_in_flight = 4;
  config.pool = &pool;
  Status s;
  std::string note;
  auto w = lynx::io::make_writer(config, &s, &note);
  if (w == nullptr || !s.ok()) return 12;
  auto* uring = dynamic_cast<UringWriter*>(w.get());
  const std::size_t registered = uring == nullptr ? 0 : uring->registered_buffers();
  std::fprintf(stderr, "memlock %llu: %s, %zu of %u buffers registered; note: %s\n",
               static_cast<unsigned long long>(memlock), w->name(), registered, kChildBuffers,
               note.c_str());
  switch (expect) {
    case Expect::fallback_or_unregistered:
      if (uring == nullptr && note.find("io_uring unavailable") == std::string::npos) return 13;
      if (registered != 0) return 13;
      break;
    case Expect::none_registered:
      if (uring == nullptr || registered != 0) return 14;
      break;
    case Expect::some_registered:
      if (uring == nullptr || registered == 0 || registered == kChildBuffers) return 15;
      break;
  }
  // A fallback or a partial registration is always explained to the caller.
  if (expect != Expect::fallback_or_unregistered &&
      note.find("unregistered") == std::string::npos) {
    return 16;
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return 17;
  for (std::uint32_t i = 0; i < kChildBuffers; ++i) {
    Buffer* b = pool.acquire();
    for (std::size_t j = 0; j < b->capacity; ++j) b->data[j] = pattern(i, j);
    b->size = b->capacity;
    w->submit(fd, std::uint64_t{i} * b->capacity, b);
  }
  bool all_ok = true;
  w->drain([&](Buffer* b, const Status& st) {
    all_ok = all_ok && st.ok();
    pool.release(b);
  });
  ::close(fd);
  if (!all_ok) return 18;
  const std::vector<std::byte> content = read_all(path);
  if (content.size() != kChildBuffers * kChildBuffer) return 19;
  for (std::size_t i = 0; i < content.size(); ++i) {
    if (content[i] != pattern(static_cast<std::uint32_t>(i / kChildBuffer), i % kChildBuffer)) {
      return 20;
    }
  }
  return 0;
}

int run_in_child(rlim_t memlock, Expect expect, const std::string& path) {
  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) ::_exit(memlock_child(memlock, expect, path));
  int wstatus = 0;
  REQUIRE(::waitpid(pid, &wstatus, 0) == pid);
  REQUIRE(WIFEXITED(wstatus));
  return WEXITSTATUS(wstatus);
}

}  // namespace

TEST_CASE("uring: RLIMIT_MEMLOCK too low for the buffers: unregistered writes, not failure") {
  TempDir dir;
  // Room for the ring (a few pages) but not for one 64 KiB buffer.
  CHECK(run_in_child(32 * 1024, Expect::none_registered, dir.file("none.log")) == 0);
  // Room for the ring and about two buffers: a prefix of the pool is registered.
  CHECK(run_in_child(32 * 1024 + 2 * kChildBuffer, Expect::some_registered, dir.file("some.log")) ==
        0);
}

TEST_CASE(
    "uring: RLIMIT_MEMLOCK 0: automatic still writes (pwritev where the ring needs memlock)") {
  TempDir dir;
  CHECK(run_in_child(0, Expect::fallback_or_unregistered, dir.file("zero.log")) == 0);
}

int main(int argc, char** argv) {
  return lynx::test::run_or_skip(argc, argv, lynx::test::io_uring_missing());
}
