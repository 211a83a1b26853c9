#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "tests/support/fault_injection.hpp"

#include <doctest/doctest.h>

#include <cerrno>
#include <map>

#include "tests/io/io_test_util.hpp"

using lynx::Status;
using lynx::io::Buffer;
using lynx::io::BufferPool;
using lynx::io::Fault;
using lynx::io::FaultInjectingWriter;
using namespace lynx::io::test;

namespace {

// Three 4 KiB writes back to back at offsets 0, 4096, 8192 through `w`; returns each buffer's
// status by write number and the file's content.
struct Run {
  std::map<int, Status> status;
  std::vector<std::byte> content;
  std::size_t completions = 0;
};

Run run_three(FaultInjectingWriter& w, const std::string& path) {
  BufferPool pool(4096, 3);
  const int fd = open_new(path);
  std::map<Buffer*, int> which;
  for (int i = 0; i < 3; ++i) {
    Buffer* b = pool.acquire();
    fill(b, static_cast<std::uint32_t>(i), 4096);
    which[b] = i;
    w.submit(fd, static_cast<std::uint64_t>(i) * 4096, b);
  }
  Run run;
  w.drain([&](Buffer* b, const Status& s) {
    REQUIRE(which.count(b) == 1);
    CHECK(run.status.count(which[b]) == 0);  // each buffer comes back exactly once
    run.status[which[b]] = s;
    pool.release(b);
    ++run.completions;
  });
  CHECK(pool.free_count() == 3);
  CHECK(w.pending() == 0);
  ::close(fd);
  run.content = read_all(path);
  return run;
}

std::vector<std::byte> expected_three(std::size_t torn_at = 3, std::size_t torn_bytes = 0) {
  std::vector<std::byte> e;
  for (std::uint32_t i = 0; i < 3; ++i) {
    const std::size_t n = i == torn_at ? torn_bytes : 4096;
    place(&e, std::uint64_t{i} * 4096, i, n);
  }
  return e;
}

}  // namespace

TEST_CASE("no faults: writes pass through") {
  TempDir dir;
  auto w = FaultInjectingWriter::over_psync({});
  const Run run = run_three(*w, dir.file("a.log"));
  CHECK(run.completions == 3);
  for (const auto& entry : run.status) CHECK(entry.second.ok());
  CHECK(run.content == expected_three());
  CHECK(w->faults_injected() == 0);
  CHECK(w->writes_submitted() == 3);
}

TEST_CASE("short_write: one completion, ok, and the file content is right") {
  TempDir dir;
  auto w = FaultInjectingWriter::over_psync({{Fault::short_write, 1, 1000}});
  const Run run = run_three(*w, dir.file("a.log"));
  CHECK(run.completions == 3);
  for (const auto& entry : run.status) CHECK_MESSAGE(entry.second.ok(), entry.second.to_string());
  CHECK(run.content == expected_three());
  CHECK(w->faults_injected() == 1);
}

TEST_CASE("short_write: the completion comes only after the second part is written") {
  TempDir dir;
  BufferPool pool(4096, 1);
  auto w = FaultInjectingWriter::over_psync({{Fault::short_write, 0, 10}});
  const int fd = open_new(dir.file("a.log"));
  Buffer* b = pool.acquire();
  fill(b, 5, 100);
  w->submit(fd, 0, b);
  CHECK(read_all(dir.file("a.log")).size() == 10);  // only the first part so far
  std::size_t n = 0;
  const auto done = [&](Buffer* got, const Status& s) {
    CHECK(got == b);
    CHECK(s.ok());
    ++n;
  };
  while (n == 0) w->reap(true, done);
  CHECK(n == 1);
  CHECK(w->pending() == 0);
  ::close(fd);
  std::vector<std::byte> expected;
  place(&expected, 0, 5, 100);
  CHECK(read_all(dir.file("a.log")) == expected);
}

TEST_CASE("enospc: the buffer completes with Code::no_space and nothing is written") {
  TempDir dir;
  auto w = FaultInjectingWriter::over_psync({{Fault::enospc, 2}});
  const Run run = run_three(*w, dir.file("a.log"));
  CHECK(run.completions == 3);
  CHECK(run.status.at(0).ok());
  CHECK(run.status.at(1).ok());
  CHECK(run.status.at(2).code() == Status::Code::no_space);
  CHECK(run.status.at(2).sys_errno() == ENOSPC);
  CHECK(run.content.size() == 2 * 4096);
}

TEST_CASE("eio: the buffer completes with Code::io_error, the others land") {
  TempDir dir;
  auto w = FaultInjectingWriter::over_psync({{Fault::eio, 0}});
  const Run run = run_three(*w, dir.file("a.log"));
  CHECK(run.status.at(0).code() == Status::Code::io_error);
  CHECK(run.status.at(0).sys_errno() == EIO);
  CHECK(run.status.at(1).ok());
  CHECK(run.status.at(2).ok());
  CHECK(run.content == expected_three(0, 0));  // a hole of zeros where write 0 should be
}

TEST_CASE("torn_write: a prefix reaches the file, then EIO") {
  TempDir dir;
  auto w = FaultInjectingWriter::over_psync({{Fault::torn_write, 2, 100}});
  const Run run = run_three(*w, dir.file("a.log"));
  CHECK(run.status.at(2).code() == Status::Code::io_error);
  CHECK(run.status.at(2).sys_errno() == EIO);
  CHECK(run.status.at(2).message().find("100 of 4096 bytes written") != std::string::npos);
  CHECK(run.content == expected_three(2, 100));
}

TEST_CASE("eagain: retried on the next reap, then ok") {
  TempDir dir;
  BufferPool pool(4096, 1);
  auto w = FaultInjectingWriter::over_psync({{Fault::eagain, 0}});
  const int fd = open_new(dir.file("a.log"));
  Buffer* b = pool.acquire();
  fill(b, 7, 300);
  w->submit(fd, 0, b);
  CHECK(w->in_flight() == 1);
  CHECK(read_all(dir.file("a.log")).empty());  // refused the first time
  std::size_t n = 0;
  while (n == 0) {
    w->reap(true, [&](Buffer* got, const Status& s) {
      CHECK(got == b);
      CHECK(s.ok());
      ++n;
    });
  }
  CHECK(w->pending() == 0);
  ::close(fd);
  std::vector<std::byte> expected;
  place(&expected, 0, 7, 300);
  CHECK(read_all(dir.file("a.log")) == expected);
  CHECK(w->faults_injected() == 1);
}

TEST_CASE("several faults in one script, each applied to its own write") {
  TempDir dir;
  auto w = FaultInjectingWriter::over_psync(
      {{Fault::torn_write, 0, 7}, {Fault::short_write, 1, 4095}, {Fault::enospc, 2}});
  const Run run = run_three(*w, dir.file("a.log"));
  CHECK(run.status.at(0).code() == Status::Code::io_error);
  CHECK(run.status.at(1).ok());
  CHECK(run.status.at(2).code() == Status::Code::no_space);
  std::vector<std::byte> expected;
  place(&expected, 0, 0, 7);
  place(&expected, 4096, 1, 4096);
  CHECK(run.content == expected);
  CHECK(w->faults_injected() == 3);
}

TEST_CASE("a short_write of the whole buffer or of 0 bytes is an ordinary write") {
  TempDir dir;
  auto w =
      FaultInjectingWriter::over_psync({{Fault::short_write, 0, 4096}, {Fault::short_write, 1, 0}});
  const Run run = run_three(*w, dir.file("a.log"));
  for (const auto& entry : run.status) CHECK(entry.second.ok());
  CHECK(run.content == expected_three());
}
