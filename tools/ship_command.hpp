// `lynx ship --clickhouse URL --table NAME DIR`: follows the live log directory DIR and inserts
// its records into a ClickHouse table through the HTTP interface, in batches
// (`INSERT INTO NAME FORMAT JSONEachRow`; table layout: tools/ship_table.hpp). Exactly once
// across restarts (docs/fleet.md):
//   - the checkpoint (format/ship_checkpoint.hpp) in DIR says how far each file was shipped; it
//     is written only after the server acknowledged a batch, so a crash before that sends the
//     batch again, never skips one;
//   - rows whose fate is uncertain (beyond the checkpoint at startup; those of an insert that
//     failed) are first looked up in the table by their identity (lynx_source, lynx_seq), and
//     only the missing ones are sent (tools/ship_dedup.hpp): a crash between acknowledgement and
//     checkpoint duplicates nothing, at insert time.
// While the server cannot be reached (or is busy), the batch (what of it the server does not hold
// by then) is retried with exponential backoff
// (0.1 s doubling to 5 s); an error the server gives for the batch itself (unknown table, bad
// row) ends the command with exit code 2. Log files are only read, never changed or deleted.
// SIGINT / SIGTERM end it after the batch in flight (exit 0).
//
// `lynx ship --print-schema --table NAME [--cluster C]` prints the CREATE TABLE statements.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

namespace CLI {
class App;
}

namespace lynx::tools {

struct ShipOptions {
  std::string url;
  std::string table;
  std::string cluster;
  std::string directory;
  std::string checkpoint;  // default: DIR/.lynx-ship.checkpoint
  std::string host;        // default: gethostname()
  bool print_schema = false;
  bool create = false;
  bool once = false;
  bool stats = false;
  std::string compress = "gzip";  // gzip or none
  std::size_t batch_rows = 20000;
};

CLI::App* add_ship_command(CLI::App& app, ShipOptions& options);

// Exit codes: 0 done (--once: everything there was shipped; otherwise a signal), 1 damaged data
// was skipped, 2 usage error, an I/O error on the checkpoint or an error the server gave.
int run_ship(const ShipOptions& options, std::FILE* out, std::FILE* err);

}  // namespace lynx::tools
