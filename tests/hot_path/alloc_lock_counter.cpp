#include "alloc_lock_counter.hpp"

#include <dlfcn.h>
#include <pthread.h>

#include <cstdlib>
#include <new>

extern "C" {
void* __libc_malloc(std::size_t);
void* __libc_calloc(std::size_t, std::size_t);
void* __libc_realloc(void*, std::size_t);
void* __libc_memalign(std::size_t, std::size_t);
void __libc_free(void*);
}

namespace {
thread_local std::uint64_t t_allocations = 0;
thread_local std::uint64_t t_locks = 0;

template <class F>
F next_symbol(const char* name) {
  return reinterpret_cast<F>(dlsym(RTLD_NEXT, name));
}
using MutexFn = int (*)(pthread_mutex_t*);
using RwFn = int (*)(pthread_rwlock_t*);
using SpinFn = int (*)(pthread_spinlock_t*);
MutexFn real_mutex_lock, real_mutex_trylock;
RwFn real_rdlock, real_wrlock;
SpinFn real_spin_lock;

// Resolved before main so that dlsym (which may lock and allocate) never runs inside a counted
// call.
[[maybe_unused]] const bool resolved = [] {
  real_mutex_lock = next_symbol<MutexFn>("pthread_mutex_lock");
  real_mutex_trylock = next_symbol<MutexFn>("pthread_mutex_trylock");
  real_rdlock = next_symbol<RwFn>("pthread_rwlock_rdlock");
  real_wrlock = next_symbol<RwFn>("pthread_rwlock_wrlock");
  real_spin_lock = next_symbol<SpinFn>("pthread_spin_lock");
  return true;
}();
}  // namespace

extern "C" {
void* malloc(std::size_t n) {
  ++t_allocations;
  return __libc_malloc(n);
}
void* calloc(std::size_t a, std::size_t b) {
  ++t_allocations;
  return __libc_calloc(a, b);
}
void* realloc(void* p, std::size_t n) {
  ++t_allocations;
  return __libc_realloc(p, n);
}
void* aligned_alloc(std::size_t align, std::size_t n) {
  ++t_allocations;
  return __libc_memalign(align, n);
}
int posix_memalign(void** out, std::size_t align, std::size_t n) {
  ++t_allocations;
  *out = __libc_memalign(align, n);
  return *out ? 0 : 12;
}
void free(void* p) { __libc_free(p); }

int pthread_mutex_lock(pthread_mutex_t* m) {
  ++t_locks;
  return real_mutex_lock(m);
}
int pthread_mutex_trylock(pthread_mutex_t* m) {
  ++t_locks;
  return real_mutex_trylock(m);
}
int pthread_rwlock_rdlock(pthread_rwlock_t* l) {
  ++t_locks;
  return real_rdlock(l);
}
int pthread_rwlock_wrlock(pthread_rwlock_t* l) {
  ++t_locks;
  return real_wrlock(l);
}
int pthread_spin_lock(pthread_spinlock_t* l) {
  ++t_locks;
  return real_spin_lock(l);
}
}

// operator new goes through malloc above; replacing it too makes the count independent of how the
// standard library implements it.
void* operator new(std::size_t n) {
  if (void* p = malloc(n == 0 ? 1 : n)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t n) { return operator new(n); }
void operator delete(void* p) noexcept { free(p); }
void operator delete[](void* p) noexcept { free(p); }
void operator delete(void* p, std::size_t) noexcept { free(p); }
void operator delete[](void* p, std::size_t) noexcept { free(p); }

namespace lynx::test {
Counts counts_on_this_thread() { return {t_allocations, t_locks}; }
void reset_counts_on_this_thread() {
  t_allocations = 0;
  t_locks = 0;
}
}  // namespace lynx::test
