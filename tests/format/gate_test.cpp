// BlockReader's record gate (format::RecordGate, what `lynx cat --level/--logger/--thread/--since`
// use): a record the gate drops by its site has its arguments stepped over by their sizes, never
// decoded; one dropped by its thread or time keeps the site's packed predictions going, so the
// records after it decode right; what the gate keeps comes out exactly as without a gate.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <xxhash.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "../tools/cli_test_support.hpp"
#include "format/reader.hpp"

namespace {

using lynx::format::BlockKind;
using lynx::format::BlockReader;
using lynx::format::RecordGate;
using lynx::test::kBase;
using lynx::test::TestFile;
using lynx::test::types_of;

// Drops the records of one site (drop_site) or of one OS thread (drop); counts its calls.
class TestGate final : public RecordGate {
 public:
  std::uint32_t drop_site_id = 0;
  std::uint64_t drop_tid = 0;
  int calls = 0;
  Verdict judge(const lynx::format::CallSiteInfo& site, const lynx::format::ThreadInfo& thread,
                std::int64_t) override {
    ++calls;
    if (site.id == drop_site_id) return Verdict::drop_site;
    if (thread.os_tid == drop_tid) return Verdict::drop;
    return Verdict::keep;
  }
};

struct Read {
  std::vector<std::string> records;  // "site tid value..." of each record delivered
  std::vector<std::string> problems;
  lynx::format::ReadSummary summary;
};

Read read(const std::vector<std::byte>& bytes, RecordGate* gate) {
  Read out;
  BlockReader reader("gate.lynx", std::make_unique<lynx::format::MemorySource>(bytes));
  REQUIRE(reader.open().ok());
  reader.set_gate(gate);
  for (;;) {
    const BlockReader::Next n = reader.next();
    if (n == BlockReader::Next::record) {
      const lynx::format::Record& r = reader.record();
      std::string line = std::to_string(r.site->id) + " " + std::to_string(r.thread->os_tid);
      for (const lynx::record::Value& v : r.args) {
        line += " ";
        line += v.kind == lynx::record::Kind::string ? std::string(v.s) : std::to_string(v.i);
      }
      out.records.push_back(line);
    } else if (n == BlockReader::Next::problem) {
      out.problems.push_back(reader.problem().message);
    } else {
      break;
    }
  }
  out.summary = reader.summary();
  return out;
}

// A packed block made by hand (docs/format.md) whose first record, of site 5, has arguments that
// cannot be decoded: its string claims to share 9 bytes with a previous value that is empty.
// The second record, of site 6, is fine.
std::vector<std::byte> file_with_undecodable_arguments() {
  TestFile f(7, 0, 0, false);
  f.site(5, "n={n} s={s}", types_of<std::int32_t, std::string_view>(), lynx::Level::info);
  f.site(6, "m={m}", types_of<std::int32_t>(), lynx::Level::error);
  f.thread(3, 4242);
  f.seal();
  std::vector<std::byte> p;
  auto u8 = [&](unsigned v) { p.push_back(static_cast<std::byte>(v)); };
  u8(0x03), u8(5), u8(3), u8(0);                 // control: new site 5, new thread 3; ts delta 0
  u8(lynx::format::zigzag(10));                  // n = 10
  u8(9), u8(2), u8('a'), u8('b');                // s: "shares 9 bytes" of "": undecodable
  u8(0x01), u8(6), u8(lynx::format::zigzag(5));  // control: new site 6; ts delta +5
  u8(lynx::format::zigzag(7));                   // m = 7
  std::vector<std::byte> file = f.bytes();
  lynx::format::BlockHeader h;
  h.kind = BlockKind::packed;
  h.stored_size = h.raw_size = static_cast<std::uint32_t>(p.size());
  h.record_count = 2;
  h.first_ts = kBase;
  h.last_ts = kBase + 5;
  h.payload_checksum = XXH3_64bits(p.data(), p.size());
  std::vector<std::byte> header(lynx::format::kBlockHeaderSize);
  lynx::format::encode_block_header(h, header.data());
  file.insert(file.end(), header.begin(), header.end());
  file.insert(file.end(), p.begin(), p.end());
  return file;
}

}  // namespace

TEST_CASE("a record dropped by its site has its arguments not decoded at all") {
  const std::vector<std::byte> file = file_with_undecodable_arguments();
  // Decoding the arguments of the first record fails: the block is reported malformed.
  const Read all = read(file, nullptr);
  CHECK(all.records.empty());
  REQUIRE(all.problems.size() == 1);
  CHECK(all.problems[0].find("malformed data block") != std::string::npos);
  // Dropped by its site, its arguments are only stepped over: the record after it comes out.
  TestGate gate;
  gate.drop_site_id = 5;
  const Read kept = read(file, &gate);
  CHECK(kept.problems.empty());
  CHECK(kept.records == std::vector<std::string>{"6 4242 7"});
  CHECK(kept.summary.records == 2);
  CHECK(kept.summary.dropped == 1);
  CHECK(kept.summary.undecoded == 1);
  CHECK(gate.calls == 2);
}

TEST_CASE("records dropped by site or thread: the rest decode exactly as without a gate") {
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    TestFile f(7, 0, 0, zstd);
    f.site(1, "n={n} who={who}", types_of<std::int64_t, std::string_view>(), lynx::Level::info);
    f.site(2, "k={k} tag={tag}", types_of<std::int64_t, std::string_view>(), lynx::Level::error);
    f.thread(1, 101);
    f.thread(2, 102);
    const char* const names[] = {"alice", "alicia", "bob", "bobby"};
    for (int i = 0; i < 3000; ++i) {
      const std::uint32_t site = i % 7 == 0 ? 2 : 1;
      const std::uint32_t thread = i % 3 == 0 ? 2 : 1;
      // Strides, repeats, shared prefixes and misses: every kind of residual.
      const std::int64_t value = i % 11 == 0 ? i * 7919 : i * 3;
      f.record(site, thread, kBase + i * 1000, value, std::string_view(names[i / 5 % 4]));
      if (i % 1000 == 999) f.seal();  // several blocks: predictions restart in each
    }
    f.seal();
    const std::vector<std::byte> bytes = f.bytes();
    const Read all = read(bytes, nullptr);
    REQUIRE(all.records.size() == 3000);
    REQUIRE(all.problems.empty());
    auto only = [&](auto keep) {
      std::vector<std::string> v;
      for (const std::string& r : all.records)
        if (keep(r)) v.push_back(r);
      return v;
    };

    TestGate by_site;
    by_site.drop_site_id = 1;
    const Read errors = read(bytes, &by_site);
    CHECK(errors.problems.empty());
    CHECK(errors.records == only([](const std::string& r) { return r[0] == '2'; }));
    CHECK(errors.summary.dropped == 3000 - errors.records.size());
    CHECK(errors.summary.undecoded == errors.summary.dropped);

    TestGate by_thread;
    by_thread.drop_tid = 102;
    const Read one_thread = read(bytes, &by_thread);
    CHECK(one_thread.problems.empty());
    CHECK(one_thread.records ==
          only([](const std::string& r) { return r.find(" 101 ") != std::string::npos; }));
    CHECK(one_thread.summary.dropped == 1000);
    CHECK(one_thread.summary.undecoded == 0);  // decoded for the predictions' sake
  }
}
