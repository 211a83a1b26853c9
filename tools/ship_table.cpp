#include "tools/ship_table.hpp"

#include <xxhash.h>

#include "render/buffer_ops.hpp"

namespace lynx::tools {

namespace {

using render::append_json_string;
using render::detail::append;
using render::detail::append_int;

constexpr std::string_view kColumns = R"((
    time        DateTime,
    nanoseconds UInt32,
    level       Enum8('trace' = 0, 'debug' = 1, 'info' = 2, 'warn' = 3, 'error' = 4, 'critical' = 5),
    logger      String,
    host        String,
    program     String,
    pid         UInt32,
    thread      String,
    tid         UInt64,
    file        String,
    line        UInt32,
    function    String,
    msg         String,
    fields      String,
    ctx         String,
    trace_id    String,
    span_id     String,
    lynx_source UInt64,
    lynx_seq    UInt64
))";

// Partitions of a day (dropping old days is one ALTER TABLE ... DROP PARTITION); sorted for the
// usual queries: a level and a logger over a time range; the row identity last (deduplication).
constexpr std::string_view kEngine = R"(ENGINE = ReplacingMergeTree()
PARTITION BY toDate(time)
ORDER BY (level, logger, time, lynx_source, lynx_seq))";

bool is_trace_field(std::string_view name) { return name == "trace_id" || name == "span_id"; }

// A context value as the text of the trace_id / span_id columns.
void append_id_text(fmt::memory_buffer& out, const record::Value& v) {
  if (v.kind == record::Kind::string) return append(out, v.s);
  render::append_plain_value(out, v);
}

}  // namespace

std::string ship_schema(std::string_view table, std::string_view cluster) {
  if (cluster.empty()) {
    return fmt::format("CREATE TABLE IF NOT EXISTS {}\n{}\n{}", table, kColumns, kEngine);
  }
  return fmt::format(
      "-- On every server of cluster {1} (or once, adding ON CLUSTER {1}, where the cluster has "
      "distributed DDL).\n"
      "CREATE TABLE IF NOT EXISTS {0}_local\n{2}\n{3};\n\n"
      "CREATE TABLE IF NOT EXISTS {0} AS {0}_local\n"
      "ENGINE = Distributed({1}, currentDatabase(), {0}_local, cityHash64(lynx_source, "
      "lynx_seq))",
      table, cluster, kColumns, kEngine);
}

std::uint64_t ship_source_id(std::string_view host, std::string_view file_name,
                             std::int64_t created_unix_ns, std::uint32_t pid) {
  std::string key;
  key.append(host).push_back('\0');
  key.append(file_name).push_back('\0');
  key += std::to_string(created_unix_ns) + '/' + std::to_string(pid);
  return XXH3_64bits(key.data(), key.size());
}

void RowEncoder::row(fmt::memory_buffer& out, const record::RecordView& r, const RowSource& src,
                     std::uint64_t seq) {
  const std::int64_t sec = r.ts_ns >= 0 ? r.ts_ns / 1'000'000'000 : 0;
  append(out, "{\"time\":");
  append_int(out, sec);
  append(out, ",\"nanoseconds\":");
  append_int(out, r.ts_ns >= 0 ? r.ts_ns % 1'000'000'000 : 0);
  append(out, ",\"level\":");
  append_json_string(out, to_string(r.site->level));
  append(out, ",\"logger\":");
  append_json_string(out, r.site->logger);
  append(out, ",\"host\":");
  append_json_string(out, src.host);
  append(out, ",\"program\":");
  append_json_string(out, src.program);
  append(out, ",\"pid\":");
  append_int(out, r.thread.pid);
  append(out, ",\"thread\":");
  append_json_string(out, r.thread.name);
  append(out, ",\"tid\":");
  append_int(out, r.thread.os_tid);
  append(out, ",\"file\":");
  append_json_string(out, r.site->file);
  append(out, ",\"line\":");
  append_int(out, r.site->line);
  append(out, ",\"function\":");
  append_json_string(out, r.site->function);
  append(out, ",\"msg\":");
  text_.clear();
  renderer_.message(text_, *r.site, r.values);
  append_json_string(out, {text_.data(), text_.size()});
  // fields and ctx: JSON objects, stored as JSON text in String columns (JSONExtract* and
  // visitParam* read them).
  json_.clear();
  json_.push_back('{');
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    if (i != 0) json_.push_back(',');
    append_json_string(json_, render::field_name(*r.site, i, name_));
    json_.push_back(':');
    render::append_json_value(json_, r.values[i]);
  }
  json_.push_back('}');
  append(out, ",\"fields\":");
  append_json_string(out, {json_.data(), json_.size()});
  json_.clear();
  json_.push_back('{');
  bool first = true;
  for (const record::ContextEntry& e : r.context) {
    if (is_trace_field(e.name)) continue;
    if (!first) json_.push_back(',');
    first = false;
    append_json_string(json_, e.name);
    json_.push_back(':');
    render::append_json_value(json_, e.value);
  }
  json_.push_back('}');
  append(out, ",\"ctx\":");
  append_json_string(out, {json_.data(), json_.size()});
  for (std::string_view id : {std::string_view("trace_id"), std::string_view("span_id")}) {
    text_.clear();
    for (const record::ContextEntry& e : r.context) {
      if (e.name == id) {
        text_.clear();
        append_id_text(text_, e.value);  // the innermost (last) one wins
      }
    }
    append(out, ",\"");
    append(out, id);
    append(out, "\":");
    append_json_string(out, {text_.data(), text_.size()});
  }
  append(out, ",\"lynx_source\":");
  append_int(out, src.source);
  append(out, ",\"lynx_seq\":");
  append_int(out, seq);
  append(out, "}\n");
}

}  // namespace lynx::tools
