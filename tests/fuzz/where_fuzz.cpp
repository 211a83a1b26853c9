// libFuzzer target for the expression parsers of `lynx cat` and `lynx tail` (tools/filter.hpp):
// each line of the input is one `--where` expression (at most 8; the first is also tried as a
// `--since` time). Compiling must either succeed or say why (Code::invalid_argument with a
// message; never a crash, a throw or a hang); a compiled filter then judges call sites and
// records with values of every scalar kind, and its verdicts must be consistent (a site that
// lacks a --where field keeps nothing; a site that passes has an index for every clause). Built
// only with -Dfuzzing=true and clang (see tests/fuzz/meson.build and scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "format/reader.hpp"
#include "render/render.hpp"
#include "tools/filter.hpp"

namespace {

using lynx::detail::ArgType;
using lynx::record::Value;

constexpr std::int64_t kNow = 1'700'000'000'000'000'000;
constexpr std::size_t kMaxClauses = 8;

lynx::format::CallSiteInfo make_site(std::string format, std::vector<ArgType> types,
                                     lynx::Level level) {
  lynx::format::CallSiteInfo s;
  s.level = level;
  s.logger = "orders.db";
  s.file = "src/pay.cpp";
  s.format = std::move(format);
  s.types = std::move(types);
  s.parsed = lynx::format::parse_template(s.format);
  return s;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  lynx::tools::FilterOptions options;
  std::size_t at = 0;
  while (at <= input.size() && options.where.size() < kMaxClauses) {
    const std::size_t nl = input.find('\n', at);
    const std::size_t end = nl == std::string_view::npos ? input.size() : nl;
    options.where.emplace_back(input.substr(at, end - at));
    if (nl == std::string_view::npos) break;
    at = nl + 1;
  }
  if (options.where.empty()) return 0;

  std::int64_t t = 0;
  const lynx::Status time = lynx::tools::parse_time(options.where[0], kNow, &t);
  if (!time.ok() && time.message().empty()) std::abort();  // a refusal always says why

  std::unique_ptr<lynx::tools::RecordFilter> filter;
  const lynx::Status s = lynx::tools::RecordFilter::compile(options, kNow, &filter);
  if (!s.ok()) {
    if (s.code() != lynx::Status::Code::invalid_argument || s.message().empty()) std::abort();
    return 0;
  }
  if (filter == nullptr) std::abort();

  // Sites whose fields are the names fuzzing tends to find (and the positional arg<i>).
  const lynx::format::CallSiteInfo sites[] = {
      make_site("order {id} by {user} for {amount} ok {ok} c {c} p {p} f {f}",
                {ArgType::i64, ArgType::string, ArgType::f64, ArgType::boolean, ArgType::character,
                 ArgType::pointer, ArgType::f32},
                lynx::Level::error),
      make_site("{} {} {}", {ArgType::u64, ArgType::string, ArgType::i32}, lynx::Level::info),
  };
  const std::vector<Value> values[] = {
      {Value::int64(-42), Value::string("bob\n\xff"), Value::float64(-0.0), Value::boolean(true),
       Value::character('x'), Value::pointer(0xdeadbeef), Value::float32(1e30f)},
      {Value::uint64(~0ull), Value::string("12.5"), Value::int64(7)},
  };
  lynx::render::Renderer renderer;
  fmt::memory_buffer scratch;
  for (std::size_t k = 0; k < 2; ++k) {
    const lynx::tools::RecordFilter::SiteVerdict v = filter->judge_site(sites[k]);
    if (!v.keep) continue;
    if (v.field_index.size() != options.where.size()) std::abort();
    for (const std::uint32_t i : v.field_index) {
      if (i >= sites[k].types.size()) std::abort();
    }
    lynx::format::Record r;
    r.site = &sites[k];
    r.args = values[k];
    (void)filter->keep_values(r, v, renderer, scratch);
  }
  return 0;
}
