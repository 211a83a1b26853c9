// FaultSeam: while it lives, every Engine constructed writes through an io::FaultInjectingWriter
// (tests/support/fault_injection.hpp) that wraps the writer it would have used, installed through
// the seam of engine/writer_seam.hpp. Header-only: tests that use it link the engine (lynx_dep).
#pragma once

#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "engine/writer_seam.hpp"
#include "tests/support/fault_injection.hpp"

namespace lynx::test {

class FaultSeam {
 public:
  explicit FaultSeam(std::vector<io::Fault> script = {}) {
    lynx::detail::set_writer_factory_for_testing(
        [this, script](const io::WriterConfig& config, Status* status, std::string* note) {
          auto inner = io::make_writer(config, status, note);
          if (inner == nullptr) return std::unique_ptr<io::Writer>();
          auto writer = std::make_unique<io::FaultInjectingWriter>(std::move(inner), script);
          writer_ = writer.get();
          return std::unique_ptr<io::Writer>(std::move(writer));
        });
  }
  ~FaultSeam() { lynx::detail::set_writer_factory_for_testing({}); }
  FaultSeam(const FaultSeam&) = delete;
  FaultSeam& operator=(const FaultSeam&) = delete;

  // The writer of the engine constructed last (owned by that engine).
  io::FaultInjectingWriter& writer() const {
    REQUIRE(writer_ != nullptr);
    return *writer_;
  }

 private:
  io::FaultInjectingWriter* writer_ = nullptr;
};

}  // namespace lynx::test
