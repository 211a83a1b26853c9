// libFuzzer target for the line-template language (render/template.hpp) of `lynx cat --template`
// and of the text and console sinks' `layout`: the input's first byte picks the options, the rest
// is the template. Compiling must either succeed or say why (never crash, never throw); a compiled
// template renders a record with hostile values, and every line ends in its newline. Built only
// with -Dfuzzing=true and clang (see tests/fuzz/meson.build and scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include <fmt/format.h>

#include "lynx/detail/arg_types.hpp"
#include "record/record_view.hpp"
#include "render/render.hpp"
#include "render/template.hpp"

namespace {

using lynx::detail::ArgType;
using lynx::record::Value;

constexpr ArgType kTypes[] = {ArgType::string, ArgType::i64, ArgType::f64};
const std::string kNames[] = {"who", "n", "ratio"};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const lynx::render::TemplateOptions options{
      .local_time = (data[0] & 1) != 0, .color = (data[0] & 2) != 0, .newline = true};
  const std::string_view spec(reinterpret_cast<const char*>(data + 1), size - 1);
  std::string error;
  const auto tmpl = lynx::render::Template::compile(spec, options, &error);
  if (!tmpl) {
    if (error.empty()) std::abort();  // a refusal always says why
    return 0;
  }
  const lynx::record::Site site{.level = lynx::Level::warn,
                                .logger = "orders\x1b[31m",
                                .file = "src/pay\n.cpp",
                                .line = 42,
                                .function = "pay",
                                .format = "paid {who} {n} {ratio:.2f}",
                                .types = kTypes,
                                .template_ok = true,
                                .names = kNames,
                                .fmt_pattern = "paid {} {} {:.2f}"};
  const Value values[] = {Value::string("bo\nb\x1b[2J\xff"), Value::int64(-7),
                          Value::float64(0.125)};
  const lynx::record::ContextEntry ctx[] = {{"trace_id", Value::string("4bf92f35")},
                                            {"tenant", Value::string("a\rb")}};
  const lynx::record::RecordView view{1'700'000'000'123'456'789, &site, {4242, 77, "worker\n"},
                                      values, ctx, 3, true};
  lynx::render::Renderer renderer;
  lynx::render::LocalOffsetCache cache;
  fmt::memory_buffer out;
  tmpl->render(out, view, renderer, cache);
  if (out.size() == 0 || out[out.size() - 1] != '\n') std::abort();
  return 0;
}
