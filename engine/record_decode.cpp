#include "engine/record_decode.hpp"

#include "record/codecs.hpp"

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
  }
  const std::size_t n = entry.site->arg_count;
  if (values_.size() < n) values_.resize(n);
  if (!record::args_from_ring(sv->site.types, r.args, r.args_size, values_.data())) return nullptr;
  view_.ts_ns = r.ts_ns;
  view_.site = &sv->site;
  view_.thread = record::Thread{0, r.thread.os_tid, r.thread.name};
  view_.values = std::span<const record::Value>(values_.data(), n);
  return &view_;
}

}  // namespace lynx::detail
