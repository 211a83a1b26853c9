#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include "io/buffer_pool.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <cstdint>
#include <new>
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

TEST_CASE("acquire resets the caller's bookkeeping, owner included") {
  BufferPool pool(4096, 1);
  Buffer* b = pool.acquire();
  int me = 0;
  b->fd = 7;
  b->offset = 4096;
  b->records = 3;
  b->owner = &me;
  pool.release(b);
  b = pool.acquire();
  CHECK(b->fd == -1);
  CHECK(b->offset == 0);
  CHECK(b->records == 0);
  CHECK(b->owner == nullptr);
}

TEST_CASE("oversized buffers: page aligned, at least the size asked, not part of the fixed set") {
  BufferPool pool(4096, 2);
  Buffer* big = pool.acquire_oversized(3 * kPage + 1);
  REQUIRE(big != nullptr);
  CHECK(big->capacity == 4 * kPage);
  CHECK(reinterpret_cast<std::uintptr_t>(big->data) % kPage == 0);
  CHECK(big->size == 0);
  CHECK(big->index == Buffer::kOversized);
  CHECK(big->owner == nullptr);
  CHECK_FALSE(pool.owns(big));  // never taken for a registered buffer
  big->data[0] = std::byte{1};
  big->data[big->capacity - 1] = std::byte{2};
  CHECK(pool.free_count() == 2);  // the fixed set is untouched
  CHECK(pool.oversized_count() == 1);
  pool.release(big);  // frees it (ASan would report a leak or a double free otherwise)
  CHECK(pool.oversized_count() == 0);
  CHECK(pool.free_count() == 2);
}

TEST_CASE("oversized buffers are lent while the fixed set is exhausted, and freed on release") {
  BufferPool pool(4096, 1);
  Buffer* pooled = pool.acquire();
  REQUIRE(pool.acquire() == nullptr);
  std::set<Buffer*> loans;
  for (int i = 0; i < 5; ++i) {
    Buffer* b = pool.acquire_oversized(pool.buffer_bytes());
    CHECK(b->capacity == pool.buffer_bytes());
    CHECK(loans.insert(b).second);
  }
  CHECK(pool.oversized_count() == 5);
  for (Buffer* b : loans) pool.release(b);  // in any order
  CHECK(pool.oversized_count() == 0);
  CHECK(pool.free_count() == 0);  // a loan never joins the free list
  pool.release(pooled);
  CHECK(pool.free_count() == 1);
  // Zero bytes still give one page.
  Buffer* tiny = pool.acquire_oversized(0);
  CHECK(tiny->capacity == kPage);
  pool.release(tiny);
}

TEST_CASE("oversized buffers still out when the pool goes are freed with it") {
  auto* pool = new BufferPool(4096, 1);
  pool->acquire_oversized(1 << 20);
  pool->acquire_oversized(10);
  CHECK(pool->oversized_count() == 2);
  delete pool;  // LeakSanitizer checks this in sanitizer builds
}

TEST_CASE("an absurd oversized request fails with std::bad_alloc, not a crash") {
  BufferPool pool(4096, 1);
  CHECK_THROWS_AS(pool.acquire_oversized(~std::size_t{0} - 10), std::bad_alloc);
  CHECK(pool.oversized_count() == 0);
}
