#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "io/psync_writer.hpp"

#include <doctest/doctest.h>

#include "tests/io/io_test_util.hpp"

using lynx::Status;
using lynx::io::Buffer;
using lynx::io::BufferPool;
using lynx::io::PsyncWriter;
using namespace lynx::io::test;

TEST_CASE("psync: several buffers at several offsets land exactly") {
  TempDir dir;
  BufferPool pool(8192, 8);
  PsyncWriter writer;
  CHECK(std::string(writer.name()) == "pwritev");
  check_writes_land(writer, pool, dir.file("a.log"));
}

TEST_CASE("psync: many writes through few buffers, each buffer back once") {
  TempDir dir;
  BufferPool pool(4096, 3);
  PsyncWriter writer;
  check_cap_and_ownership(writer, pool, 0, dir.file("a.log"));
}

TEST_CASE("psync: the completion waits for reap(), which never blocks") {
  TempDir dir;
  BufferPool pool(4096, 2);
  PsyncWriter writer;
  const int fd = open_new(dir.file("a.log"));
  Buffer* b = pool.acquire();
  fill(b, 3, 10);
  writer.submit(fd, 0, b);
  CHECK(writer.in_flight() == 0);
  CHECK(writer.pending() == 1);
  CHECK(read_all(dir.file("a.log")).size() == 10);  // already written: pwrite is synchronous
  std::size_t n = 0;
  CHECK(writer.reap(true, [&](Buffer* got, const Status& s) {
    CHECK(got == b);
    CHECK(s.ok());
    ++n;
  }) == 1);
  CHECK(n == 1);
  CHECK(writer.pending() == 0);
  CHECK(writer.reap(true, [](Buffer*, const Status&) { FAIL("nothing left to deliver"); }) == 0);
  ::close(fd);
}

TEST_CASE("psync: an empty buffer completes ok without writing") {
  TempDir dir;
  BufferPool pool(4096, 1);
  PsyncWriter writer;
  const int fd = open_new(dir.file("a.log"));
  Buffer* b = pool.acquire();
  writer.submit(fd, 100, b);
  std::size_t n = 0;
  writer.drain([&](Buffer*, const Status& s) {
    CHECK(s.ok());
    ++n;
  });
  CHECK(n == 1);
  CHECK(read_all(dir.file("a.log")).empty());
  ::close(fd);
}

TEST_CASE("psync: a short write is continued; the rest fails with EFBIG") {
  TempDir dir;
  BufferPool pool(8192, 1);
  PsyncWriter writer;
  check_short_write_then_error(writer, pool, dir.file("a.log"));
}

TEST_CASE("psync: a synced write calls fdatasync; its failure fails the write") {
  TempDir dir;
  BufferPool pool(8192, 4);
  PsyncWriter w;
  check_synced_writes(w, pool, dir.file("a.log"));
}

TEST_CASE("psync: ENOSPC from the kernel is Code::no_space") {
  BufferPool pool(4096, 1);
  PsyncWriter writer;
  check_enospc(writer, pool);
}

TEST_CASE("psync: a bad fd is an error completion") {
  BufferPool pool(4096, 1);
  PsyncWriter writer;
  check_bad_fd(writer, pool);
}
