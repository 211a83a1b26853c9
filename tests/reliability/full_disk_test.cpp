// Exact accounting when the disk stays full through stop: what the engine reports as lost
// ("N records could not be written and are lost", Stats::records_dropped) is exactly what is not
// on disk, across rotation; no record on disk is counted as lost. The writer is wrapped in
// io::FaultInjectingWriter through engine/writer_seam.hpp.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>
#include <lynx/lynx.hpp>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "engine/writer_seam.hpp"
#include "test_support.hpp"
#include "tests/support/fault_injection.hpp"
#include "tests/support/payload.hpp"

namespace {

// The count in "lynx: N records could not be written and are lost", or 0.
std::uint64_t reported_lost(const std::string& text) {
  const std::string tail = " records could not be written and are lost";
  const auto end = text.find(tail);
  if (end == std::string::npos) return 0;
  auto begin = text.rfind("lynx: ", end);
  return begin == std::string::npos ? 0 : std::stoull(text.substr(begin + 6, end - begin - 6));
}

}  // namespace

TEST_CASE("a disk that stays full through stop: records lost = records logged - records on disk") {
  for (const bool rotate : {false, true}) {
    CAPTURE(rotate);
    lynx::test::TempDir dir("full-disk");
    lynx::io::FaultInjectingWriter* writer = nullptr;
    lynx::detail::set_writer_factory_for_testing(
        [&](const lynx::io::WriterConfig& config, lynx::Status* status, std::string* note) {
          auto inner = lynx::io::make_writer(config, status, note);
          if (inner == nullptr) return std::unique_ptr<lynx::io::Writer>();
          auto w = std::make_unique<lynx::io::FaultInjectingWriter>(std::move(inner),
                                                                    std::vector<lynx::io::Fault>{});
          writer = w.get();
          return std::unique_ptr<lynx::io::Writer>(std::move(w));
        });
    constexpr std::uint64_t kBefore = 3000, kAfter = 2000;
    const std::string err_path = dir / "stderr";
    std::fflush(stderr);
    const int saved = ::dup(2);
    const int fd = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(fd, 2);
    ::close(fd);
    lynx::Stats last{};
    {
      lynx::Engine engine(lynx::Options{.directory = dir.path(),
                                        .name = "w",
                                        .rotate_bytes = rotate ? 64u << 10 : 0,
                                        .compression = lynx::Compression::none,
                                        .flush_every = std::chrono::hours(1)});
      lynx::Logger& log = lynx::logger("full");
      for (std::uint64_t i = 0; i < kBefore; ++i)
        LYNX_INFO(log, "record {i} {s}", i, lynx::test::payload(200, i));
      engine.flush();
      REQUIRE(writer != nullptr);
      writer->fail_all(lynx::io::Fault::enospc);
      for (std::uint64_t i = kBefore; i < kBefore + kAfter; ++i)
        LYNX_INFO(log, "record {i} {s}", i, lynx::test::payload(200, i));
      engine.flush();
      last = engine.stats();
    }
    std::fflush(stderr);
    ::dup2(saved, 2);
    ::close(saved);
    lynx::detail::set_writer_factory_for_testing({});
    const auto d = lynx::test::decode_dir(dir.path());
    const std::uint64_t on_disk = d.user_records().size();
    const std::uint64_t lost = reported_lost(lynx::test::read_bytes(err_path));
    CAPTURE(on_disk);
    CAPTURE(lost);
    // Files opened while the disk was full hold nothing (their header could not be written
    // either): the only damage allowed.
    std::uint64_t damaged = 0;
    for (const auto& f : d.files) damaged += f.size != 0 && (!f.opened || f.problems != 0);
    for (const std::string& p : d.problem_messages) MESSAGE(p);
    CHECK(damaged == 0);
    CHECK(last.write_errors > 0);
    CHECK(on_disk + lost + d.dropped_in_notices() == kBefore + kAfter);
    CHECK(on_disk >= kBefore);
  }
}
