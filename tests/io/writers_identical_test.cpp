// io_uring and pwritev write byte-identical files for the same writes. One script of writes (sizes
// from 1 byte to a whole buffer, most not a multiple of the page size; several files; offsets
// submitted out of order; many writes in flight; completions that submit the next write) runs
// through PsyncWriter and through UringWriter in several configurations, each into its own
// directory; every file must equal the file the script describes, byte for byte, and so each
// other. Its own executable: where the kernel forbids io_uring (seccomp, gVisor,
// LYNX_IO_DISABLE_URING=1) main() exits 77 and meson reports SKIP (tests/support/skip.hpp).
#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "io/psync_writer.hpp"
#include "io/uring_writer.hpp"
#include "tests/io/io_test_util.hpp"
#include "tests/support/sizing.hpp"
#include "tests/support/skip.hpp"
#include "tests/support/uring.hpp"

using lynx::Status;
using lynx::io::Buffer;
using lynx::io::BufferPool;
using lynx::io::PsyncWriter;
using lynx::io::Writer;
using lynx::test::make_uring;
using namespace lynx::io::test;

namespace {

constexpr std::size_t kBufferBytes = 64 * 1024;  // a multiple of the page size, as the pool rounds
constexpr std::size_t kPoolBuffers = 48;
constexpr std::uint32_t kFiles = 3;

struct Write {
  std::uint32_t file = 0;
  std::uint64_t offset = 0;
  std::size_t size = 0;
  std::uint32_t seed = 0;  // content: bytes from std::mt19937(seed), the same for every writer
};

// Sizes a log writer meets: tiny tails, page-size neighbours, odd sizes, whole buffers.
constexpr std::size_t kSizes[] = {1,    7,    100,   511,   512,   4095,  4096,
                                  4097, 8191, 12345, 40000, 65535, 65536, 30001};

// The script: each file is a run of writes laid end to end (like a log file), plus one write
// past a hole. The submission order is shuffled, so offsets arrive out of order and writes to
// different files interleave. std::mt19937's output is fixed by the standard: the script is the
// same on every run and platform. A sanitizer build runs a shorter script (about 2 MB instead of
// 8 MB, 8 times over): every size of kSizes, the hole, the shuffle and the overlap are still in it,
// and "the script covers what it claims" checks that they are.
std::vector<Write> make_script() {
  std::vector<Write> script;
  std::mt19937 rng(20240611);
  std::uint32_t seed = 1;
  for (std::uint32_t f = 0; f < kFiles; ++f) {
    std::uint64_t offset = 0;
    const std::size_t writes = lynx::test::sized<std::size_t>(60 + 25 * f, 24 + 8 * f);
    for (std::size_t i = 0; i < writes; ++i) {
      const std::size_t size =
          i < std::size(kSizes) ? kSizes[(i + f) % std::size(kSizes)] : 1 + rng() % kBufferBytes;
      script.push_back({f, offset, size, seed++});
      offset += size;
    }
    // A write beyond a hole: the hole reads back as zeros from either writer.
    script.push_back({f, offset + 3 * 4096 + 5, 777, seed++});
  }
  std::shuffle(script.begin(), script.end(), rng);
  return script;
}

void fill_from_seed(Buffer* b, const Write& w) {
  REQUIRE(w.size <= b->capacity);
  std::mt19937 rng(w.seed);
  for (std::size_t i = 0; i < w.size; ++i) b->data[i] = static_cast<std::byte>(rng() & 0xFF);
  b->size = w.size;
}

// The files as the script says they must be.
std::vector<std::vector<std::byte>> expected_files(const std::vector<Write>& script) {
  std::vector<std::vector<std::byte>> files(kFiles);
  for (const Write& w : script) {
    std::vector<std::byte>& f = files[w.file];
    if (f.size() < w.offset + w.size) f.resize(w.offset + w.size, std::byte{0});
    std::mt19937 rng(w.seed);
    for (std::size_t i = 0; i < w.size; ++i) f[w.offset + i] = static_cast<std::byte>(rng() & 0xFF);
  }
  return files;
}

std::string file_name(std::uint32_t f) { return "f" + std::to_string(f) + ".log"; }

// How the script is fed to the writer.
enum class Feed {
  submit_all,     // submit as long as buffers last; reap(wait) only when the pool is empty
  poll_often,     // reap(false) after every third submit, as the backend does each iteration
  from_callback,  // after the first writes, each completion submits the next write
};

struct Run {
  std::vector<std::vector<std::byte>> files;
  std::size_t max_in_flight = 0;  // the most writes in_flight() reported right after a submit
};

// Runs the script through `writer` into fresh files in `dir`; checks every completion is ok and
// every buffer comes back exactly once.
Run run_script(Writer& writer, BufferPool& pool, const std::vector<Write>& script, Feed feed,
               const TempDir& dir) {
  std::vector<int> fds;
  for (std::uint32_t f = 0; f < kFiles; ++f) fds.push_back(open_new(dir.file(file_name(f))));

  std::set<Buffer*> outstanding;
  std::size_t next = 0, completions = 0;
  Run run;
  auto submit_next = [&](Buffer* b) {
    const Write& w = script[next++];
    fill_from_seed(b, w);
    CHECK(outstanding.insert(b).second);
    writer.submit(fds[w.file], w.offset, b);
    run.max_in_flight = std::max(run.max_in_flight, writer.in_flight());
  };
  const Writer::Completion done = [&](Buffer* b, const Status& s) {
    CHECK_MESSAGE(s.ok(), s.to_string());
    CHECK(outstanding.erase(b) == 1);
    ++completions;
    if (feed == Feed::from_callback && next < script.size()) return submit_next(b);
    pool.release(b);
  };

  if (feed == Feed::from_callback) {
    // Prime several chains; completions keep them going until the script is done.
    for (std::size_t i = 0; i < 8 && next < script.size(); ++i) submit_next(pool.acquire());
  } else {
    while (next < script.size()) {
      Buffer* b = pool.acquire();
      while (b == nullptr) {
        REQUIRE(writer.pending() > 0);
        writer.reap(true, done);
        b = pool.acquire();
      }
      submit_next(b);
      if (feed == Feed::poll_often && next % 3 == 0) writer.reap(false, done);
    }
  }
  writer.drain(done);
  while (next < script.size() || writer.pending() > 0) writer.drain(done);

  CHECK(completions == script.size());
  CHECK(outstanding.empty());
  CHECK(writer.pending() == 0);
  CHECK(pool.free_count() == pool.count());
  for (std::uint32_t f = 0; f < kFiles; ++f) {
    REQUIRE(::close(fds[f]) == 0);
    run.files.push_back(read_all(dir.file(file_name(f))));
  }
  return run;
}

// First differing byte, for a readable failure instead of a megabyte dump.
std::string first_difference(const std::vector<std::byte>& a, const std::vector<std::byte>& b) {
  const std::size_t n = std::min(a.size(), b.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return "first difference at byte " + std::to_string(i);
  }
  if (a.size() != b.size()) {
    return "sizes differ: " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
  }
  return "identical";
}

void check_same(const std::vector<std::vector<std::byte>>& got,
                const std::vector<std::vector<std::byte>>& want) {
  REQUIRE(got.size() == want.size());
  for (std::size_t f = 0; f < got.size(); ++f) {
    CAPTURE(f);
    CHECK_MESSAGE(got[f] == want[f], first_difference(got[f], want[f]));
  }
}

}  // namespace

TEST_CASE("the script covers what it claims") {
  const auto script = make_script();
  std::size_t non_page_multiple = 0, full_buffers = 0, out_of_order = 0;
  std::vector<std::uint64_t> last(kFiles, 0);
  for (const Write& w : script) {
    if (w.size % 4096 != 0) ++non_page_multiple;
    if (w.size == kBufferBytes) ++full_buffers;
    if (w.offset < last[w.file]) ++out_of_order;
    last[w.file] = std::max(last[w.file], w.offset);
  }
  CHECK(non_page_multiple > script.size() / 2);
  CHECK(full_buffers >= 1);
  CHECK(out_of_order > script.size() / 4);
  const auto files = expected_files(script);
  for (const auto& f : files) CHECK(f.size() > 4 * kBufferBytes);
}

TEST_CASE("io_uring and pwritev write byte-identical files for the same writes") {
  const auto script = make_script();
  const auto expected = expected_files(script);

  // pwritev: the reference.
  TempDir psync_dir;
  BufferPool psync_pool(kBufferBytes, kPoolBuffers);
  PsyncWriter psync;
  const auto by_psync = run_script(psync, psync_pool, script, Feed::submit_all, psync_dir).files;
  check_same(by_psync, expected);

  struct Variant {
    const char* what;
    unsigned max_in_flight;
    bool registered;
    Feed feed;
  };
  const Variant variants[] = {
      {"registered buffers, 32 in flight, submit all", 32, true, Feed::submit_all},
      {"unregistered buffers, 32 in flight, submit all", 32, false, Feed::submit_all},
      {"registered buffers, 8 in flight, poll often", 8, true, Feed::poll_often},
      {"registered buffers, 1 in flight, poll often", 1, true, Feed::poll_often},
      {"registered buffers, 16 in flight, next write from the completion", 16, true,
       Feed::from_callback},
  };
  for (const Variant& v : variants) {
    CAPTURE(v.what);
    TempDir dir;
    BufferPool pool(kBufferBytes, kPoolBuffers);
    auto uring = make_uring(v.max_in_flight, v.registered ? &pool : nullptr);
    if (v.registered && uring->registered_buffers() != pool.count()) {
      MESSAGE("only " << uring->registered_buffers() << " of " << pool.count()
                      << " buffers registered: " << uring->registration_note());
    }
    const Run by_uring = run_script(*uring, pool, script, v.feed, dir);
    check_same(by_uring.files, by_psync);
    // The writes really overlapped: several were handed to the kernel before any was reaped.
    CHECK(by_uring.max_in_flight <= v.max_in_flight);
    if (v.max_in_flight > 1) CHECK(by_uring.max_in_flight > 1);
  }
}

TEST_CASE("pwritev fed the same ways gives the same files") {
  // The feeding pattern is not what makes io_uring's files right: pwritev does not care either.
  const auto script = make_script();
  const auto expected = expected_files(script);
  for (const Feed feed : {Feed::poll_often, Feed::from_callback}) {
    TempDir dir;
    BufferPool pool(kBufferBytes, kPoolBuffers);
    PsyncWriter psync;
    check_same(run_script(psync, pool, script, feed, dir).files, expected);
  }
}

int main(int argc, char** argv) {
  return lynx::test::run_or_skip(argc, argv, lynx::test::io_uring_missing());
}
