// Records as OpenTelemetry logs: OTLP/JSON (the protobuf JSON mapping of
// opentelemetry/proto/collector/logs/v1 ExportLogsServiceRequest), one request per line, the
// form of the OTLP file exporter and of the Collector's otlpjsonfile receiver. `lynx cat
// --format otlp-json`. One line holds one record:
//   {"resourceLogs":[{"resource":{"attributes":[host.name, service.name, process.pid]},
//     "scopeLogs":[{"scope":{"name":<logger>},"logRecords":[{"timeUnixNano":"<ns>",
//     "observedTimeUnixNano":"<ns>","severityNumber":9,"severityText":"INFO",
//     "body":{"stringValue":<message>},"attributes":[code.*, thread.*, fields, context],
//     "traceId":<32 hex>,"spanId":<16 hex>}]}]}]}
// Mapping rules (what must hold for a receiver to accept it): field names in lowerCamelCase;
// 64-bit integers (fixed64 times, AnyValue.intValue) as decimal strings; severityNumber as the
// enum's integer (1 trace, 5 debug, 9 info, 13 warn, 17 error, 21 critical: the first number of
// each range); traceId and spanId as lowercase hex (OTLP's exception to base64 bytes), set only
// when the context's trace_id / span_id are 32 / 16 hex digits (not all zero), otherwise kept as
// string attributes. Structured values become arrayValue / kvlistValue.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "record/record_view.hpp"
#include "render/render.hpp"

namespace lynx::render {

// The resource a record comes from.
struct OtlpResource {
  std::string_view host;
  std::string_view program;
  std::uint32_t pid = 0;
};

// OTLP severity number of a level (SeverityNumber enum).
int otlp_severity_number(Level level);

class OtlpRenderer {
 public:
  // Appends one line (an ExportLogsServiceRequest holding `r`), ending in '\n'.
  void line(fmt::memory_buffer& out, const record::RecordView& r, const OtlpResource& resource);

 private:
  // The attribute key for `name`, unique within the record's attributes (OTLP requires it):
  // `name` itself, else `prefix` + name, else that with ".2", ".3"... Kept in keys_.
  std::string_view unique_key(std::string_view name, std::string_view prefix);

  Renderer renderer_;
  fmt::memory_buffer scratch_;
  fmt::memory_buffer name_;
  std::vector<std::string> keys_;  // the attribute keys of the record being rendered
};

}  // namespace lynx::render
