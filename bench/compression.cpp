// `lynx-bench compression`: how small the files are, and what the compression costs.
//
// For each workload, one producer logs N records (default 1,000,000) with compression off and
// with zstd at levels -5, 1 (the default) and 3 (Options::compression_level). Reported per record:
// bytes on disk (every file byte: headers, metadata and data blocks), raw bytes (Stats::bytes_raw,
// the compact record encoding before compression) and the bytes of the same records rendered as
// text by the lynx CLI (`lynx cat --format text`, what a text logger would have written); the
// ratios text/disk and raw/disk; the backend's CPU seconds per million records; end-to-end rate.
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "bench/end_to_end.hpp"
#include "bench/modes.hpp"
#include "bench/sinks.hpp"
#include "bench/sys_probe.hpp"
#include "bench/workloads.hpp"

#ifndef LYNX_BENCH_CLI
#define LYNX_BENCH_CLI "lynx"
#endif

namespace lynx::bench {

namespace {

struct Setting {
  const char* label;
  lynx::Compression compression;
  int level;
  bool dictionary;  // Options::zstd_dictionary trained by `lynx train` on an earlier run
};
constexpr Setting kSettings[] = {{"none", lynx::Compression::none, 0, false},
                                 {"zstd -5", lynx::Compression::zstd, -5, false},
                                 {"zstd 1", lynx::Compression::zstd, 1, false},
                                 {"zstd 3", lynx::Compression::zstd, 3, false},
                                 {"zstd 1 + dict", lynx::Compression::zstd, 1, true}};

// Values of the training run: different numbers from the measured runs (which start at 0), same
// statements, as when a dictionary is trained on yesterday's logs of the same program.
constexpr std::uint64_t kTrainingBase = 1'000'000'007;

struct Run {
  EndToEnd e2e;
  std::uint64_t bytes_raw = 0;
};

// Bytes that `lynx cat --format text DIR` prints, or -1 when it fails.
double text_bytes(const std::string& cli, const std::filesystem::path& dir) {
  const std::string cmd = "'" + cli + "' cat --format text '" + dir.string() + "'";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return -1;
  char buf[1 << 16];
  double total = 0;
  for (std::size_t n; (n = std::fread(buf, 1, sizeof buf, p)) > 0;) total += static_cast<double>(n);
  return pclose(p) == 0 ? total : -1;
}

// Trains a dictionary with `lynx train` from the files in `dir`; returns the CLI's result line
// (id and size), or an empty string when training failed or the CLI has no `train`.
std::string train_dictionary(const std::string& cli, const std::filesystem::path& dir,
                             const std::filesystem::path& output) {
  const std::string cmd =
      "'" + cli + "' train -o '" + output.string() + "' '" + dir.string() + "' 2>&1";
  std::FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {};
  std::string line;
  char buf[512];
  while (std::fgets(buf, sizeof buf, p) != nullptr) line += buf;
  if (pclose(p) != 0) {
    std::fprintf(stderr, "lynx-bench: `lynx train` failed: %s", line.c_str());
    return {};
  }
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return line;
}

// A dictionary for workload W, trained on a run of its own (values from kTrainingBase).
template <class W>
std::string make_dictionary(const std::string& cli, ScratchDir& scratch, std::uint64_t records,
                            const std::filesystem::path& output, std::string* note) {
  const auto dir = scratch.fresh("train");
  {
    LynxSession session(lynx::Options{.directory = dir.string(), .name = "bench"});
    run_end_to_end<W>(session, 1, records, kTrainingBase);
  }
  *note = train_dictionary(cli, dir, output);
  std::filesystem::remove_all(dir);
  return note->empty() ? std::string() : output.string();
}

}  // namespace

int run_compression(const BenchArgs& args, Report& report) {
  const std::uint64_t records =
      args.records != 0 ? args.records : (args.quick ? 100'000 : 1'000'000);
  const unsigned reps = args.reps != 0 ? args.reps : (args.quick ? 1 : 3);
  const std::string cli = args.lynx_cli.empty() ? LYNX_BENCH_CLI : args.lynx_cli;
  ScratchDir scratch("compression");
  std::printf(
      "\ncompression: %u repetitions of %llu records per setting, 1 producer; text rendered by "
      "%s\n",
      reps, static_cast<unsigned long long>(records), cli.c_str());

  std::map<std::pair<std::string, std::string>, std::vector<Run>> runs;
  std::map<std::string, double> text;
  std::map<std::string, std::string> dictionaries, dictionary_notes;  // by workload; "" = none
  int status = 0;
  for (unsigned rep = 0; rep < reps; ++rep) {
    std::printf("  repetition %u/%u...\n", rep + 1, reps);
    std::fflush(stdout);
    for_each_workload([&](auto w) {
      using W = decltype(w);
      const std::string name(W::kName);
      if (!selected(args.workloads, name)) return;
      for (const Setting& s : kSettings) {
        if (s.dictionary && rep == 0) {
          dictionaries[name] = make_dictionary<W>(
              cli, scratch, records, scratch.path() / (name + ".dict"), &dictionary_notes[name]);
        }
        if (s.dictionary && dictionaries[name].empty()) continue;  // no `lynx train`: no row
        const auto dir = scratch.fresh("lynx");
        Run run;
        {
          LynxSession session(
              lynx::Options{.directory = dir.string(),
                            .name = "bench",
                            .compression = s.compression,
                            .compression_level = s.level,
                            .zstd_dictionary = s.dictionary ? dictionaries[name] : std::string()});
          run.e2e = run_end_to_end<W>(session, 1, records);
          run.bytes_raw = session.stats().bytes_raw;
        }
        run.e2e.disk_bytes = directory_bytes(dir);  // after the engine closed its files
        if (rep == 0 && s.compression == lynx::Compression::none) {
          text[name] = text_bytes(cli, dir);
          if (text[name] < 0) {
            std::fprintf(stderr, "lynx-bench: `%s cat` failed on %s\n", cli.c_str(), dir.c_str());
            status = 1;
          }
        }
        runs[{name, s.label}].push_back(run);
        std::filesystem::remove_all(dir);
      }
    });
  }

  Table t("compression",
          "Compression, " + std::to_string(records) + " records of one producer (median of " +
              std::to_string(reps) + " runs)",
          {"workload", "compression", "disk B/rec", "raw B/rec", "text B/rec", "text/disk",
           "raw/disk", "backend CPU s/M", "M records/s"});
  for_each_workload([&](auto w) {
    const std::string name(decltype(w)::kName);
    for (const Setting& s : kSettings) {
      const auto& rs = runs[{name, s.label}];
      if (rs.empty()) continue;  // filtered out
      std::vector<EndToEnd> e2e;
      std::vector<double> raw;
      for (const Run& r : rs) {
        e2e.push_back(r.e2e);
        raw.push_back(static_cast<double>(r.bytes_raw));
      }
      const EndToEnd m = median(e2e);
      const double n = static_cast<double>(m.records);
      const double disk = static_cast<double>(m.disk_bytes) / n, raw_b = median(raw) / n;
      const double text_b = text[name] / n;
      t.add_row({Cell::str(name), Cell::str(s.label), Cell::num(disk, 2), Cell::num(raw_b, 2),
                 text[name] > 0 ? Cell::num(text_b, 1) : Cell::none(),
                 text[name] > 0 ? Cell::num(text_b / disk, 1) : Cell::none(),
                 Cell::num(raw_b / disk, 2), Cell::num(m.per_million(m.backend_cpu_s), 3),
                 Cell::num(m.records_per_s() / 1e6, 2)});
    }
  });
  t.add_note(
      "raw = Stats::bytes_raw (records re-encoded compactly, before compression); text = `lynx cat "
      "--format text`");
  t.add_note(
      "zstd 1 + dict: Options::zstd_dictionary from `lynx train` on an earlier run of the same "
      "statements "
      "with other values; the dictionary is embedded in every file and counted in disk B/rec");
  for (const auto& [w, n] : dictionary_notes) {
    t.add_note(w + ": " +
               (n.empty() ? std::string("no dictionary (`lynx train` unavailable or failed)") : n));
  }
  report.add(std::move(t));
  return status;
}

}  // namespace lynx::bench
