#include "engine/record_decode.hpp"

#include <unistd.h>

#include "record/codecs.hpp"
#include "record/structured.hpp"

namespace lynx::detail {

const record::RecordView* RecordDecoder::decode(const SinkRecord& r) {
  const SiteEntry& entry = r.site;
  if (entry.id >= sites_.size()) sites_.resize(entry.id + 1);
  std::unique_ptr<SiteView>& sv = sites_[entry.id];
  if (!sv) [[unlikely]] {
    sv = std::make_unique<SiteView>();
    sv->parsed = format::parse_template(entry.site->format);
    sv->site = record::site_of(*entry.site, entry.logger, sv->parsed.ok, sv->parsed.names,
                               sv->parsed.fmt_pattern);
    sv->site.uid = record::next_site_uid();
    // Structured arguments (lynx/types.hpp) are described once per call site; a descriptor the
    // producer wrote always parses.
    sv->types_ok = sv->types.parse(sv->site.types, entry.site->type_desc);
  }
  const std::size_t n = entry.site->arg_count;
  if (values_.size() < n) values_.resize(n);
  if (!record::args_from_ring(sv->site.types, r.args, r.args_size, values_.data())) return nullptr;
  if (!sv->types_ok ||
      !record::expand_structured(sv->types, std::span<record::Value>(values_.data(), n)))
    return nullptr;
  view_.ts_ns = r.ts_ns;
  view_.site = &sv->site;
  view_.thread = record::Thread{pid_, r.thread.os_tid, r.thread.name};
  view_.values = std::span<const record::Value>(values_.data(), n);
  view_.context = {};
  view_.suppressed = 0;
  view_.backtrace = false;
  if (r.extras != nullptr) {
    if (r.extras->context != nullptr) view_.context = r.extras->context->entries;
    view_.suppressed = r.extras->suppressed;
    view_.backtrace = r.extras->backtrace;
  }
  return &view_;
}

}  // namespace lynx::detail
