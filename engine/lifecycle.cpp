#include "engine/lifecycle.hpp"

#include <emmintrin.h>
#include <pthread.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "engine/crash_handler.hpp"
#include "engine/engine_impl.hpp"
#include "engine/logger_registry.hpp"
#include "engine/ring_pool.hpp"
#include "engine/shard_load.hpp"
#include "lynx/detail/producer.hpp"
#include "lynx/engine.hpp"

namespace lynx::detail {

namespace {

constinit std::mutex g_lifecycle;          // guards everything below but the counter
constinit EngineImpl* g_engine = nullptr;  // the running engine, if any
// g_engine was started by lynx, not by a lynx::Engine (for records before any Engine, or in a
// forked child): an Engine constructed later replaces it, exit stops it.
constinit bool g_engine_is_default = false;
constinit bool g_any_engine_started = false;
constinit std::atomic<std::uint64_t> g_dropped_without_engine{0};

// Early records (docs/reliability.md): threads that log before any engine started write into
// early rings, which the first engine to start takes over (and writes in its directory). Never
// destroyed: static destructors may log.
constexpr std::size_t kEarlyRingBytes = 64u << 10;
constexpr char kEarlyOwner = 0;  // Ring::owner of early rings
constinit std::vector<Ring*>* g_early = nullptr;
constinit bool g_early_exit_pending = false;  // flush_early_records_at_exit is registered
// A default engine was stopped at exit: records logged later (atexit handlers, static destructors)
// are early records again, for another default engine that runs after them.
constinit bool g_exit_stopped_default = false;

// fork(): the engine that ran in the parent. A child's first log call starts an engine with its
// options and the pid in the file name (docs/reliability.md); the parent's object is never touched.
constinit const EngineImpl* g_forked_from = nullptr;

// Per thread: its place on a shard, and whether its exit hook ran. The hook is a pthread key
// destructor, which runs after every thread_local destructor of the thread (glibc), so records
// logged from those destructors are written, whenever the object was created.
// Every hook is also on a list (under the lifecycle mutex), so that a forked child, where only the
// forking thread exists, frees the hooks of the parent's other threads.
struct ThreadHook {
  ShardLease lease;
  ThreadHook* prev = nullptr;
  ThreadHook* next = nullptr;
};
constinit ThreadHook* g_hooks = nullptr;

void link_hook_locked(ThreadHook* hook) noexcept {
  hook->next = g_hooks;
  if (g_hooks != nullptr) g_hooks->prev = hook;
  g_hooks = hook;
}

void unlink_hook_locked(ThreadHook* hook) noexcept {
  if (hook->prev != nullptr)
    hook->prev->next = hook->next;
  else
    g_hooks = hook->next;
  if (hook->next != nullptr) hook->next->prev = hook->prev;
  hook->prev = hook->next = nullptr;
}
constinit thread_local ThreadHook* t_state = nullptr;
constinit thread_local bool t_exited = false;
pthread_key_t g_exit_key;
pthread_once_t g_key_once = PTHREAD_ONCE_INIT;

// The backend is done with `ring` (closed at stop): what this thread committed or dropped after
// its last pass is counted here, so that at every stop records logged = records written + counted.
void account_after_stop(Ring* ring) noexcept {
  // The engine closes a ring and finishes it within its stop (a bounded time).
  for (int waited = 0; !ring->finished(); ++waited) {
    if (waited > 20'000) return;  // 10 s: an engine that never finishes
    std::this_thread::sleep_for(std::chrono::microseconds(500));
  }
  const std::uint64_t lost = ring->records_unread() + (ring->dropped() - ring->final_drops());
  if (lost != 0) g_dropped_without_engine.fetch_add(lost, std::memory_order_relaxed);
}

// The calling thread stops using `ring` (its former tls_ring).
void let_go(Ring* ring) noexcept {
  // An early ring closed by its hand-over is still drained by the engine that took it, unless that
  // engine already stopped (finished it).
  if (ring->finished() || (ring->closed() && ring->owner != &kEarlyOwner)) account_after_stop(ring);
  unref_ring(ring);
}

void on_thread_exit(void* state) {
  t_exited = true;  // a later key destructor that logs is counted, not given a ring
  if (Ring* ring = tls_ring) {
    tls_ring = nullptr;
    let_go(ring);
  }
  t_state = nullptr;
  auto* hook = static_cast<ThreadHook*>(state);
  {
    std::lock_guard lock(g_lifecycle);
    unlink_hook_locked(hook);
  }
  delete hook;
}

// Under the lifecycle mutex. Throws std::bad_alloc or std::system_error.
ThreadHook& thread_state() {
  if (t_state != nullptr) return *t_state;
  pthread_once(&g_key_once, [] { pthread_key_create(&g_exit_key, on_thread_exit); });
  auto* state = new ThreadHook();
  if (pthread_setspecific(g_exit_key, state) != 0) {
    delete state;
    throw std::bad_alloc();
  }
  link_hook_locked(state);
  t_state = state;
  return *state;
}

void take_early_rings_locked(EngineImpl* engine) {
  if (g_early == nullptr) return;
  for (Ring* ring : *g_early) {
    engine->adopt_early(ring);
    ring->close();  // its thread moves to a ring of the engine at its next log call
  }
  g_early->clear();
}

void stop_default_engine_at_exit() {
  EngineImpl* engine = nullptr;
  {
    std::lock_guard lock(g_lifecycle);
    if (g_engine != nullptr && g_engine_is_default) {
      engine = g_engine;
      g_engine = nullptr;
      g_exit_stopped_default = true;
      LoggerRegistry::instance().set_default_level(Level::info);
    }
  }
  delete engine;
}

EngineImpl* start_default_engine_locked(Options options) {
  g_any_engine_started = true;
  try {
    g_engine = new EngineImpl(options);
    g_engine_is_default = true;
    LoggerRegistry::instance().set_default_level(g_engine->options().level);
    take_early_rings_locked(g_engine);
    std::atexit(stop_default_engine_at_exit);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "lynx: cannot start the default engine: %s\n", e.what());
    g_engine = nullptr;
  }
  return g_engine;
}

// At exit, when threads logged and no engine took their records: the default engine writes
// them to ./logs and stops.
void flush_early_records_at_exit() {
  EngineImpl* engine = nullptr;
  {
    std::lock_guard lock(g_lifecycle);
    g_early_exit_pending = false;
    if (g_engine != nullptr || g_early == nullptr || g_early->empty()) return;
    try {
      engine = new EngineImpl(Options{});
      take_early_rings_locked(engine);
      g_any_engine_started = true;
      g_exit_stopped_default = true;  // later records (exit handlers) wait for another one
    } catch (const std::exception& e) {
      std::fprintf(stderr, "lynx: cannot start the default engine: %s\n", e.what());
      return;
    }
  }
  delete engine;
}

Ring* make_early_ring_locked() {
  if (g_early == nullptr) g_early = new std::vector<Ring*>();
  g_early->reserve(g_early->size() + 1);  // push_back below cannot throw
  if (!g_early_exit_pending) {
    std::atexit(flush_early_records_at_exit);
    g_early_exit_pending = true;
  }
  Ring* ring = make_ring(kEarlyRingBytes);
  ring->refs().store(2, std::memory_order_release);  // the thread's and the early list's
  ring->os_tid = static_cast<std::uint64_t>(::syscall(SYS_gettid));
  pthread_getname_np(pthread_self(), ring->thread_name, sizeof ring->thread_name);
  ring->block_when_full = false;  // nobody drains it yet (reserve_slow hands it over when full)
  ring->max_capacity = ring->capacity();
  ring->owner = &kEarlyOwner;
  g_early->push_back(ring);
  return ring;
}

// Under the lifecycle mutex: a forked child's engine, like its parent's but with the pid in the
// file names, so that parent and child never write the same file.
EngineImpl* start_fork_engine_locked() {
  Options o = g_forked_from->options();
  g_forked_from = nullptr;  // once: after the child stops it, the child has no engine
  o.name += "-" + std::to_string(::getpid());
  return start_default_engine_locked(std::move(o));
}

// pthread_atfork: no lock of ours is held across fork(), so the child can lock it; the child
// forgets the parent's engine (its threads do not exist there) and its rings.
void before_fork() {
  g_lifecycle.lock();
  LoggerRegistry::instance().fork_mutex().lock();
}
void after_fork_parent() {
  LoggerRegistry::instance().fork_mutex().unlock();
  g_lifecycle.unlock();
}
void after_fork_child() {
  LoggerRegistry::instance().fork_mutex().unlock();
  g_lifecycle.unlock();
  crash_handler_after_fork();
  if (g_engine != nullptr) {
    g_forked_from = g_engine;
    g_engine = nullptr;
    g_engine_is_default = false;
  }
  if (g_early != nullptr) g_early->clear();  // the parent's: the parent writes them
  tls_ring = nullptr;  // a copy of a parent's ring, read by nobody here (left, never freed)
  if (t_state != nullptr) t_state->lease.reset();
  // The parent's other threads do not exist here: their hooks would never be freed.
  for (ThreadHook* hook = g_hooks; hook != nullptr;) {
    ThreadHook* next = hook->next;
    if (hook != t_state) {
      unlink_hook_locked(hook);
      delete hook;
    }
    hook = next;
  }
}
[[maybe_unused]] const int g_atfork =
    pthread_atfork(before_fork, after_fork_parent, after_fork_child);

}  // namespace

Ring* acquire_ring() noexcept {
  if (Ring* old = tls_ring) {  // closed: by an engine that stopped, or handed over
    tls_ring = nullptr;
    let_go(old);
    if (t_state != nullptr) t_state->lease.reset();
  }
  if (t_exited) {  // after the thread's exit hook: nothing would give the ring back
    g_dropped_without_engine.fetch_add(1, std::memory_order_relaxed);
    return nullptr;
  }
  try {
    std::lock_guard lock(g_lifecycle);
    ThreadHook& state = thread_state();
    EngineImpl* engine = g_engine;
    if (engine == nullptr && g_forked_from != nullptr) engine = start_fork_engine_locked();
    if (engine == nullptr && (!g_any_engine_started || g_exit_stopped_default)) {
      tls_ring = make_early_ring_locked();
      return tls_ring;
    }
    if (engine == nullptr) {
      g_dropped_without_engine.fetch_add(1, std::memory_order_relaxed);
      return nullptr;
    }
    tls_ring = engine->register_thread(state.lease);
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

// The thread's early ring is full and no engine started yet: the default engine takes every early
// ring over (records wait in memory only as long as they fit), and the thread moves to a ring of
// the engine that runs. nullptr when there is none.
Ring* leave_early_ring() noexcept {
  {
    std::lock_guard lock(g_lifecycle);
    if (g_engine == nullptr && (!g_any_engine_started || g_exit_stopped_default))
      start_default_engine_locked(Options{});
  }
  return acquire_ring();
}

}  // namespace

std::byte* reserve_slow(Ring* ring, std::size_t size, const CallSite* site,
                        std::uint32_t logger_id) noexcept {
  if (ring->owner == &kEarlyOwner) {
    if (Ring* next = leave_early_ring()) {
      if (size <= next->max_record()) {
        if (std::byte* p = next->reserve(size)) return p;
      }
      ring = next;
    } else {
      return nullptr;  // counted by acquire_ring()
    }
  }
  // A full ring, or a record too large for it: move to a bigger ring first (at most
  // log2(buffer_bytes / initial_buffer_bytes) times per thread), then the OnFull policy applies.
  if (ring->capacity() < ring->max_capacity) {
    if (Ring* bigger = grow_ring(ring, size)) {
      if (std::byte* p = bigger->reserve(size)) return p;  // always: it is empty and large enough
      ring = bigger;
    }
  }
  if (size > ring->max_record() || !ring->block_when_full) {
    if (site != nullptr) ring->count_drop(site, logger_id);
    return nullptr;
  }
  bool woke_backend = false;
  for (unsigned spin = 0;; ++spin) {
    if (ring->closed()) {  // the engine stopped while we waited
      if (site != nullptr) g_dropped_without_engine.fetch_add(1, std::memory_order_relaxed);
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
  g_forked_from = nullptr;
  auto* engine = new EngineImpl(options);
  g_any_engine_started = true;
  g_engine = engine;
  g_engine_is_default = false;
  LoggerRegistry::instance().set_default_level(engine->options().level);
  take_early_rings_locked(engine);
  return engine;
}

void stop_engine(EngineImpl* engine) {
  if (!engine->in_this_process()) {
    // A forked child destroying the Engine its parent constructed: it stops the child's engine.
    EngineImpl* mine = nullptr;
    {
      std::lock_guard lock(g_lifecycle);
      g_forked_from = nullptr;
      if (g_engine != nullptr && g_engine_is_default) {
        mine = g_engine;
        g_engine = nullptr;
      }
    }
    delete mine;
    return;
  }
  {
    std::lock_guard lock(g_lifecycle);
    if (g_engine == engine) g_engine = nullptr;
    // Loggers created while no engine runs start at info, as documented in lynx/logger.hpp.
    LoggerRegistry::instance().set_default_level(Level::info);
  }
  delete engine;
}

EngineImpl* engine_in_this_process(EngineImpl* engine) {
  if (engine->in_this_process()) return engine;
  std::lock_guard lock(g_lifecycle);
  return g_engine_is_default ? g_engine : nullptr;
}

}  // namespace lynx::detail

namespace lynx {

std::uint64_t dropped_without_engine() noexcept {
  return detail::g_dropped_without_engine.load(std::memory_order_relaxed);
}

}  // namespace lynx
