#include "tools/ship_command.hpp"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "format/ship_checkpoint.hpp"
#include "tools/follow.hpp"
#include "tools/log_source.hpp"
#include "tools/ship_dedup.hpp"
#include "tools/ship_http.hpp"
#include "tools/ship_source.hpp"
#include "tools/ship_table.hpp"

namespace lynx::tools {

namespace {

constexpr std::size_t kMaxShipBatchBytes = 32u << 20;
constexpr auto kFirstBackoff = std::chrono::milliseconds(100);
constexpr auto kMaxBackoff = std::chrono::milliseconds(5000);
constexpr std::size_t kMinInsertBlockRows = 1'048'576;  // ClickHouse's default

std::atomic<bool> g_stop{false};

void on_signal(int) { g_stop.store(true); }

void install_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

// Sleeps `d`, waking early when a signal asked to stop.
void nap(std::chrono::milliseconds d) {
  const auto until = std::chrono::steady_clock::now() + d;
  while (!g_stop.load() && std::chrono::steady_clock::now() < until)
    std::this_thread::sleep_for(std::min(d, std::chrono::milliseconds(20)));
}

bool valid_name(const std::string& s) {
  if (s.empty()) return false;
  for (const char c : s) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') return false;
  }
  return true;
}

std::string default_host() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "localhost";
  return name;
}

// Repeats `step` with backoff while the server cannot be reached or is busy; ok, or the error
// that ends the run.
template <typename Step>
Status retrying(Step step, Diagnostics& diag) {
  auto backoff = kFirstBackoff;
  for (;;) {
    const Status s = step();
    if (s.ok() || s.code() != Status::Code::unavailable || g_stop.load()) return s;
    diag.note(s.message() + "; retrying in " + std::to_string(backoff.count()) + " ms");
    nap(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

// Inserts the batch, exactly once (tools/ship_dedup.hpp): first without the rows the table is
// known to hold; after a failed attempt, which the server may have applied in whole or in part,
// without the rows it holds by then. *sent / *dropped count the rows inserted / found there.
Status insert(HttpClient& http, ShipDedup& dedup, const std::string& sql, fmt::memory_buffer* rows,
              std::vector<ShipRow>* ids, Diagnostics& diag, std::uint64_t* sent,
              std::uint64_t* dropped) {
  if (Status s = retrying([&] { return dedup.drop_known(rows, ids, dropped); }, diag); !s.ok())
    return s;
  bool uncertain = false;
  return retrying(
      [&]() -> Status {
        if (uncertain) {
          if (Status s = dedup.wait_quiet(); !s.ok()) return s;
          if (Status s = dedup.drop_held(rows, ids, dropped); !s.ok()) return s;
        }
        if (ids->empty()) return Status();  // every row is there already
        // insert_distributed_sync: through a Distributed table, the answer comes once the shards
        // have the rows (not once the initiator queued them), so the checkpoint follows the data.
        // max_insert_block_size above the batch: the server parses it into one block, written
        // as one part per day partition.
        const std::string params = fmt::format(
            "insert_distributed_sync=1&max_insert_block_size={}&query_id={}",
            std::max<std::size_t>(kMinInsertBlockRows, ids->size() + 1), dedup.next_query_id());
        std::string answer;
        uncertain = true;  // until the server says otherwise
        const Status s = http.post(sql, params, {rows->data(), rows->size()}, &answer);
        if (s.ok()) *sent += ids->size();
        return s;
      },
      diag);
}

// Drops the entries of files that are done and gone (deleted by retention).
void prune(format::ShipCheckpoint* c, const std::string& directory) {
  std::erase_if(*c, [&](const auto& e) {
    std::error_code ec;
    return e.second.done && !std::filesystem::exists(directory + "/" + e.first, ec);
  });
}

}  // namespace

CLI::App* add_ship_command(CLI::App& app, ShipOptions& options) {
  CLI::App* ship = app.add_subcommand(
      "ship", "Insert a live log directory's records into ClickHouse, exactly once");
  ship->add_option("--clickhouse", options.url,
                   "ClickHouse HTTP interface, e.g. http://127.0.0.1:8123/");
  ship->add_option("--table", options.table, "The table (database.table or table)")->required();
  ship->add_option("--cluster", options.cluster,
                   "With --print-schema: local tables on the cluster plus a Distributed table");
  ship->add_flag("--print-schema", options.print_schema, "Print the CREATE TABLE statements");
  ship->add_flag("--create", options.create, "Create the table first when it does not exist");
  ship->add_flag("--once", options.once, "Ship what is there now, then exit");
  ship->add_option("--checkpoint", options.checkpoint,
                   "Checkpoint file (default DIR/.lynx-ship.checkpoint)");
  ship->add_option("--host", options.host, "The host column (default: this machine's name)");
  ship->add_option("--batch-rows", options.batch_rows, "Rows per INSERT (about)")
      ->check(CLI::Range(1, 10'000'000))
      ->default_str("20000");
  ship->add_option("--compress", options.compress, "Request bodies: gzip (level 1) or none")
      ->check(CLI::IsMember({"gzip", "none"}))
      ->default_str("gzip");
  ship->add_flag("--stats", options.stats, "At the end, print records and bytes sent to stderr");
  ship->add_option("DIR", options.directory, "The log directory");
  ship->footer(R"(Examples:
  lynx ship --print-schema --table logs | clickhouse-client --multiquery
  lynx ship --clickhouse http://127.0.0.1:8123/ --table logs logs/
  lynx ship --print-schema --table logs --cluster fleet       local tables + Distributed
  lynx ship --clickhouse http://ch:8123/ --table logs --once logs/   ship what is there, exit)");
  return ship;
}

int run_ship(const ShipOptions& options, std::FILE* out, std::FILE* err) {
  Diagnostics diag(err);
  if (!valid_name(options.table) || (!options.cluster.empty() && !valid_name(options.cluster))) {
    diag.io_error("ship: --table and --cluster take names of letters, digits, '_' and '.'");
    return diag.exit_code();
  }
  if (options.print_schema) {
    const std::string s = ship_schema(options.table, options.cluster) + ";\n";
    write_output(out, s.data(), s.size(), diag);
    return diag.exit_code();
  }
  if (options.url.empty() || options.directory.empty()) {
    diag.io_error("ship: needs --clickhouse URL and a log directory (see 'lynx help ship')");
    return diag.exit_code();
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(options.directory, ec)) {
    diag.io_error(options.directory + ": not a directory");
    return diag.exit_code();
  }
  const std::string checkpoint_path = options.checkpoint.empty()
                                          ? options.directory + "/" + format::kShipCheckpointName
                                          : options.checkpoint;
  format::ShipCheckpoint checkpoint;
  if (Status s = format::load_ship_checkpoint(checkpoint_path, &checkpoint); !s.ok()) {
    diag.io_error(s.message());
    return diag.exit_code();
  }
  install_signals();
  HttpClient http(options.url);
  http.set_gzip(options.compress == "gzip");
  if (options.create) {
    std::string answer;
    if (Status s = retrying(
            [&] { return http.post(ship_schema(options.table, ""), "", "", &answer); }, diag);
        !s.ok()) {
      diag.io_error(s.message());
      return diag.exit_code();
    }
  }
  const std::string sql = "INSERT INTO " + options.table + " FORMAT JSONEachRow";
  const std::string host = options.host.empty() ? default_host() : options.host;
  ShipSource source(options.directory, host, checkpoint, diag, options.once);
  format::ShipCheckpoint positions = checkpoint;
  std::error_code abs_ec;
  const std::string shipper =
      host + '\0' + std::filesystem::absolute(checkpoint_path, abs_ec).lexically_normal().string();
  ShipDedup dedup(http, options.table, shipper);
  // An INSERT of an earlier run may still be running on the server: wait before asking.
  if (Status s = retrying([&] { return dedup.wait_quiet(); }, diag); !s.ok()) {
    diag.io_error(s.message());
    return diag.exit_code();
  }
  fmt::memory_buffer rows;
  std::vector<ShipRow> ids;
  std::uint64_t shipped = 0, found = 0;
  while (!g_stop.load()) {
    rows.clear();
    ids.clear();
    const std::size_t n =
        source.fill(&rows, &ids, options.batch_rows, kMaxShipBatchBytes, &positions);
    if (n != 0) {
      if (Status s = insert(http, dedup, sql, &rows, &ids, diag, &shipped, &found); !s.ok()) {
        diag.io_error(s.message());
        break;  // not acknowledged: the checkpoint stays where it was
      }
    }
    if (positions != checkpoint) {
      prune(&positions, options.directory);
      if (Status s = format::store_ship_checkpoint(checkpoint_path, positions); !s.ok()) {
        diag.io_error(s.message());
        break;
      }
      checkpoint = positions;
    }
    if (n == 0) {
      if (options.once) break;
      nap(kPollInterval);
    }
  }
  if (options.stats) {
    diag.note(fmt::format(
        "ship: {} records in {} bytes ({:.1f} bytes per record); {} already in the table", shipped,
        http.bytes_sent(), shipped == 0 ? 0.0 : double(http.bytes_sent()) / double(shipped),
        found));
  }
  return diag.exit_code();
}

}  // namespace lynx::tools
