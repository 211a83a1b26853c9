// The demo: a small "order service" whose worker threads log structured records under load.
// It prints what the engine did; scripts/demo.sh then decodes the files with the lynx CLI.
//
//   service_demo --dir DIR [--threads N] [--records TOTAL]
#include <lynx/lynx.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

namespace {

enum class Status : std::uint8_t { ok, rejected, timeout };

const char* const kUsers[] = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};

void worker(int id, std::uint64_t records) {
  lynx::Logger& orders = lynx::logger("orders");
  lynx::Logger& risk = lynx::logger("risk");
  std::uint64_t seed = 0x9E3779B97F4A7C15ull * static_cast<std::uint64_t>(id + 1);
  for (std::uint64_t i = 0; i < records; ++i) {
    seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
    const std::uint64_t order = static_cast<std::uint64_t>(id) << 40 | i;
    const double amount = static_cast<double>(seed % 100000) / 100.0;
    const double latency_ms = static_cast<double>(seed % 2500) / 1000.0;
    switch (seed % 16) {
      case 0:
        LYNX_WARN(risk, "order {order} from {user} held for review: amount {amount:.2f} over limit",
                  order, kUsers[seed % 8], amount);
        break;
      case 1:
        LYNX_ERROR(orders, "order {order} failed: {status} after {ms:.3f} ms", order,
                   Status::timeout, latency_ms);
        break;
      default:
        LYNX_INFO(orders, "order {order} placed by {user} for {amount:.2f} in {ms:.3f} ms", order,
                  kUsers[seed % 8], amount, latency_ms);
    }
    LYNX_DEBUG(orders, "not written: debug is below the logger's level ({i})", i);
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "demo-logs";
  int threads = 4;
  std::uint64_t total = 4'000'000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--dir") == 0)
      dir = argv[i + 1];
    else if (std::strcmp(argv[i], "--threads") == 0)
      threads = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--records") == 0)
      total = std::strtoull(argv[i + 1], nullptr, 10);
    else {
      std::fprintf(stderr, "usage: service_demo [--dir DIR] [--threads N] [--records TOTAL]\n");
      return 2;
    }
  }
  if (threads < 1 || total == 0) {
    std::fprintf(stderr, "service_demo: --threads and --records must be positive\n");
    return 2;
  }

  lynx::Engine engine({.directory = dir, .name = "orders", .shards = 2});
  std::printf("== service_demo: %d threads logging %llu records to %s\n", threads,
              static_cast<unsigned long long>(total), dir.c_str());
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back(worker, t,
                      total / threads + (static_cast<std::uint64_t>(t) < total % threads));
  }
  for (auto& t : pool) t.join();
  const auto logged = std::chrono::steady_clock::now();
  engine.flush();
  const auto written = std::chrono::steady_clock::now();

  const lynx::Stats s = engine.stats();
  std::uint64_t on_disk = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) on_disk += e.file_size();
  const auto ms = [](auto d) { return std::chrono::duration<double, std::milli>(d).count(); };
  std::printf("records written   %llu (dropped %llu)\n",
              static_cast<unsigned long long>(s.records_written),
              static_cast<unsigned long long>(s.records_dropped));
  std::printf(
      "threads logged    %.1f ms; all on disk after %.1f ms (%.1f M records/s end to end)\n",
      ms(logged - start), ms(written - start),
      static_cast<double>(s.records_written) / ms(written - start) / 1000.0);
  std::printf("encoded bytes     %llu (%.1f per record)\n",
              static_cast<unsigned long long>(s.bytes_raw),
              static_cast<double>(s.bytes_raw) / static_cast<double>(s.records_written));
  std::printf("bytes on disk     %llu in %llu files (%.2f per record)\n",
              static_cast<unsigned long long>(on_disk),
              static_cast<unsigned long long>(s.files_opened),
              static_cast<double>(on_disk) / static_cast<double>(s.records_written));
  return 0;
}
