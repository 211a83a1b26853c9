// The five benchmark workloads, defined once for every logger (lynx, spdlog, fprintf, the empty
// timer-floor sink) so that they cannot drift apart. Each workload has
//   kName / kLabel  names in tables and JSON,
//   kFormat         the fmt-style template (lynx and spdlog),
//   kPrintf         the same line for the fprintf baseline,
//   State           per-thread data prepared outside the timed region (e.g. the 40-char string),
//   log(sink, i, state)  the one call that is timed.
// A sink provides `template <const char* Fmt, const char* Printf, class... A> void log(const
// A&...)`.
//
// Workload (a) is the line of the public throughput benchmarks: "Iteration: {} int: {} double: {}"
// with (i, i * 2, i / 2.0). Workload (e) is what a service logs per request: values that do not
// follow the counter, from a table made before anything is timed (service_data.hpp).
#pragma once

#include <cinttypes>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>

#include "bench/service_data.hpp"

namespace lynx::bench {

struct IntIntDouble {
  static constexpr std::string_view kName = "int_int_double";
  static constexpr std::string_view kLabel = "(a) int, int, double";
  static constexpr char kFormat[] = "Iteration: {} int: {} double: {}";
  static constexpr char kPrintf[] = "Iteration: %d int: %d double: %g\n";
  struct State {};
  template <class Sink>
  static void log(Sink& sink, std::uint64_t i, const State&) {
    sink.template log<kFormat, kPrintf>(static_cast<int>(i), static_cast<int>(i * 2),
                                        static_cast<double>(i) / 2);
  }
};

struct IntIntDoubleString {
  static constexpr std::string_view kName = "int_int_double_str40";
  static constexpr std::string_view kLabel = "(b) int, int, double, 40-char string";
  static constexpr char kFormat[] = "Iteration: {} int: {} double: {} str: {}";
  static constexpr char kPrintf[] = "Iteration: %d int: %d double: %g str: %s\n";
  struct State {
    std::string text = "Lorem ipsum dolor sit amet, consectetur ";
  };
  template <class Sink>
  static void log(Sink& sink, std::uint64_t i, const State& s) {
    sink.template log<kFormat, kPrintf>(static_cast<int>(i), static_cast<int>(i * 2),
                                        static_cast<double>(i) / 2, s.text);
  }
};

struct EightMixed {
  static constexpr std::string_view kName = "mixed8";
  static constexpr std::string_view kLabel = "(c) 8 mixed arguments";
  static constexpr char kFormat[] = "order {} qty {} px {} ratio {} ok {} side {} ref {} venue {}";
  static constexpr char kPrintf[] =
      "order %d qty %llu px %g ratio %g ok %d side %c ref %lld venue %s\n";
  struct State {
    const char* venue = "XNAS";
  };
  template <class Sink>
  static void log(Sink& sink, std::uint64_t i, const State& s) {
    sink.template log<kFormat, kPrintf>(static_cast<int>(i), static_cast<unsigned long long>(i * 7),
                                        static_cast<double>(i) * 0.25, static_cast<float>(i) * 0.5f,
                                        (i & 1) != 0, (i & 2) != 0 ? 'B' : 'S',
                                        -static_cast<long long>(i), s.venue);
  }
};

struct NoArgs {
  static constexpr std::string_view kName = "no_args";
  static constexpr std::string_view kLabel = "(d) no arguments";
  static constexpr char kFormat[] = "Static message without any argument";
  static constexpr char kPrintf[] = "Static message without any argument\n";
  struct State {};
  template <class Sink>
  static void log(Sink& sink, std::uint64_t, const State&) {
    sink.template log<kFormat, kPrintf>();
  }
};

// A request of a service: random 64-bit order id (uint64_t), user name (std::string_view), price
// on a random walk (double), latency (float, 3 decimals when rendered), a 5 to 30 byte note
// (std::string). Values are cycled through from ServiceTable, seeded, the same in every run.
struct Service {
  static constexpr std::string_view kName = "service";
  static constexpr std::string_view kLabel = "(e) service: id, user, price, latency, note";
  static constexpr char kFormat[] = "order {} user {} price {} latency {:.3f} ms note {}";
  static constexpr char kPrintf[] =
      "order %" PRIu64 " user %.*s price %g latency %.3f ms note %s\n";
  struct State {
    const ServiceTable* table = &ServiceTable::get();
  };
  template <class Sink>
  static void log(Sink& sink, std::uint64_t i, const State& s) {
    const ServiceRow& r = s.table->row(i);
    sink.template log<kFormat, kPrintf>(r.id, s.table->user(r.user), r.price, r.latency_ms,
                                        s.table->note(r.note));
  }
};

static_assert(std::string_view("Lorem ipsum dolor sit amet, consectetur ").size() == 40);

using AllWorkloads = std::tuple<IntIntDouble, IntIntDoubleString, EightMixed, NoArgs, Service>;

// Calls f(Workload{}) for each workload, in the order (a), (b), (c), (d), (e).
template <class F>
void for_each_workload(F&& f) {
  std::apply([&](auto... w) { (f(w), ...); }, AllWorkloads{});
}

}  // namespace lynx::bench
