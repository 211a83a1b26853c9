// libFuzzer target for what `lynx cat` does with a file: decode it and render every record as text
// and as JSON. Templates and argument values come from the file, so fmt sees crafted patterns and
// specs; rendering must never crash or throw, every line must end in a newline, and a text line
// must hold no other line break or terminal control. Built only with
// -Dfuzzing=true and clang (see tests/fuzz/meson.build and scripts/fuzz.sh).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include <fmt/format.h>

#include "fix_checksums.hpp"
#include "format/reader.hpp"
#include "render/render.hpp"

namespace {

void render_all(std::vector<std::byte> bytes) {
  lynx::format::FileReader reader("fuzz-input");
  if (!reader.open_bytes(std::move(bytes)).ok()) return;
  lynx::render::Renderer renderer;
  fmt::memory_buffer out;
  reader.read(
      [&](const lynx::format::Record& r) {
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
