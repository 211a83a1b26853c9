// How the engine gets its io::Writer, and the seam tests use to put a fault-injecting writer
// (tests/support/fault_injection.hpp) under a real Engine, in the style of LevelDB's Env. Not
// public API.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "base/status.hpp"
#include "io/writer.hpp"

namespace lynx::detail {

using WriterFactory =
    std::function<std::unique_ptr<io::Writer>(const io::WriterConfig&, Status*, std::string*)>;

// io::make_writer(), or the factory set for testing.
std::unique_ptr<io::Writer> make_engine_writer(const io::WriterConfig& config, Status* status,
                                               std::string* note);

// Engines constructed from now on get their writer from `factory` (an empty one restores
// io::make_writer). Not thread-safe: set it while no engine is being constructed.
void set_writer_factory_for_testing(WriterFactory factory);

}  // namespace lynx::detail
