// The multi-block file the crash and corruption tests cut and damage, and a decoder that collects
// what format::FileReader makes of any byte string.
//
// Layout: file header, then four segments, each a metadata block defining the segment's own call
// site and thread (fresh ids, so a damaged metadata block only affects its own segment) followed by
// one data block with a known number of records. Every record is "n={n}" with a file-wide running
// n, so the records decoded from a damaged file say exactly which ones survived.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "../tools/cli_test_support.hpp"
#include "format/reader.hpp"
#include "tools/verify_command.hpp"

namespace lynx::test {

inline constexpr std::uint32_t kSegmentRecords[] = {3, 1, 6, 2};

struct Segment {
  BlockInfo metadata;
  BlockInfo data;
  std::vector<int> values;  // the n of each record of the data block
};

struct SegmentedFile {
  TestFile file;
  std::vector<Segment> segments;
  std::vector<int> all_values() const {
    std::vector<int> out;
    for (const Segment& s : segments) out.insert(out.end(), s.values.begin(), s.values.end());
    return out;
  }
};

inline SegmentedFile make_segmented_file(bool zstd) {
  SegmentedFile out{TestFile(7, 0, 0, zstd), {}};
  TestFile& f = out.file;
  int n = 0;
  std::uint32_t id = 1;
  for (const std::uint32_t count : kSegmentRecords) {
    f.site(id, "n={n} text={s}", types_of<int, std::string_view>());
    f.thread(id, 1000 + id);
    f.seal();
    Segment seg;
    seg.metadata = f.blocks().back();
    for (std::uint32_t i = 0; i < count; ++i, ++n) {
      f.record(id, id, kBase + n * 1000, n, std::string_view("some text that compresses well"));
      seg.values.push_back(n);
    }
    f.seal();
    seg.data = f.blocks().back();
    REQUIRE(seg.metadata.kind == format::BlockKind::metadata);
    REQUIRE(seg.data.kind == format::BlockKind::packed);
    REQUIRE(seg.data.records == count);
    out.segments.push_back(seg);
    ++id;
  }
  return out;
}

// What the reader made of a byte string.
struct ReadResult {
  bool opened = false;
  Status open_status;
  format::ReadSummary summary;
  std::vector<int> values;  // n of every decoded record, in file order
  std::vector<format::Problem> problems;
  tools::FileVerdict verdict;  // the same file through `lynx verify`'s code
  format::FileHeader header;   // as the reader knew it after the last record
};

inline ReadResult read_bytes(std::vector<std::byte> bytes) {
  ReadResult r;
  {
    format::FileReader reader("test.lynx");
    r.open_status = reader.open_bytes(bytes);
    r.opened = r.open_status.ok();
    if (!r.opened) return r;
    r.summary = reader.read(
        [&](const format::Record& rec) {
          REQUIRE(rec.args.size() == 2);
          r.values.push_back(static_cast<int>(rec.args[0].i));
          CHECK(rec.args[1].s == "some text that compresses well");
        },
        [&](const format::Problem& p) { r.problems.push_back(p); });
    r.header = reader.header();
  }
  format::FileReader again("test.lynx");
  REQUIRE(again.open_bytes(std::move(bytes)).ok());
  r.verdict = tools::verify_reader(again);
  return r;
}

}  // namespace lynx::test
