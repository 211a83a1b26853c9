// Failed writes of a text sink (io::FaultInjectingWriter under a real Engine through
// engine/writer_seam.hpp): a full disk holds the lines and writes them once there is room again,
// a torn write is written again whole at the same offset; the file ends with every line once, in
// order. binary = false, so the sink's writer is the only one.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <memory>
#include <string>
#include <vector>

#include "sink_support.hpp"
#include "tests/support/fault_seam.hpp"
#include "tests/support/temp_dir.hpp"

namespace {

using lynx::io::Fault;
using lynx::test::FaultSeam;

std::vector<int> numbers_in(const std::string& path) {
  std::vector<int> out;
  for (const std::string& line : lynx::test::lines_of(lynx::test::slurp(path))) {
    const std::size_t at = line.find("line ");
    REQUIRE(at != std::string::npos);
    out.push_back(std::stoi(line.substr(at + 5)));
  }
  return out;
}

std::vector<int> up_to(int n) {
  std::vector<int> v;
  for (int i = 0; i < n; ++i) v.push_back(i);
  return v;
}

}  // namespace

TEST_CASE("a full disk holds the text sink's lines until there is room; none lost or doubled") {
  lynx::test::TempDir dir("sink-faults");
  FaultSeam seam;
  lynx::Options o{.directory = dir.path(), .name = "t", .binary = false};
  o.sinks.push_back(lynx::text_sink({.path = dir / "app.log"}));
  lynx::Engine engine(o);
  lynx::Logger& log = lynx::logger("faults");
  for (int i = 0; i < 50; ++i) LYNX_INFO(log, "line {i}", i);
  engine.flush();
  seam.writer().fail_all(Fault::enospc);
  for (int i = 50; i < 100; ++i) LYNX_INFO(log, "line {i}", i);
  engine.flush();  // the write fails: the lines are held
  CHECK(numbers_in(dir / "app.log") == up_to(50));
  CHECK(engine.stats().write_errors >= 1);
  seam.writer().heal();
  for (int i = 100; i < 150; ++i) LYNX_INFO(log, "line {i}", i);
  engine.flush();  // retried first, then the new lines after them
  CHECK(numbers_in(dir / "app.log") == up_to(150));
}

TEST_CASE("a torn write is written again whole at the same offset") {
  lynx::test::TempDir dir("sink-faults");
  FaultSeam seam({Fault{Fault::torn_write, 0, 10}});
  {
    lynx::Options o{.directory = dir.path(), .name = "t", .binary = false};
    o.sinks.push_back(lynx::text_sink({.path = dir / "app.log"}));
    lynx::Engine engine(o);
    for (int i = 0; i < 20; ++i) LYNX_INFO(lynx::logger("faults.torn"), "line {i}", i);
    engine.flush();
    engine.flush();  // the retry
  }
  CHECK(numbers_in(dir / "app.log") == up_to(20));
}
