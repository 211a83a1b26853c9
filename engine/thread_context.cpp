#include "engine/thread_context.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "engine/logger_registry.hpp"

namespace lynx::detail {

void ThreadContext::push(std::uint32_t depth, const std::byte* fields, std::size_t size,
                         std::uint64_t id) {
  while (!frames_.empty() && frames_.back().depth >= depth) frames_.pop_back();
  frames_.push_back(Frame{depth, std::vector<std::byte>(fields, fields + size)});
  rebuild(id);
}

void ThreadContext::pop(std::uint32_t depth, std::uint64_t id) {
  while (!frames_.empty() && frames_.back().depth >= depth) frames_.pop_back();
  rebuild(id);
}

// The effective fields: outer frames first; a field whose name is already there replaces the
// value in its place (an inner context shadows, the order of first appearance stays).
void ThreadContext::rebuild(std::uint64_t id) {
  std::vector<record::RingField> merged;
  std::vector<record::RingField> frame;
  for (const Frame& f : frames_) {
    frame.clear();
    if (!record::parse_ring_fields(f.fields.data(), f.fields.size(), &frame)) continue;
    for (const record::RingField& field : frame) {
      const auto same = std::find_if(merged.begin(), merged.end(), [&](const record::RingField& m) {
        return m.name == field.name;
      });
      if (same != merged.end())
        *same = field;
      else
        merged.push_back(field);
    }
  }
  auto ctx = std::make_shared<RecordContext>();
  ctx->id = id;
  // Re-encoded into the context's own bytes, so it does not depend on the frames.
  // Redaction happens here, before any sink or file sees the context: a listed name's value
  // becomes the string "[redacted]" whatever its type; detectors rewrite string values.
  std::string redacted;
  for (const record::RingField& f : merged) {
    const bool is_string = f.type == ArgType::string;
    bool replace = false;
    if (redactor_ != nullptr) {
      if (is_string) {
        replace = redactor_->redact(f.name, record::ring_field_value(f).s, &redacted);
      } else if (redactor_->field_listed(f.name)) {
        redacted = std::string(Redactor::kFieldReplacement);
        replace = true;
      }
    }
    ctx->bytes.push_back(static_cast<std::byte>(replace ? ArgType::string : f.type));
    ctx->bytes.push_back(static_cast<std::byte>(f.name.size()));
    const auto* name = reinterpret_cast<const std::byte*>(f.name.data());
    ctx->bytes.insert(ctx->bytes.end(), name, name + f.name.size());
    if (replace) {
      const auto n = static_cast<std::uint32_t>(redacted.size());
      const auto* len = reinterpret_cast<const std::byte*>(&n);
      ctx->bytes.insert(ctx->bytes.end(), len, len + 4);
      const auto* text = reinterpret_cast<const std::byte*>(redacted.data());
      ctx->bytes.insert(ctx->bytes.end(), text, text + redacted.size());
    } else {
      ctx->bytes.insert(ctx->bytes.end(), f.value, f.value + f.value_size);
    }
  }
  record::parse_ring_fields(ctx->bytes.data(), ctx->bytes.size(), &ctx->fields);
  for (const record::RingField& f : ctx->fields)
    ctx->entries.push_back(record::ContextEntry{f.name, record::ring_field_value(f)});
  current_ = std::move(ctx);
}

void BacktraceRing::keep(const SiteEntry& site, std::int64_t ts_ns, const std::byte* args,
                         std::size_t size, const std::shared_ptr<const RecordContext>& context) {
  const std::size_t capacity = logger_object_ != nullptr ? logger_object_->backtrace_capacity() : 0;
  if (capacity == 0) {  // turned off since the record was logged
    first_ = count_ = 0;
    return;
  }
  if (slots_.size() != capacity) {  // (re)sized: keep the newest that still fit
    std::vector<Kept> kept;
    drain([&](const Kept& k) { kept.push_back(k); });
    if (kept.size() > capacity) kept.erase(kept.begin(), kept.end() - capacity);
    slots_.assign(capacity, Kept{});
    for (Kept& k : kept) slots_[count_++] = std::move(k);
  }
  Kept* slot;
  if (count_ < capacity) {
    slot = &slots_[(first_ + count_++) % capacity];
  } else {  // full: the oldest goes
    slot = &slots_[first_];
    first_ = (first_ + 1) % capacity;
  }
  slot->site = &site;
  slot->ts_ns = ts_ns;
  slot->args.assign(args, args + size);
  slot->context = context;
}

BacktraceRing& ThreadState::backtrace_for(std::uint32_t logger) {
  for (BacktraceRing& b : backtraces) {
    if (b.logger() == logger) return b;
  }
  backtraces.emplace_back(logger, LoggerRegistry::instance().find(logger));
  return backtraces.back();
}

}  // namespace lynx::detail
