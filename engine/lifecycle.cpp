#include "engine/lifecycle.hpp"

#include <emmintrin.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "engine/engine_impl.hpp"
#include "engine/logger_registry.hpp"
#include "engine/ring_pool.hpp"
#include "engine/shard_load.hpp"
#include "lynx/detail/producer.hpp"
#include "lynx/engine.hpp"

namespace lynx::detail {

namespace {

constinit std::mutex g_lifecycle;            // guards the three below
constinit EngineImpl* g_engine = nullptr;    // the running engine, if any
constinit bool g_engine_is_default = false;  // g_engine was started lazily by a log call
constinit bool g_any_engine_started = false;
constinit std::atomic<std::uint64_t> g_dropped_without_engine{0};

// Gives the thread's ring and its place on a shard back when the thread exits (thread_local
// destructor; `lease` is destroyed right after the body).
struct ThreadExit {
  ~ThreadExit() {
    if (Ring* ring = tls_ring) {
      tls_ring = nullptr;
      unref_ring(ring);
    }
  }
  ShardLease lease;
};
thread_local ThreadExit t_thread_exit;

void stop_default_engine_at_exit() {
  EngineImpl* engine = nullptr;
  {
    std::lock_guard lock(g_lifecycle);
    if (g_engine != nullptr && g_engine_is_default) {
      engine = g_engine;
      g_engine = nullptr;
      LoggerRegistry::instance().set_default_level(Level::info);
    }
  }
  delete engine;
}

EngineImpl* start_default_engine_locked() {
  g_any_engine_started = true;
  try {
    g_engine = new EngineImpl(Options{});
    g_engine_is_default = true;
    LoggerRegistry::instance().set_default_level(g_engine->options().level);
    std::atexit(stop_default_engine_at_exit);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lynx: cannot start the default engine: %s\n", e.what());
    g_engine = nullptr;
  }
  return g_engine;
}

}  // namespace

Ring* acquire_ring() noexcept {
  if (Ring* old = tls_ring) {  // closed by an engine that stopped
    tls_ring = nullptr;
    unref_ring(old);
    t_thread_exit.lease.reset();
  }
  try {
    std::lock_guard lock(g_lifecycle);
    EngineImpl* engine = g_engine;
    if (engine == nullptr && !g_any_engine_started) engine = start_default_engine_locked();
    if (engine == nullptr) {
      g_dropped_without_engine.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    tls_ring = engine->register_thread(t_thread_exit.lease);  // constructs the exit hook
    return tls_ring;
  } catch (...) {
    g_dropped_without_engine.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
}

namespace {

// The calling thread moves from `ring` (its tls_ring) to a bigger ring that takes a record of
// `size` bytes, if its engine still runs and allows one: nullptr otherwise. Under the lifecycle
// mutex, so an engine that links a successor cannot be stopping (stop_engine() clears g_engine
// under the same mutex before the backend closes the rings, and the backend then closes every
// ring of the chain). The old ring is let go only after the link: the backend must not take it
// for the ring of an exited thread (engine/backend.cpp, retire_finished_rings).
Ring* grow_ring(Ring* ring, std::size_t size) noexcept {
  try {
    std::lock_guard lock(g_lifecycle);
    EngineImpl* engine = g_engine;
    if (engine == nullptr || ring->closed() || !engine->owns(ring)) return nullptr;
    Ring* next = engine->successor(ring, size);
    if (next == nullptr) return nullptr;
    tls_ring = next;
    unref_ring(ring);
    return next;
  } catch (...) {  // std::bad_alloc: stay on the ring we have
    return nullptr;
  }
}

}  // namespace

std::byte* reserve_slow(Ring* ring, std::size_t size) noexcept {
  // A full ring, or a record too large for it: move to a bigger ring first (at most
  // log2(buffer_bytes / initial_buffer_bytes) times per thread), then the OnFull policy applies.
  if (ring->capacity() < ring->max_capacity) {
    if (Ring* bigger = grow_ring(ring, size)) {
      if (std::byte* p = bigger->reserve(size)) return p;  // always: it is empty and large enough
      ring = bigger;
    }
  }
  if (size > ring->max_record() || !ring->block_when_full) {
    ring->count_drop();
    return nullptr;
  }
  bool woke_backend = false;
  for (unsigned spin = 0;; ++spin) {
    if (ring->closed()) {  // the engine stopped while we waited
      g_dropped_without_engine.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    if (std::byte* p = ring->reserve(size)) return p;
    if (spin < 64) {
      _mm_pause();
    } else if (!woke_backend) {
      woke_backend = true;
      std::lock_guard lock(g_lifecycle);
      if (g_engine != nullptr) g_engine->wake_backend();
    } else if (spin < 1024) {
      std::this_thread::yield();
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  }
}

EngineImpl* start_engine(const Options& options) {
  std::lock_guard lock(g_lifecycle);
  if (g_engine != nullptr && !g_engine_is_default) {
    throw std::logic_error(
        "lynx::Engine: another lynx::Engine is already running in this process; only one may run "
        "at a time (destroy the first before constructing another)");
  }
  if (g_engine != nullptr) {  // replace the lazily started default engine
    delete g_engine;
    g_engine = nullptr;
  }
  g_any_engine_started = true;
  auto* engine = new EngineImpl(options);
  g_engine = engine;
  g_engine_is_default = false;
  LoggerRegistry::instance().set_default_level(engine->options().level);
  return engine;
}

void stop_engine(EngineImpl* engine) {
  {
    std::lock_guard lock(g_lifecycle);
    if (g_engine == engine) g_engine = nullptr;
    // Loggers created while no engine runs start at info, as documented in lynx/logger.hpp.
    LoggerRegistry::instance().set_default_level(Level::info);
  }
  delete engine;
}

}  // namespace lynx::detail

namespace lynx {

std::uint64_t dropped_without_engine() noexcept {
  return detail::g_dropped_without_engine.load(std::memory_order_relaxed);
}

}  // namespace lynx
