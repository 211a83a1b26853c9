// The versioning rule of docs/format.md, seen from a 1.0 reader:
// - a newer MAJOR version is refused with a message naming both versions, whatever follows the
//   version fields (a new major may lay out everything after them differently);
// - a newer MINOR version only appends, and the reader skips what it does not know: file header
//   fields after the program name, block header fields after byte 56, fields appended to known
//   metadata entries, unknown metadata entry types and unknown block kinds.
// The future files are encoded here by hand, from docs/format.md, not with the 1.0 writer.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <xxhash.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "format/bytes.hpp"
#include "format/format.hpp"
#include "format/reader.hpp"
#include "format/varint.hpp"
#include "tools/verify_command.hpp"

namespace {

using lynx::Status;
namespace format = lynx::format;
using Bytes = std::vector<std::byte>;

constexpr std::int64_t kBase = 1795814246123456789;

// Little helpers that append docs/format.md's primitive encodings.
void u8(Bytes& b, std::uint8_t v) { b.push_back(static_cast<std::byte>(v)); }
template <class T>
void fixed(Bytes& b, T v) {
  const std::size_t at = b.size();
  b.resize(at + sizeof v);
  format::put(b.data() + at, v);
}
void varint(Bytes& b, std::uint64_t v) {
  std::byte tmp[format::kMaxVarintSize];
  b.insert(b.end(), tmp, format::put_varint(tmp, v));
}
void str(Bytes& b, std::string_view s) {
  varint(b, s.size());
  for (const char c : s) b.push_back(static_cast<std::byte>(c));
}
void append(Bytes& b, const Bytes& more) { b.insert(b.end(), more.begin(), more.end()); }
Bytes filler(std::size_t n) { return Bytes(n, std::byte{0xEE}); }

// A file header of version (major, minor) with `extra` bytes of fields appended after the program
// name (where a newer minor version adds them), checksum included.
Bytes file_header(std::uint16_t major, std::uint16_t minor, std::size_t extra) {
  Bytes b(format::kFileMagic.size());
  std::memcpy(b.data(), format::kFileMagic.data(), b.size());
  const std::string_view program = "future";
  fixed<std::uint16_t>(b, major);
  fixed<std::uint16_t>(b, minor);
  fixed<std::uint32_t>(
      b, static_cast<std::uint32_t>(format::kFileHeaderFixedSize + program.size() + extra + 4));
  fixed<std::int64_t>(b, kBase);
  fixed<std::uint32_t>(b, 77);    // pid
  fixed<std::uint32_t>(b, 3);     // shard
  fixed<std::uint64_t>(b, 12);    // sequence
  fixed<std::uint64_t>(b, 1000);  // clock_anchor_ticks
  fixed<std::int64_t>(b, kBase);  // clock_anchor_unix_ns
  fixed<double>(b, 0.5);          // clock_ns_per_tick
  fixed<std::uint16_t>(b, static_cast<std::uint16_t>(program.size()));
  for (const char c : program) b.push_back(static_cast<std::byte>(c));
  append(b, filler(extra));
  fixed<std::uint32_t>(b, XXH32(b.data(), b.size(), 0));
  return b;
}

// A raw block of any kind whose header carries `extra` appended bytes (header_size 56 + extra).
Bytes block(std::uint8_t kind, const Bytes& payload, std::uint32_t count, std::int64_t first_ts,
            std::int64_t last_ts, std::size_t extra) {
  Bytes b;
  fixed<std::uint64_t>(b, format::kBlockSync);
  u8(b, kind);
  u8(b, static_cast<std::uint8_t>(format::Codec::raw));
  fixed<std::uint16_t>(b, static_cast<std::uint16_t>(format::kBlockHeaderSize + extra));
  fixed<std::uint32_t>(b, static_cast<std::uint32_t>(payload.size()));  // stored_size
  fixed<std::uint32_t>(b, static_cast<std::uint32_t>(payload.size()));  // raw_size
  fixed<std::uint32_t>(b, count);
  fixed<std::int64_t>(b, first_ts);
  fixed<std::int64_t>(b, last_ts);
  fixed<std::uint64_t>(b, XXH3_64bits(payload.data(), payload.size()));
  fixed<std::uint32_t>(b, 0);  // dictionary_id
  fixed<std::uint32_t>(b, XXH32(b.data(), 52, 0));
  append(b, filler(extra));
  append(b, payload);
  return b;
}

// A metadata entry: u8 type, varint body_size, body.
void entry(Bytes& payload, std::uint8_t type, const Bytes& body) {
  u8(payload, type);
  varint(payload, body.size());
  append(payload, body);
}

// Metadata for call site 1 = "n={n} name={s}" (i32, string) and thread 1, each entry followed by
// `extra` bytes of appended fields; with `unknown`, entries of types 1.0 does not know around them.
Bytes metadata_payload(std::size_t extra, bool unknown) {
  Bytes payload;
  if (unknown) entry(payload, 0x7F, filler(5));
  Bytes site;
  varint(site, 1);                                         // id
  u8(site, static_cast<std::uint8_t>(lynx::Level::warn));  // level
  str(site, "orders");                                     // logger
  str(site, "src/shop.cpp");                               // file
  varint(site, 42);                                        // line
  str(site, "main");                                       // function
  str(site, "n={n} name={s}");                             // format
  varint(site, 2);                                         // arg_count
  u8(site, static_cast<std::uint8_t>(lynx::detail::ArgType::i32));
  u8(site, static_cast<std::uint8_t>(lynx::detail::ArgType::string));
  append(site, filler(extra));
  entry(payload, static_cast<std::uint8_t>(format::EntryType::call_site), site);
  if (unknown) entry(payload, 9, Bytes{});  // an empty entry of a future type
  Bytes thread;
  varint(thread, 1);     // id
  varint(thread, 4242);  // os_tid
  str(thread, "worker");
  append(thread, filler(extra));
  entry(payload, static_cast<std::uint8_t>(format::EntryType::thread), thread);
  if (unknown) entry(payload, 0xFF, filler(300));  // a body size that needs a 2-byte varint
  return payload;
}

constexpr int kRecords = 3;

// kRecords records of site 1, thread 1, 10 ns apart from kBase: n = -1, 0, 1.
Bytes data_payload() {
  Bytes payload;
  for (int i = 0; i < kRecords; ++i) {
    varint(payload, 1);                                // call_site_id
    varint(payload, 1);                                // thread_id
    varint(payload, format::zigzag(i == 0 ? 0 : 10));  // ts_delta
    varint(payload, format::zigzag(i - 1));            // n: i32
    str(payload, "bob");                               // s: string
  }
  return payload;
}

// A whole file: header, metadata block, data block; `extra` appended bytes everywhere and, with
// `unknown`, unknown metadata entries and unknown block kinds.
Bytes make_file(std::uint16_t minor, std::size_t extra, bool unknown) {
  Bytes f = file_header(1, minor, extra);  // a 1.x file: kind 2 records
  if (unknown) append(f, block(0x42, filler(17), 1, 0, 0, extra));
  append(f, block(static_cast<std::uint8_t>(format::BlockKind::metadata),
                  metadata_payload(extra, unknown), unknown ? 5 : 2, 0, 0, extra));
  if (unknown) append(f, block(0xF0, Bytes{}, 0, kBase, kBase, 0));
  append(f, block(static_cast<std::uint8_t>(format::BlockKind::data), data_payload(), kRecords,
                  kBase, kBase + 10 * (kRecords - 1), extra));
  return f;
}

struct Decoded {
  Status open_status;
  format::FileHeader header;
  format::ReadSummary summary;
  std::vector<std::string> records;  // "ts level logger file:line thread n name"
  std::vector<format::Problem> problems;
  lynx::tools::FileVerdict verdict;
};

Decoded decode(const Bytes& bytes) {
  Decoded d;
  format::FileReader reader("future.lynx");
  d.open_status = reader.open_bytes(bytes);
  if (!d.open_status.ok()) return d;
  d.header = reader.header();
  d.summary = reader.read(
      [&](const format::Record& r) {
        REQUIRE(r.args.size() == 2);
        d.records.push_back(std::to_string(r.ts_ns - kBase) + " " +
                            std::to_string(static_cast<int>(r.site->level)) + " " + r.site->logger +
                            " " + r.site->file + ":" + std::to_string(r.site->line) + " " +
                            std::to_string(r.thread->os_tid) + " " + r.thread->name + " " +
                            std::to_string(r.args[0].i) + " " + std::string(r.args[1].s));
      },
      [&](const format::Problem& p) { d.problems.push_back(p); });
  format::FileReader again("future.lynx");
  REQUIRE(again.open_bytes(bytes).ok());
  d.verdict = lynx::tools::verify_reader(again);
  return d;
}

const std::vector<std::string> kWant = {
    "0 3 orders src/shop.cpp:42 4242 worker -1 bob",
    "10 3 orders src/shop.cpp:42 4242 worker 0 bob",
    "20 3 orders src/shop.cpp:42 4242 worker 1 bob",
};

}  // namespace

TEST_CASE("the hand-encoded 1.0 file decodes (the encoder of this test follows the spec)") {
  const Decoded d = decode(make_file(format::kVersionMinor, 0, false));
  REQUIRE(d.open_status.ok());
  CHECK(d.problems.empty());
  CHECK(d.records == kWant);
  CHECK(d.summary.blocks == 2);
  CHECK(d.verdict.intact());
  CHECK(d.header.pid == 77);
  CHECK(d.header.shard == 3);
  CHECK(d.header.sequence == 12);
  CHECK(d.header.clock_anchor_ticks == 1000);
  CHECK(d.header.clock_ns_per_tick == 0.5);
  CHECK(d.header.program == "future");
}

TEST_CASE("a newer minor version: appended fields and unknown kinds are skipped") {
  for (const std::size_t extra : {std::size_t{1}, std::size_t{8}, std::size_t{200}}) {
    for (const bool unknown : {false, true}) {
      CAPTURE(extra);
      CAPTURE(unknown);
      const Bytes bytes = make_file(format::kVersionMinor + 5, extra, unknown);
      const Decoded d = decode(bytes);
      REQUIRE(d.open_status.ok());
      CHECK(d.header.version_major == 1);
      CHECK(d.header.version_minor == format::kVersionMinor + 5);
      CHECK(d.header.program == "future");  // the appended header fields are not part of the name
      CHECK(d.header.sequence == 12);
      CHECK(d.problems.empty());
      CHECK(d.records == kWant);
      CHECK(d.summary.records == kRecords);
      // Unknown blocks are intact blocks too: they are counted, and verify finds nothing wrong.
      CHECK(d.summary.blocks == (unknown ? 4u : 2u));
      CHECK(d.verdict.intact());
      CHECK(d.verdict.bytes == bytes.size());
    }
  }
}

TEST_CASE("damage to a block with an appended header field is still found") {
  // The header checksum covers bytes 0..51 only; appended header bytes are outside it, but the
  // block's payload checksum and every 1.0 field stay protected.
  const Bytes good = make_file(format::kVersionMinor + 1, 8, true);
  const std::size_t header = format::kFileHeaderFixedSize + 6 + 8 + 4;
  Bytes damaged = good;
  damaged[header + format::kBlockHeaderSize + 8 + 3] ^= std::byte{1};  // unknown block's payload
  const Decoded d = decode(damaged);
  REQUIRE(d.open_status.ok());
  REQUIRE(d.problems.size() == 1);
  CHECK(d.problems[0].offset == header);
  CHECK(d.problems[0].message == "block checksum mismatch (0 records lost)");
  CHECK(d.records == kWant);  // the blocks after it decode
}

TEST_CASE("a newer major version is refused with a clear message, whatever follows") {
  const std::uint16_t next = format::kVersionMajor + 1;
  const std::string want = "future.lynx: written by a newer lynx (format " + std::to_string(next) +
                           ".3); this reader understands format " +
                           std::to_string(format::kVersionMajor) +
                           ".x and older: upgrade lynx to read it";
  // A well-formed header of the next major version, and one whose layout after the version fields
  // means nothing to this reader (impossible size, no checksum): both refused the same way.
  Bytes strange(format::kFileMagic.size());
  std::memcpy(strange.data(), format::kFileMagic.data(), strange.size());
  fixed<std::uint16_t>(strange, next);
  fixed<std::uint16_t>(strange, 3);
  fixed<std::uint32_t>(strange, 0xFFFFFFFF);
  for (const Bytes& bytes : {file_header(next, 3, 0), file_header(next, 3, 100), strange}) {
    const Decoded d = decode(bytes);
    CHECK(d.open_status.code() == Status::Code::unsupported);
    CHECK(d.open_status.message() == want);
  }
  // The largest major is refused too (no overflow), and so is a whole 1.0 file relabelled as the
  // next major version with its checksum recomputed: it is what it says, not guessed at.
  CHECK(decode(file_header(0xFFFF, 0, 0)).open_status.code() == Status::Code::unsupported);
  Bytes relabelled = make_file(format::kVersionMinor, 0, false);
  const std::size_t header_size = format::get<std::uint32_t>(relabelled.data() + 12);
  format::put<std::uint16_t>(relabelled.data() + 8, next);
  {  // the version number changed but not the checksum: damage to the version bytes, repaired
    const Decoded d = decode(relabelled);
    CHECK(d.open_status.ok());
    REQUIRE(d.problems.size() == 1);
    CHECK(d.problems[0].offset == 0);
    CHECK(d.problems[0].records_lost == 0);
    CHECK(d.records == kWant);
  }
  format::put<std::uint32_t>(relabelled.data() + header_size - 4,
                             XXH32(relabelled.data(), header_size - 4, 0));
  CHECK(decode(relabelled).open_status.code() == Status::Code::unsupported);
  // Too short to hold a version: damage, not a newer version.
  CHECK(decode(Bytes(strange.begin(), strange.begin() + 9)).open_status.code() ==
        Status::Code::corrupt);
}
