// Corruption: every single-bit flip after the file header, and overwritten block headers, damage
// exactly one block; a damaged file header costs no record (format 2). That block is reported at
// its offset (with its records lost when its header is intact) and every other block still decodes;
// a damaged metadata block also costs the data block that needs its definitions, and nothing else.
// Raw and zstd blocks.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "format_test_file.hpp"

namespace {

using lynx::format::BlockKind;
using lynx::format::kBlockHeaderSize;
using lynx::format::Problem;
using lynx::test::BlockInfo;
using lynx::test::make_segmented_file;
using lynx::test::read_bytes;
using lynx::test::ReadResult;
using lynx::test::Segment;
using lynx::test::SegmentedFile;

// Checks what the reader made of the file whose segment `seg` had block `damaged` (its metadata or
// its data block) damaged. `header_intact`: the damage left the block header readable, so its
// records lost are known.
void check_one_block_damaged(const SegmentedFile& sf, std::size_t seg, const BlockInfo& damaged,
                             bool header_intact, const ReadResult& r) {
  REQUIRE(r.opened);
  const Segment& s = sf.segments[seg];
  std::vector<int> want;
  for (std::size_t i = 0; i < sf.segments.size(); ++i) {
    if (i != seg)
      want.insert(want.end(), sf.segments[i].values.begin(), sf.segments[i].values.end());
  }
  CHECK(r.values == want);
  CHECK(r.summary.records == want.size());
  // A data block that fails to decode still counts as a block read; the damaged one does not.
  CHECK(r.summary.blocks == sf.file.blocks().size() - 1);
  const std::uint64_t lost = s.values.size();
  if (holds_records(damaged.kind)) {
    REQUIRE(r.problems.size() == 1);
    const Problem& p = r.problems[0];
    CHECK(p.offset == damaged.offset);
    CHECK(p.bytes == damaged.size);
    CHECK(p.records_lost == (header_intact ? lost : 0));
  } else {
    // The metadata block, then its segment's data block, whose call site and thread are unknown.
    REQUIRE(r.problems.size() == 2);
    CHECK(r.problems[0].offset == damaged.offset);
    CHECK(r.problems[0].bytes == damaged.size);
    CHECK(r.problems[0].records_lost == 0);
    CHECK(r.problems[1].offset == s.data.offset);
    CHECK(r.problems[1].bytes == s.data.size);
    CHECK(r.problems[1].records_lost == lost);
  }
  CHECK_FALSE(r.verdict.intact());
  CHECK(r.verdict.problems.size() == r.problems.size());
  CHECK(r.verdict.records == want.size());
}

// The segment and block that contain file offset `at`.
std::pair<std::size_t, const BlockInfo*> block_at(const SegmentedFile& sf, std::size_t at) {
  for (std::size_t i = 0; i < sf.segments.size(); ++i) {
    for (const BlockInfo* b : {&sf.segments[i].metadata, &sf.segments[i].data}) {
      if (at >= b->offset && at < b->end()) return {i, b};
    }
  }
  FAIL("offset outside every block");
  return {0, nullptr};
}

}  // namespace

TEST_CASE("the test file decodes whole when nothing is damaged") {
  for (const bool zstd : {false, true}) {
    auto sf = make_segmented_file(zstd);
    const ReadResult r = read_bytes(sf.file.bytes());
    REQUIRE(r.opened);
    CHECK(r.problems.empty());
    CHECK(r.values == sf.all_values());
    CHECK(r.summary.blocks == 8);
    CHECK(r.verdict.intact());
  }
}

TEST_CASE("every single-bit flip after the file header damages exactly its own block") {
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    auto sf = make_segmented_file(zstd);
    const std::vector<std::byte> good = sf.file.bytes();
    for (std::size_t at = sf.file.header_size(); at < good.size(); ++at) {
      const auto [seg, block] = block_at(sf, at);
      for (int bit = 0; bit < 8; ++bit) {
        CAPTURE(at);
        CAPTURE(bit);
        std::vector<std::byte> bad = good;
        bad[at] ^= std::byte(1u << bit);
        // A flip in the header breaks its checksum: the sizes are not trusted, no records known.
        const bool in_header = at < block->offset + kBlockHeaderSize;
        check_one_block_damaged(sf, seg, *block, !in_header, read_bytes(std::move(bad)));
      }
    }
  }
}

TEST_CASE("an overwritten block header is skipped to the next sync marker") {
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    auto sf = make_segmented_file(zstd);
    const std::vector<std::byte> good = sf.file.bytes();
    for (std::size_t seg = 0; seg < sf.segments.size(); ++seg) {
      for (const BlockInfo* block : {&sf.segments[seg].metadata, &sf.segments[seg].data}) {
        CAPTURE(seg);
        CAPTURE(block->offset);
        // The sync marker and kind; the sizes; the checksums: each overwritten with a pattern.
        for (const auto& range : {std::pair<std::size_t, std::size_t>{0, 10}, {12, 8}, {40, 16}}) {
          const std::size_t from = range.first;  // not a structured binding: CAPTURE is a lambda
          CAPTURE(from);
          std::vector<std::byte> bad = good;
          std::fill_n(bad.begin() + static_cast<long>(block->offset + from), range.second,
                      std::byte{0xA5});
          check_one_block_damaged(sf, seg, *block, false, read_bytes(std::move(bad)));
        }
      }
    }
  }
}

TEST_CASE("every single-bit flip in the file header costs no record (format 2)") {
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    auto sf = make_segmented_file(zstd);
    const std::vector<std::byte> good = sf.file.bytes();
    const std::size_t header = sf.file.header_size();
    for (std::size_t at = 0; at < header; ++at) {
      for (int bit = 0; bit < 8; ++bit) {
        CAPTURE(at);
        CAPTURE(bit);
        std::vector<std::byte> bad = good;
        bad[at] ^= std::byte(1u << bit);
        const ReadResult r = read_bytes(std::move(bad));
        REQUIRE(r.opened);
        CHECK(r.values == sf.all_values());
        // One problem at offset 0: the magic or version bytes repaired through the checksum (12
        // bytes), or the whole header skipped to the first block.
        REQUIRE(r.problems.size() == 1);
        CHECK(r.problems[0].offset == 0);
        CHECK(r.problems[0].records_lost == 0);
        CHECK((r.problems[0].bytes == 12 || r.problems[0].bytes == header));
        CHECK_FALSE(r.verdict.intact());
        CHECK(r.verdict.records == sf.all_values().size());
        // What the header said is known all the same (from the file info entry when skipped).
        CHECK(r.header.pid == 7);
        CHECK(r.header.program == "shop");
        CHECK(r.header.created_unix_ns == lynx::test::kBase);
      }
    }
  }
}

TEST_CASE("a file header overwritten whole costs no record either") {
  auto sf = make_segmented_file(true);
  std::vector<std::byte> bad = sf.file.bytes();
  std::fill_n(bad.begin(), sf.file.header_size(), std::byte{0x5A});
  const ReadResult r = read_bytes(std::move(bad));
  REQUIRE(r.opened);
  CHECK(r.values == sf.all_values());
  REQUIRE(r.problems.size() == 1);
  CHECK(r.problems[0].bytes == sf.file.header_size());
  CHECK(r.header.pid == 7);
  CHECK(r.header.version_major == lynx::format::kVersionMajor);
}

TEST_CASE("bytes that are not a lynx file stay refused") {
  std::vector<std::byte> text(5000, std::byte{'x'});
  const ReadResult r = read_bytes(text);
  CHECK_FALSE(r.opened);
  CHECK(r.open_status.message() == "test.lynx: not a lynx log file (bad magic)");
}
