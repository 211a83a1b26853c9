// `lynx-bench memory`: resident memory (VmRSS) that lynx costs per producer thread.
//
// Each thread count runs in a fresh process (`lynx-bench memory-child N`, started by this mode), so
// no measurement sees memory an earlier one left behind. The child reads VmRSS:
//   start    before the engine starts;
//   engine   after Engine starts (backend thread, I/O buffer pool, first files);
//   idle     after N threads started and wait, before any logs: thread stacks, no lynx yet;
//   little   after each thread logged 100 records of workload (a) (its ring registered, a few
//            pages of it touched) and flush() returned;
//   wrapped  after each thread logged twice its ring's capacity (every page of the ring touched:
//            the steady state of a busy thread) and flush() returned.
// The threads are still alive at every reading. lynx's cost per thread is (little - idle) / N and
// (wrapped - idle) / N. A thread's first ring has Options::initial_buffer_bytes and grows, as it
// fills, up to Options::buffer_bytes, which bounds the second figure.
#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "bench/modes.hpp"
#include "bench/sinks.hpp"
#include "bench/sys_probe.hpp"
#include "bench/workloads.hpp"

namespace lynx::bench {

namespace {

struct Readings {
  long long start = 0, engine = 0, idle = 0, little = 0, wrapped = 0;
};

}  // namespace

int run_memory_child(const BenchArgs& args) {
  if (args.rest.size() != 1) return 2;
  const unsigned threads = static_cast<unsigned>(std::stoul(args.rest[0]));
  ScratchDir scratch("memory");
  Readings r;
  r.start = resident_kib();
  const std::size_t ring_bytes = lynx::Options{}.buffer_bytes;
  {
    LynxSession session(lynx::Options{.directory = scratch.path().string(), .name = "bench"});
    r.engine = resident_kib();
    std::atomic<int> phase{0};
    std::atomic<unsigned> done{0};
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back([&, t] {
        auto sink = session.sink();
        IntIntDouble::State state;
        std::uint64_t i = std::uint64_t{t} << 40;
        done.fetch_add(1);
        phase.wait(0);
        for (int k = 0; k < 100; ++k) IntIntDouble::log(sink, i++, state);
        done.fetch_add(1);
        phase.wait(1);
        // A record of workload (a) takes 40 ring bytes: this writes every byte of the ring twice.
        for (std::size_t k = 0; k < 2 * ring_bytes / 40; ++k) IntIntDouble::log(sink, i++, state);
        done.fetch_add(1);
        phase.wait(2);
      });
    }
    auto wait_for = [&](unsigned count) {
      while (done.load() < count) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    };
    auto release = [&](int next) {
      phase.store(next);
      phase.notify_all();
    };
    wait_for(threads);
    r.idle = resident_kib();
    release(1);
    wait_for(2 * threads);
    session.finish();
    r.little = resident_kib();
    release(2);
    wait_for(3 * threads);
    session.finish();
    r.wrapped = resident_kib();
    release(3);
    for (auto& th : pool) th.join();
  }
  std::printf("%lld %lld %lld %lld %lld %zu\n", r.start, r.engine, r.idle, r.little, r.wrapped,
              ring_bytes);
  return 0;
}

int run_memory(const BenchArgs& args, Report& report) {
  std::vector<unsigned> counts = args.threads;
  if (counts.empty())
    counts = args.quick ? std::vector<unsigned>{1, 16} : std::vector<unsigned>{1, 16, 256};
  std::printf("\nmemory: VmRSS with 1..%u producer threads, each count in its own process\n",
              counts.back());
  Table t("memory", "Resident memory (VmRSS, MiB) by producer threads; default ring",
          {"threads", "start", "engine", "idle threads", "after 100 rec/thread", "rings wrapped",
           "lynx KiB/thread (100 rec)", "lynx KiB/thread (wrapped)", "ring KiB"});
  int status = 0;
  for (const unsigned n : counts) {
    std::string cmd = "'";  // appended piecewise: GCC 12 -O3 warns (-Wrestrict) on a + chain
    cmd.append(std::filesystem::read_symlink("/proc/self/exe").string());
    cmd.append("' memory-child ");
    cmd.append(std::to_string(n));
    std::FILE* p = popen(cmd.c_str(), "r");
    Readings r;
    std::size_t ring = 0;
    const bool ok =
        p != nullptr && std::fscanf(p, "%lld %lld %lld %lld %lld %zu", &r.start, &r.engine, &r.idle,
                                    &r.little, &r.wrapped, &ring) == 6;
    if (p == nullptr || pclose(p) != 0 || !ok) {
      std::fprintf(stderr, "lynx-bench: memory measurement with %u threads failed\n", n);
      status = 1;
      continue;
    }
    auto mib = [](long long kib) { return Cell::num(static_cast<double>(kib) / 1024.0, 1); };
    t.add_row({Cell::num(n, 0), mib(r.start), mib(r.engine), mib(r.idle), mib(r.little),
               mib(r.wrapped), Cell::num(static_cast<double>(r.little - r.idle) / n, 0),
               Cell::num(static_cast<double>(r.wrapped - r.idle) / n, 0),
               Cell::num(static_cast<double>(ring) / 1024, 0)});
  }
  t.add_note(
      "idle threads: N threads started and waiting, no log call yet (their stacks); per-thread "
      "figures subtract it");
  t.add_note("rings start at Options::initial_buffer_bytes (" +
             std::to_string(lynx::Options{}.initial_buffer_bytes / 1024) +
             " KiB) and grow up to buffer_bytes (ring KiB) in threads that fill them");
  report.add(std::move(t));
  return status;
}

}  // namespace lynx::bench
