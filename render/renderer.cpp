// Whole records: the message (template + values through {fmt}, with a fallback that accepts any
// template), and the text and JSON lines.
#include <string>

#include "render/buffer_ops.hpp"
#include "render/message_plan.hpp"
#include "render/render.hpp"
#include "render/site_text.hpp"

namespace lynx::render {

using detail::append;
using detail::append_int;
using record::Kind;
using record::Value;

namespace {

void push_arg(fmt::dynamic_format_arg_store<fmt::format_context>& store, const Value& v) {
  switch (v.kind) {
    case Kind::int64: return store.push_back(v.i);
    case Kind::uint64: return store.push_back(v.u);
    case Kind::pointer:
      return store.push_back(reinterpret_cast<const void*>(static_cast<std::uintptr_t>(v.u)));
    case Kind::boolean: return store.push_back(v.b);
    case Kind::character: return store.push_back(v.c);
    case Kind::float32: return store.push_back(static_cast<float>(v.f));
    case Kind::float64: return store.push_back(v.f);
    case Kind::string: return store.push_back(v.s);  // a view: not copied into the store
    default: break;  // structured values: pushed as their text (Renderer::message)
  }
  store.push_back(v.i);
}

// Values that fmt sees as their text ({x} and {x:>20s} of an array, a duration, ...).
bool shown_as_text(const Value& v) { return v.kind >= Kind::null; }

// The template with each placeholder replaced by the next value in its default format. Used when
// fmt cannot format the record; must accept any text, including malformed templates.
void append_fallback(fmt::memory_buffer& out, std::string_view t, std::span<const Value> args) {
  std::size_t next = 0;
  std::size_t i = 0;
  while (i < t.size()) {
    const char c = t[i];
    if ((c == '{' || c == '}') && i + 1 < t.size() && t[i + 1] == c) {
      out.push_back(c);
      i += 2;
    } else if (c == '{') {
      const std::size_t close = t.find('}', i + 1);
      if (close == std::string_view::npos) {
        append(out, t.substr(i));
        return;
      }
      if (next < args.size()) {
        append_plain_value(out, args[next++]);
      } else {
        append(out, t.substr(i, close + 1 - i));
      }
      i = close + 1;
    } else {
      out.push_back(c);
      ++i;
    }
  }
}

bool is_trace_field(std::string_view name) { return name == "trace_id" || name == "span_id"; }

// Text: the record's context and extras after the message, ` name=value ...`, then
// ` [suppressed N]` and ` [backtrace]`.
void append_text_extras(fmt::memory_buffer& out, const record::RecordView& r,
                        fmt::memory_buffer& scratch) {
  for (const record::ContextEntry& e : r.context) {
    out.push_back(' ');
    append_text_escaped(out, e.name);
    out.push_back('=');
    scratch.clear();
    append_plain_value(scratch, e.value);
    append_text_escaped(out, {scratch.data(), scratch.size()});
  }
  if (r.suppressed != 0) {
    append(out, " [suppressed ");
    append_int(out, r.suppressed);
    out.push_back(']');
  }
  if (r.backtrace) append(out, " [backtrace]");
}

// JSON: `"trace_id"`/`"span_id"` from the context at the top level (OpenTelemetry), the rest of
// the context under "ctx", then "suppressed" and "backtrace" when they apply.
void append_json_extras(fmt::memory_buffer& out, const record::RecordView& r) {
  bool any_ctx = false;
  for (const record::ContextEntry& e : r.context) {
    if (is_trace_field(e.name)) {
      out.push_back(',');
      append_json_string(out, e.name);
      out.push_back(':');
      append_json_value(out, e.value);
    } else {
      any_ctx = true;
    }
  }
  if (any_ctx) {
    append(out, ",\"ctx\":{");
    bool first = true;
    for (const record::ContextEntry& e : r.context) {
      if (is_trace_field(e.name)) continue;
      if (!first) out.push_back(',');
      first = false;
      append_json_string(out, e.name);
      out.push_back(':');
      append_json_value(out, e.value);
    }
    out.push_back('}');
  }
  if (r.suppressed != 0) {
    append(out, ",\"suppressed\":");
    append_int(out, r.suppressed);
  }
  if (r.backtrace) append(out, ",\"backtrace\":true");
}

}  // namespace

void Renderer::message(fmt::memory_buffer& out, const record::Site& site,
                       std::span<const Value> args) {
  const std::size_t mark = out.size();
  if (site.template_ok) {
    const detail::MessagePlan& plan = plans_.get(site);
    if (plan.ok() && plan.placeholders() <= args.size()) {
      try {
        plan.render(out, args, texts_);
        return;
      } catch (const fmt::format_error&) {
        out.resize(mark);  // fmt refuses a spec: the whole pattern again, below, says why
      }
    }
  }
  std::string error = "malformed template";
  if (site.template_ok) {
    store_.clear();
    // Structured values are rendered as text first, all into one buffer, then pushed as views
    // of it (the buffer no longer grows by then).
    texts_.clear();
    for (const Value& v : args) {
      if (shown_as_text(v)) append_plain_value(texts_, v);
    }
    std::size_t at = 0;
    for (const Value& v : args) {
      if (!shown_as_text(v)) {
        push_arg(store_, v);
        continue;
      }
      fmt::memory_buffer& one = name_;  // measures this value's text again (no allocation)
      one.clear();
      append_plain_value(one, v);
      store_.push_back(std::string_view(texts_.data() + at, one.size()));
      at += one.size();
    }
    try {
      fmt::vformat_to(fmt::appender(out), site.fmt_pattern, fmt::format_args(store_));
      return;
    } catch (const fmt::format_error& e) {
      error = e.what();
    }
  }
  out.resize(mark);
  append_fallback(out, site.format, args);
  append(out, " [format error: ");
  append(out, error);
  out.push_back(']');
}

void Renderer::text_message(fmt::memory_buffer& out, const record::Site& site,
                            std::span<const Value> values) {
  // Formatted in place; only a message that holds something to escape is copied and escaped.
  const std::size_t mark = out.size();
  message(out, site, values);
  const std::size_t safe = text_safe_prefix({out.data() + mark, out.size() - mark});
  if (mark + safe != out.size()) {
    scratch_.clear();
    append(scratch_, out.data() + mark + safe, out.data() + out.size());
    out.resize(mark + safe);
    append_text_escaped(out, {scratch_.data(), scratch_.size()});
  }
}

void Renderer::json_message(fmt::memory_buffer& out, const record::Site& site,
                            std::span<const Value> values) {
  // Formatted in place between its quotes; only a message that holds something to escape is
  // copied and escaped.
  out.push_back('"');
  const std::size_t mark = out.size();
  message(out, site, values);
  if (json_plain({out.data() + mark, out.size() - mark})) return out.push_back('"');
  scratch_.clear();
  append(scratch_, out.data() + mark, out.data() + out.size());
  out.resize(mark - 1);
  append_json_string(out, {scratch_.data(), scratch_.size()});
}

void Renderer::text(fmt::memory_buffer& out, const record::RecordView& r) {
  const detail::SiteText* t = sites_.get(*r.site);
  timestamp(out, r.ts_ns);
  out.push_back(' ');
  t ? append(out, t->text_head) : detail::append_text_head(out, *r.site);
  append_int(out, r.thread.os_tid);
  t ? append(out, t->text_tail) : detail::append_text_tail(out, *r.site);
  text_message(out, *r.site, r.values);
  if (!r.context.empty() || r.suppressed != 0 || r.backtrace) append_text_extras(out, r, scratch_);
  out.push_back('\n');
}

void Renderer::logfmt_fields(fmt::memory_buffer& out, const record::RecordView& r) {
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    if (i != 0) out.push_back(' ');
    append_logfmt_value(out, field_name(*r.site, i, name_));
    out.push_back('=');
    scratch_.clear();
    append_plain_value(scratch_, r.values[i]);
    append_logfmt_value(out, {scratch_.data(), scratch_.size()});
  }
}

void Renderer::logfmt(fmt::memory_buffer& out, const record::RecordView& r) {
  append(out, "ts=");
  timestamp(out, r.ts_ns);
  append(out, " level=");
  append(out, to_string(r.site->level));
  append(out, " logger=");
  append_logfmt_value(out, r.site->logger);
  append(out, " thread=");
  append_int(out, r.thread.os_tid);
  append(out, " file=");
  append_logfmt_value(out, r.site->file);
  append(out, " line=");
  append_int(out, r.site->line);
  append(out, " msg=");
  scratch_.clear();
  message(scratch_, *r.site, r.values);
  // The message is copied aside: logfmt_fields() below reuses scratch_.
  msg_.clear();
  append(msg_, scratch_.data(), scratch_.data() + scratch_.size());
  append_logfmt_value(out, {msg_.data(), msg_.size()});
  if (!r.values.empty()) out.push_back(' ');
  logfmt_fields(out, r);
  out.push_back('\n');
}

void Renderer::json(fmt::memory_buffer& out, const record::RecordView& r) {
  const detail::SiteText* t = sites_.get(*r.site);
  append(out, "{\"ts\":\"");
  timestamp(out, r.ts_ns);
  t ? append(out, t->json_head) : detail::append_json_head(out, *r.site);
  append_int(out, r.thread.os_tid);
  // The thread's name and pid, rendered again only when they change (records of one thread
  // mostly come in runs).
  if (!thread_json_valid_ || r.thread.pid != thread_json_pid_ ||
      r.thread.name != thread_json_name_) {
    thread_json_.clear();
    append(thread_json_, ",\"thread_name\":");
    append_json_string(thread_json_, r.thread.name);
    append(thread_json_, ",\"pid\":");
    append_int(thread_json_, r.thread.pid);
    thread_json_name_.assign(r.thread.name);
    thread_json_pid_ = r.thread.pid;
    thread_json_valid_ = true;
  }
  append(out, thread_json_.data(), thread_json_.size());
  t ? append(out, t->json_tail) : detail::append_json_tail(out, *r.site);
  json_message(out, *r.site, r.values);
  append(out, ",\"fields\":{");
  for (std::size_t i = 0; i < r.values.size(); ++i) {
    if (t != nullptr && i < t->key_end.size()) {
      append(out, t->key(i));
    } else {
      detail::append_json_key(out, *r.site, i, name_);
    }
    append_json_value(out, r.values[i]);
  }
  out.push_back('}');
  if (!r.context.empty() || r.suppressed != 0 || r.backtrace) append_json_extras(out, r);
  append(out, "}\n");
}

}  // namespace lynx::render
