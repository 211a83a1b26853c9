// Crash tolerance: a file cut off at EVERY byte offset (what a crash in the middle of a write
// leaves) decodes exactly the records of the complete blocks before the cut, and reports the cut
// block with the exact number of unusable tail bytes. Raw and zstd blocks.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "format_test_file.hpp"

namespace {

using lynx::Status;
using lynx::test::BlockInfo;
using lynx::test::make_segmented_file;
using lynx::test::read_bytes;
using lynx::test::ReadResult;

}  // namespace

TEST_CASE("a file cut at every byte offset decodes its complete blocks and reports the rest") {
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    auto sf = make_segmented_file(zstd);
    const std::vector<std::byte> full = sf.file.bytes();
    const std::vector<BlockInfo>& blocks = sf.file.blocks();
    REQUIRE(blocks.size() == 8);
    REQUIRE(blocks.back().end() == full.size());
    const std::size_t header = sf.file.header_size();

    for (std::size_t cut = 0; cut <= full.size(); ++cut) {
      CAPTURE(cut);
      const ReadResult r = read_bytes(std::vector<std::byte>(full.begin(), full.begin() + cut));
      if (cut < header) {
        // Inside the file header: refused cleanly, as damage, never as a newer version; no
        // byte at all is a file nothing was flushed to yet.
        CHECK_FALSE(r.opened);
        CHECK(r.open_status.code() ==
              (cut == 0 ? Status::Code::unavailable : Status::Code::corrupt));
        continue;
      }
      REQUIRE(r.opened);
      // Expected: every block that ends at or before the cut, and the records of its data blocks.
      std::vector<int> want_values;
      std::uint64_t want_blocks = 0;
      const BlockInfo* cut_block = nullptr;
      int n = 0;
      for (const BlockInfo& b : blocks) {
        if (b.end() <= cut) {
          ++want_blocks;
          for (std::uint32_t i = 0; i < b.records; ++i)
            want_values.push_back(n + static_cast<int>(i));
        } else if (b.offset < cut) {
          cut_block = &b;
        }
        n += static_cast<int>(b.records);
      }
      CHECK(r.values == want_values);
      CHECK(r.summary.blocks == want_blocks);
      CHECK(r.summary.records == want_values.size());
      CHECK(r.summary.bytes == cut);
      CHECK(r.verdict.records == want_values.size());
      if (cut_block == nullptr) {  // at a block boundary (or right after the header)
        CHECK(r.problems.empty());
        CHECK(r.verdict.intact());
        CHECK(r.verdict.tail_bytes == 0);
        continue;
      }
      REQUIRE(r.problems.size() == 1);
      const lynx::format::Problem& p = r.problems[0];
      CHECK(p.offset == cut_block->offset);
      CHECK(p.bytes == cut - cut_block->offset);
      // Records lost are known only once the block header is complete.
      const bool header_complete = cut >= cut_block->offset + lynx::format::kBlockHeaderSize;
      CHECK(p.records_lost == (header_complete ? cut_block->records : 0));
      CHECK_FALSE(r.verdict.intact());
      CHECK(r.verdict.tail_bytes == cut - cut_block->offset);
      CHECK(r.verdict.records_lost == p.records_lost);
    }
  }
}

TEST_CASE("a file that is only a header, or empty, is handled without blocks") {
  auto sf = make_segmented_file(false);
  const std::vector<std::byte>& full = sf.file.bytes();
  const ReadResult header_only = read_bytes(std::vector<std::byte>(
      full.begin(), full.begin() + static_cast<long>(sf.file.header_size())));
  REQUIRE(header_only.opened);
  CHECK(header_only.summary.blocks == 0);
  CHECK(header_only.problems.empty());
  CHECK(header_only.verdict.intact());

  const ReadResult empty = read_bytes({});
  CHECK_FALSE(empty.opened);
  CHECK(empty.open_status.code() == Status::Code::unavailable);  // "empty (nothing flushed yet)"
}
