// lynx-soak: logs for a long time from threads that come and go, then decodes every file and
// checks that records logged = records decoded + records counted as dropped. Prints records and
// RSS over time (docs/reliability.md, "Soak and memcheck"). Exit 0: everything accounted for;
// 1: a mismatch or a damaged file; 2: bad arguments.
//
//   lynx-soak [--seconds N] [--threads T] [--dir D] [--report-every S] [--drop]
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "format/reader.hpp"

namespace {

struct Args {
  double seconds = 10;
  unsigned threads = 4;
  std::string dir;
  double report_every = 1;
  bool drop = false;
};

bool parse(int argc, char** argv, Args& a) {
  for (int i = 1; i < argc; ++i) {
    const std::string k = argv[i];
    auto value = [&]() -> const char* { return i + 1 < argc ? argv[++i] : nullptr; };
    const char* v = nullptr;
    if (k == "--drop") {
      a.drop = true;
    } else if ((k == "--seconds" || k == "--threads" || k == "--dir" || k == "--report-every") &&
               (v = value()) != nullptr) {
      char* end = nullptr;
      if (k == "--dir") {
        a.dir = v;
        continue;
      }
      const double d = std::strtod(v, &end);
      if (end == v || *end != '\0' || d <= 0 || d > 1e7) {
        std::fprintf(stderr, "lynx-soak: %s wants a positive number, got '%s'\n", k.c_str(), v);
        return false;
      }
      if (k == "--seconds") a.seconds = d;
      if (k == "--threads") a.threads = static_cast<unsigned>(d < 256 ? d : 256);
      if (k == "--report-every") a.report_every = d;
    } else {
      std::fprintf(stderr,
                   "usage: lynx-soak [--seconds N] [--threads T] [--dir D] [--report-every S] "
                   "[--drop]\n");
      return false;
    }
  }
  return true;
}

std::uint64_t rss_kib() {
  long pages = 0, resident = 0;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<std::uint64_t>(resident) * static_cast<std::uint64_t>(::getpagesize()) / 1024;
}

// One worker's life: a burst of records of mixed types and sizes, then it exits (churn).
void worker(lynx::Logger& log, unsigned id, std::uint64_t count, std::atomic<std::uint64_t>& out) {
  std::string text;
  std::uint64_t logged = 0;
  for (std::uint64_t i = 0; i < count; ++i) {
    logged += i % 4 != 1;
    switch (i % 4) {
      case 0: LYNX_INFO(log, "soak {id} {i}", id, i); break;
      case 1: LYNX_DEBUG(log, "soak debug {i}", i); break;  // below the level: not logged
      case 2: LYNX_WARN(log, "soak {id} {i} {x}", id, i, static_cast<double>(i) * 0.5); break;
      default:
        text.assign(8 + (i * 7919) % 500, static_cast<char>('a' + i % 26));
        LYNX_ERROR(log, "soak {id} {i} {s}", id, i, text);
    }
  }
  out.fetch_add(logged, std::memory_order_relaxed);
}

struct Decoded {
  std::uint64_t user = 0, notices = 0, dropped = 0, problems = 0;
};

Decoded decode(const std::string& dir) {
  Decoded d;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() != ".lynx") continue;
    lynx::format::FileReader reader(e.path().string());
    if (!reader.open().ok()) {
      ++d.problems;
      continue;
    }
    const auto sum = reader.read(
        [&](const lynx::format::Record& r) {
          if (r.site->logger != "lynx") {
            ++d.user;
          } else if (r.site->format.starts_with("{count} record") && !r.args.empty()) {
            ++d.notices;
            d.dropped += r.args[0].u;
          }
        },
        [&](const lynx::format::Problem& p) {
          std::fprintf(stderr, "lynx-soak: %s @%llu: %s\n", e.path().c_str(),
                       static_cast<unsigned long long>(p.offset), p.message.c_str());
        });
    d.problems += sum.problems;
  }
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  Args a;
  if (!parse(argc, argv, a)) return 2;
  bool own_dir = false;
  if (a.dir.empty()) {
    char tmpl[] = "/tmp/lynx-soak-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) {
      std::perror("lynx-soak: mkdtemp");
      return 1;
    }
    a.dir = tmpl;
    own_dir = true;
  }
  const std::uint64_t dropped_before = lynx::dropped_without_engine();
  std::atomic<std::uint64_t> logged{0};
  std::uint64_t peak_rss = 0, first_rss = 0;
  {
    lynx::Engine engine(
        lynx::Options{.directory = a.dir,
                      .name = "soak",
                      .shards = 2,
                      .rotate_bytes = 8u << 20,
                      .keep_files = 0,
                      .on_full = a.drop ? lynx::OnFull::drop : lynx::OnFull::block});
    lynx::Logger& log = lynx::logger("soak");
    using clock = std::chrono::steady_clock;
    const auto start = clock::now();
    const auto end = start + std::chrono::duration<double>(a.seconds);
    auto next_report = start;
    std::printf("%10s %14s %14s %12s %10s\n", "seconds", "logged", "written", "dropped", "rss_kib");
    unsigned generation = 0;
    while (clock::now() < end) {
      std::vector<std::thread> threads;
      for (unsigned t = 0; t < a.threads; ++t)
        threads.emplace_back(worker, std::ref(log), generation * a.threads + t, 20'000,
                             std::ref(logged));
      for (auto& t : threads) t.join();
      ++generation;
      if (generation % 16 == 0) engine.flush();
      if (clock::now() >= next_report) {
        next_report += std::chrono::duration_cast<clock::duration>(
            std::chrono::duration<double>(a.report_every));
        const lynx::Stats s = engine.stats();
        const std::uint64_t rss = rss_kib();
        if (first_rss == 0) first_rss = rss;
        peak_rss = std::max(peak_rss, rss);
        std::printf("%10.1f %14llu %14llu %12llu %10llu\n",
                    std::chrono::duration<double>(clock::now() - start).count(),
                    static_cast<unsigned long long>(logged.load()),
                    static_cast<unsigned long long>(s.records_written),
                    static_cast<unsigned long long>(s.records_dropped),
                    static_cast<unsigned long long>(rss));
        std::fflush(stdout);
      }
    }
  }
  const Decoded d = decode(a.dir);
  const std::uint64_t without_engine = lynx::dropped_without_engine() - dropped_before;
  const bool ok = d.problems == 0 && d.user + d.dropped + without_engine == logged.load();
  std::printf(
      "logged %llu, decoded %llu, dropped %llu (in %llu notices), without engine %llu, damaged "
      "%llu; rss first %llu KiB, peak %llu KiB: %s\n",
      static_cast<unsigned long long>(logged.load()), static_cast<unsigned long long>(d.user),
      static_cast<unsigned long long>(d.dropped), static_cast<unsigned long long>(d.notices),
      static_cast<unsigned long long>(without_engine), static_cast<unsigned long long>(d.problems),
      static_cast<unsigned long long>(first_rss), static_cast<unsigned long long>(peak_rss),
      ok ? "ok" : "MISMATCH");
  if (own_dir) std::filesystem::remove_all(a.dir);
  return ok ? 0 : 1;
}
