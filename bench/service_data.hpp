// The values of the service workload (workloads.hpp, `Service`): one table of 65,536 requests made
// once per process from a fixed seed, before anything is timed, and read in turn by every log
// call, so that the benchmarks measure the logger and never the generator.
//
// What a row holds, and why (the information content per record, what no encoding can go below):
//   id          uniformly random 64-bit order id                              64 bits
//   price       random walk in cents from 100.00: each step -4..+4 cents,     3.2 bits
//               as `cents / 100.0` (so "{}" prints 101.37, not 101.37000000000001)
//   user        one of 1000 names (first name + "." + surname, 5 to 12 bytes),  10 bits
//               uniform
//   latency_ms  float, log-normal (median 0.8 ms, sigma 0.7) at ns resolution,  ~21 bits
//               what `duration<float, std::milli>` of a steady_clock span gives
//   note        one of 20 phrases of 5 to 30 bytes, Zipf-distributed           ~3.6 bits
// About 102 bits = 12.7 bytes per record before the timestamp; the random id alone is 8 bytes.
//
// The table is 1.5 MiB (24 bytes a row), read sequentially: a log call loads one row from a
// prefetched stream. Its period (65,536 records, more than 1 MiB of encoded records) is longer than
// any block or zstd window of the files, so that cycling through it does not flatter compression.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace lynx::bench {

struct ServiceRow {
  std::uint64_t id;
  double price;
  float latency_ms;
  std::uint16_t user;
  std::uint8_t note;
};

class ServiceTable {
 public:
  static constexpr std::size_t kRows = std::size_t{1} << 16;
  static constexpr std::size_t kUsers = 1000;
  static constexpr std::array<std::string_view, 20> kNotes = {
      "filled",
      "accepted",
      "partially filled",
      "routed to XNAS",
      "price improved",
      "cancelled by user",
      "queued behind 3 orders",
      "retry after timeout",
      "rejected: risk limit",
      "awaiting confirmation",
      "stale quote refreshed",
      "throttled",
      "duplicate request ignored",
      "manual review",
      "settled T+2",
      "margin call pending review",
      "fx conversion applied EURUSD",
      "fallback pricing source used",
      "cache miss",
      "expired",
  };

  // The one table of the process; made on first use (thread-safe), never freed.
  static const ServiceTable& get() {
    static const ServiceTable table;
    return table;
  }

  // Row for record counter `i` of workloads.hpp (thread t counts from t << 40): each thread starts
  // at its own place in the table, so threads log different rows.
  const ServiceRow& row(std::uint64_t i) const {
    return rows_[(i + (i >> 40) * 7919) & (kRows - 1)];
  }
  std::string_view user(std::uint16_t u) const { return users_[u]; }
  const std::string& note(std::uint8_t n) const { return notes_[n]; }

 private:
  ServiceTable() {
    static constexpr std::array<std::string_view, 40> kFirst = {
        "ada",   "alice", "amir", "ana",   "ben",   "carla", "chen",  "dana", "dev",   "elif",
        "emma",  "femi",  "gita", "hana",  "ivan",  "jack",  "jonas", "kai",  "kenji", "lars",
        "lea",   "li",    "luca", "maria", "mateo", "mia",   "nora",  "olga", "omar",  "paul",
        "priya", "raj",   "rosa", "sam",   "sara",  "tom",   "uma",   "vera", "wei",   "zoe"};
    static constexpr std::array<std::string_view, 25> kLast = {
        "adams", "baker",  "costa", "diaz",  "evans", "fujii",  "garcia", "hall",  "ito",
        "jones", "khan",   "lee",   "moore", "ng",    "okafor", "park",   "quinn", "rossi",
        "silva", "tanaka", "ueda",  "vogel", "wang",  "xu",     "young"};
    static_assert(kFirst.size() * kLast.size() == kUsers);
    users_.reserve(kUsers);
    for (std::size_t u = 0; u < kUsers; ++u) {
      users_.push_back(std::string(kFirst[u % kFirst.size()]) + "." +
                       std::string(kLast[u / kFirst.size()]));
    }
    for (const std::string_view n : kNotes) notes_.emplace_back(n);

    // Zipf weights 1/(k+1) over the notes, as a cumulative table for inversion.
    std::array<double, kNotes.size()> cumulative{};
    double sum = 0;
    for (std::size_t k = 0; k < kNotes.size(); ++k) cumulative[k] = sum += 1.0 / double(k + 1);

    std::uint64_t state = 0x5E41'11CE'0F00'D5EDull;  // fixed: every run logs the same values
    auto next = [&state] {                           // splitmix64
      std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
      return z ^ (z >> 31);
    };
    auto uniform = [&] { return double(next() >> 11) * 0x1.0p-53; };  // [0, 1)

    rows_.resize(kRows);
    std::int64_t cents = 10'000;
    for (ServiceRow& r : rows_) {
      r.id = next();
      cents += static_cast<std::int64_t>(next() % 9) - 4;
      if (cents < 100) cents = 200 - cents;  // reflect at 1.00
      r.price = static_cast<double>(cents) / 100.0;
      r.user = static_cast<std::uint16_t>(next() % kUsers);
      // Box-Muller: a standard normal from two uniforms (1 - u keeps the log finite).
      const double normal =
          std::sqrt(-2.0 * std::log(1.0 - uniform())) * std::cos(6.283185307179586 * uniform());
      const double ns = std::round(std::exp(std::log(800'000.0) + 0.7 * normal));
      r.latency_ms = static_cast<float>(ns) / 1e6f;
      const double pick = uniform() * sum;
      std::size_t k = 0;
      while (k + 1 < kNotes.size() && cumulative[k] <= pick) ++k;
      r.note = static_cast<std::uint8_t>(k);
    }
  }

  std::vector<ServiceRow> rows_;
  std::vector<std::string> users_;
  std::vector<std::string> notes_;
};

static_assert(sizeof(ServiceRow) == 24);
static_assert([] {
  for (const std::string_view n : ServiceTable::kNotes) {
    if (n.size() < 5 || n.size() > 30) return false;
  }
  return true;
}());

}  // namespace lynx::bench
