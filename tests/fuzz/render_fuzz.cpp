// libFuzzer target for what `lynx cat` does with a file: decode it and render every record as text
// and as JSON. Templates and argument values come from the file, so fmt sees crafted patterns and
// specs; rendering must never crash or throw, every line must end in a newline, and a text line
// must hold no other line break or terminal control; a float carrying its decimal prints from it as
// fmt prints it. Built only with -Dfuzzing=true and clang (see tests/fuzz/meson.build and
// scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "fix_checksums.hpp"
#include "format/reader.hpp"
#include "render/fixed_float.hpp"
#include "render/render.hpp"

namespace {

// A float that carries its decimal (record::Value::decimal, from crafted residuals and scales
// too) prints from it exactly as fmt prints the float, or the decimal paths decline it.
void check_decimal(const lynx::record::Value& v) {
  const bool f32 = v.kind == lynx::record::Kind::float32;
  const auto fmt_of = [&](std::string_view spec) {
    return f32 ? fmt::format(fmt::runtime(spec), static_cast<float>(v.f))
               : fmt::format(fmt::runtime(spec), v.f);
  };
  fmt::memory_buffer ours;
  if (lynx::render::detail::append_shortest_decimal(ours, v.i, v.count - 1u, f32) &&
      fmt::to_string(ours) != fmt_of("{}")) {
    std::abort();
  }
  for (int p = 0; p <= lynx::render::detail::kMaxFixedPrecision; ++p) {
    ours.clear();
    if (lynx::render::detail::append_fixed_decimal(ours, v.i, v.count - 1u, p, f32) &&
        fmt::to_string(ours) != fmt_of("{:." + std::to_string(p) + "f}")) {
      std::abort();
    }
  }
}

void render_all(std::vector<std::byte> bytes) {
  lynx::format::FileReader reader("fuzz-input");
  if (!reader.open_bytes(std::move(bytes)).ok()) return;
  lynx::render::Renderer renderer;
  fmt::memory_buffer out;
  reader.read(
      [&](const lynx::format::Record& r) {
        for (const lynx::record::Value& v : r.args) {
          if (v.has_decimal()) check_decimal(v);
        }
        const lynx::record::Site site = r.site->view();
        const lynx::record::RecordView view{
            r.ts_ns, &site, {0, r.thread->os_tid, r.thread->name}, r.args};
        out.clear();
        renderer.text(out, view);
        if (out.size() == 0 || out[out.size() - 1] != '\n') std::abort();
        // Escaping (CWE-117): one line whatever the file holds, and no terminal controls.
        for (std::size_t i = 0; i + 1 < out.size(); ++i) {
          const auto c = static_cast<unsigned char>(out[i]);
          if (c == '\n' || c == '\r' || c == 0x1b || c == 0x7f) std::abort();
        }
        out.clear();
        renderer.json(out, view);
        if (out.size() < 2 || out[0] != '{' || out[out.size() - 1] != '\n') std::abort();
      },
      [](const lynx::format::Problem&) {});
}

}  // namespace

// Inputs are rendered as they are and again with their checksums repaired so that mutated
// templates and values reach the renderer (see fix_checksums.hpp).
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto* p = reinterpret_cast<const std::byte*>(data);
  std::vector<std::byte> bytes(p, p + size);
  render_all(bytes);
  if (lynx::fuzz::fix_checksums(bytes)) render_all(std::move(bytes));
  return 0;
}
