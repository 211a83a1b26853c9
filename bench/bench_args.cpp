#include "bench/bench_args.hpp"

#include <algorithm>
#include <stdexcept>
#include <string_view>

namespace lynx::bench {

const char* const kUsage =
    "usage: lynx-bench MODE [options]\n"
    "modes:\n"
    "  latency      per-call latency (rdtsc), p50..max, lynx vs spdlog async vs fprintf\n"
    "  throughput   end-to-end records/s, backend CPU per million records, bytes per record\n"
    "  compression  on-disk size vs text and raw records, zstd levels -5/1/3, backend CPU\n"
    "  memory       resident memory with 1, 16 and 256 producer threads\n"
    "  io           write MB/s and records/s: io_uring vs pwritev, 1/2/4 shards, each sync policy\n"
    "  all          all five\n"
    "options:\n"
    "  --quick           small runs that finish in seconds\n"
    "  --json FILE       also write the results as JSON\n"
    "  --reps N          repetitions (the median is reported)\n"
    "  --records N       records per throughput/compression/io run (default 4000000 / 1000000 / "
    "2000000)\n"
    "  --threads LIST    producer counts (latency; throughput: 1 and/or 4, io: 1, 2 and/or 4; "
    "shards = threads),\n"
    "                    thread counts (memory); e.g. 1,2\n"
    "  --iterations N    latency: batches of 20 calls per thread (default 10000)\n"
    "  --pause-us N      latency: busy pause between batches (default 200)\n"
    "  --warmup N        latency: untimed calls per thread first (default 20)\n"
    "  --no-pin          latency: do not pin producer threads to CPUs\n"
    "  --lynx-cli PATH   compression: the lynx CLI used to render text\n"
    "  --workload LIST   only these workloads: int_int_double, int_int_double_str40, mixed8, "
    "no_args,\n"
    "                    service\n"
    "  --logger LIST     only these loggers: lynx, spdlog, fprintf (throughput: lynx zstd = "
    "lynx-zstd,\n"
    "                    lynx none = lynx-none); other tables may then show '-'\n"
    "  --rotate-mib N    io: Options::rotate_bytes in MiB (default 16)\n";

namespace {

std::uint64_t to_u64(std::string_view flag, const std::string& v) {
  std::size_t used = 0;
  std::uint64_t n = 0;
  try {
    n = std::stoull(v, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != v.size() || v.empty())
    throw std::invalid_argument(std::string(flag) + ": not a number: " + v);
  return n;
}

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    out.push_back(list.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

}  // namespace

bool selected(const std::vector<std::string>& list, std::string_view name) {
  if (list.empty()) return true;
  for (const std::string& s : list) {
    if (s == name) return true;
    // "lynx-zstd" on the command line names the table's "lynx zstd".
    if (s.size() == name.size() && s.find('-') != std::string::npos) {
      std::string t = s;
      std::replace(t.begin(), t.end(), '-', ' ');
      if (t == name) return true;
    }
  }
  return false;
}

BenchArgs parse_args(int argc, char** argv) {
  BenchArgs a;
  if (argc < 2) throw std::invalid_argument("no mode given");
  a.mode = argv[1];
  for (int i = 2; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) throw std::invalid_argument(std::string(arg) + " needs a value");
      return argv[++i];
    };
    if (arg == "--quick")
      a.quick = true;
    else if (arg == "--no-pin")
      a.pin = false;
    else if (arg == "--json")
      a.json = value();
    else if (arg == "--reps")
      a.reps = static_cast<unsigned>(to_u64(arg, value()));
    else if (arg == "--records")
      a.records = to_u64(arg, value());
    else if (arg == "--iterations")
      a.iterations = to_u64(arg, value());
    else if (arg == "--pause-us")
      a.pause_us = static_cast<double>(to_u64(arg, value()));
    else if (arg == "--warmup")
      a.warmup = to_u64(arg, value());
    else if (arg == "--lynx-cli")
      a.lynx_cli = value();
    else if (arg == "--rotate-mib")
      a.rotate_mib = to_u64(arg, value());
    else if (arg == "--workload")
      a.workloads = split(value());
    else if (arg == "--logger")
      a.loggers = split(value());
    else if (arg == "--threads") {
      for (const std::string& n : split(value())) {
        const auto count = to_u64(arg, n);
        if (count == 0) throw std::invalid_argument("--threads: counts start at 1");
        a.threads.push_back(static_cast<unsigned>(count));
      }
    } else if (!arg.empty() && arg[0] != '-') {
      a.rest.emplace_back(arg);
    } else {
      throw std::invalid_argument("unknown option " + std::string(arg));
    }
  }
  return a;
}

}  // namespace lynx::bench
