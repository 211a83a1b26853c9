// Turns a SinkRecord (raw ring bytes of a call site) into a record::RecordView for the render
// library, on the backend thread: the formatted sinks' (text, JSON, console) first step. Each
// call site's template is parsed once (format/template_parse.hpp) and kept by SiteEntry::id, so a
// record costs one pass over its argument bytes (record::args_from_ring), no allocation once the
// tables have grown.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/sink.hpp"
#include "format/template_parse.hpp"
#include "record/record_view.hpp"
#include "record/type_desc.hpp"

namespace lynx::detail {

class RecordDecoder {
 public:
  // The view of `r`, valid until the next call (strings point into the ring). nullptr when the
  // argument bytes do not fit the site's types (never for what a producer wrote).
  const record::RecordView* decode(const SinkRecord& r);

 private:
  struct SiteView {
    format::ParsedTemplate parsed;
    record::Site site;
    record::SiteTypes types;  // the descriptors of its structured arguments
    bool types_ok = false;
  };
  // Of this process (the one the records come from); a child after fork() has its own engine.
  std::uint32_t pid_ = static_cast<std::uint32_t>(::getpid());
  std::vector<std::unique_ptr<SiteView>> sites_;  // by SiteEntry::id
  std::vector<record::Value> values_;
  record::RecordView view_;
};

}  // namespace lynx::detail
