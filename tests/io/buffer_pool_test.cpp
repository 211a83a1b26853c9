#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "io/buffer_pool.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <set>

using lynx::io::Buffer;
using lynx::io::BufferPool;

namespace {
const std::size_t kPage = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
}

TEST_CASE("buffer sizes are rounded up to whole pages") {
  CHECK(BufferPool(1, 1).buffer_bytes() == kPage);
  CHECK(BufferPool(0, 1).buffer_bytes() == kPage);
  CHECK(BufferPool(kPage, 1).buffer_bytes() == kPage);
  CHECK(BufferPool(kPage + 1, 1).buffer_bytes() == 2 * kPage);
}

TEST_CASE("every buffer is page aligned, full size, indexed by its position") {
  BufferPool pool(10000, 5);
  CHECK(pool.count() == 5);
  CHECK(pool.free_count() == 5);
  for (std::size_t i = 0; i < pool.count(); ++i) {
    Buffer& b = pool.at(i);
    CHECK(reinterpret_cast<std::uintptr_t>(b.data) % kPage == 0);
    CHECK(b.capacity == pool.buffer_bytes());
    CHECK(b.size == 0);
    CHECK(b.index == i);
    CHECK(pool.owns(&b));
    b.data[0] = std::byte{1};  // writable over its whole capacity
    b.data[b.capacity - 1] = std::byte{2};
  }
}

TEST_CASE("acquire hands out each buffer once, then nullptr; release makes it available again") {
  BufferPool pool(4096, 3);
  std::set<Buffer*> taken;
  for (int i = 0; i < 3; ++i) {
    Buffer* b = pool.acquire();
    REQUIRE(b != nullptr);
    CHECK(taken.insert(b).second);
  }
  CHECK(pool.acquire() == nullptr);
  CHECK(pool.free_count() == 0);

  Buffer* b = *taken.begin();
  b->size = 123;
  pool.release(b);
  CHECK(pool.free_count() == 1);
  Buffer* again = pool.acquire();
  CHECK(again == b);
  CHECK(again->size == 0);  // a buffer comes back empty
  for (Buffer* t : taken) pool.release(t);
  CHECK(pool.free_count() == 3);
}

TEST_CASE("low indexes are handed out first (the registered prefix carries most writes)") {
  BufferPool pool(4096, 4);
  CHECK(pool.acquire()->index == 0);
  CHECK(pool.acquire()->index == 1);
}

TEST_CASE("owns() rejects copies and other pools' buffers") {
  BufferPool a(4096, 2);
  BufferPool b(4096, 2);
  Buffer copy = a.at(0);
  CHECK(a.owns(&a.at(1)));
  CHECK_FALSE(a.owns(&copy));
  CHECK_FALSE(a.owns(&b.at(0)));
  CHECK_FALSE(a.owns(nullptr));
}

TEST_CASE("an empty pool is valid") {
  BufferPool pool(4096, 0);
  CHECK(pool.count() == 0);
  CHECK(pool.acquire() == nullptr);
}
