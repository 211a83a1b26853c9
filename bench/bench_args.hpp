// Command line of lynx-bench:
//   lynx-bench MODE [--quick] [--json FILE] [--reps N] [--records N] [--threads 1,2,...]
//                   [--iterations N] [--pause-us N] [--warmup N] [--no-pin] [--lynx-cli PATH]
//                   [--workload NAME,...] [--logger NAME,...] [--rotate-mib N]
// MODE: latency | throughput | compression | memory | io | all. Zero/empty values mean "the mode's
// default" (see each mode); --quick picks small defaults so a run takes seconds.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lynx::bench {

struct BenchArgs {
  std::string mode;
  bool quick = false;
  std::string json;                    // write results here too
  unsigned reps = 0;                   // repetitions; medians are reported
  std::uint64_t records = 0;           // throughput / compression: records per run
  std::vector<unsigned> threads;       // latency: producer counts; memory: thread counts
  std::uint64_t iterations = 0;        // latency: batches per thread
  double pause_us = -1;                // latency: pause between batches
  std::uint64_t warmup = 0;            // latency: untimed calls per thread before measuring
  bool pin = true;                     // latency: pin producer threads to CPUs
  std::string lynx_cli;                // compression: the `lynx` CLI that renders text
  std::vector<std::string> workloads;  // only these workloads (kName); empty: all
  std::vector<std::string> loggers;    // only these loggers (as named in the tables); empty: all
  std::uint64_t rotate_mib = 0;        // io: Options::rotate_bytes in MiB
  std::vector<std::string> rest;       // internal modes' arguments
};

extern const char* const kUsage;

// True when `list` is empty (no filter) or names `name`.
bool selected(const std::vector<std::string>& list, std::string_view name);

// Throws std::invalid_argument (with a message) on a bad command line.
BenchArgs parse_args(int argc, char** argv);

}  // namespace lynx::bench
