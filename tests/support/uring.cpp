#include "tests/support/uring.hpp"

#include <stdexcept>

#include "io/writer.hpp"

namespace lynx::test {

std::string io_uring_missing() {
  io::WriterConfig config;
  config.kind = io::Kind::uring;
  Status s;
  if (io::make_writer(config, &s, nullptr) != nullptr) return {};
  return s.ok() ? std::string("io_uring unavailable") : s.to_string();
}

std::unique_ptr<io::UringWriter> make_uring(unsigned max_in_flight, io::BufferPool* registered) {
  io::WriterConfig config;
  config.kind = io::Kind::uring;
  config.max_in_flight = max_in_flight;
  config.pool = registered;
  Status s;
  auto w = io::UringWriter::create(config, &s);
  if (w == nullptr) throw std::runtime_error("UringWriter::create: " + s.to_string());
  return w;
}

}  // namespace lynx::test
