#include "engine/writer_seam.hpp"

#include <utility>

namespace lynx::detail {

namespace {
WriterFactory& factory() {
  static WriterFactory f;
  return f;
}
}  // namespace

std::unique_ptr<io::Writer> make_engine_writer(const io::WriterConfig& config, Status* status,
                                               std::string* note) {
  if (const WriterFactory& f = factory()) return f(config, status, note);
  return io::make_writer(config, status, note);
}

void set_writer_factory_for_testing(WriterFactory f) { factory() = std::move(f); }

}  // namespace lynx::detail
