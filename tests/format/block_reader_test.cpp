// The streaming reader: the block header codec, a file read from a pipe, a growing file appended
// in pieces (a partly written block is "not yet there", never damage), and the limits a hostile
// file could blow up (reported as damage, never allocated).
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <fcntl.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "format/block_header.hpp"
#include "format/varint.hpp"
#include "format_test_file.hpp"

namespace {

namespace format = lynx::format;
using format::BlockReader;
using lynx::Status;
using lynx::test::make_segmented_file;
using lynx::test::SegmentedFile;
using lynx::test::TempDir;
using lynx::test::TestFile;
using lynx::test::types_of;

struct Pulled {
  std::vector<int> values;
  std::vector<format::Problem> problems;
  int not_yet = 0;
};

// Pulls until end, or until not_yet (then returns with `not_yet` counted).
BlockReader::Next pull(BlockReader& r, Pulled& out) {
  for (;;) {
    const BlockReader::Next n = r.next();
    switch (n) {
      case BlockReader::Next::record:
        out.values.push_back(static_cast<int>(r.record().args[0].i));
        continue;
      case BlockReader::Next::problem: out.problems.push_back(r.problem()); continue;
      case BlockReader::Next::not_yet: ++out.not_yet; return n;
      default: return n;
    }
  }
}

using Bytes = std::vector<std::byte>;

void append_varint(Bytes& b, std::uint64_t v) {
  std::byte tmp[format::kMaxVarintSize];
  b.insert(b.end(), tmp, format::put_varint(tmp, v));
}
void append_str(Bytes& b, std::string_view s) {
  append_varint(b, s.size());
  const auto* p = reinterpret_cast<const std::byte*>(s.data());
  b.insert(b.end(), p, p + s.size());
}

// A raw block with a valid header around `payload`.
Bytes raw_block(format::BlockKind kind, const Bytes& payload, std::uint32_t count) {
  Bytes b(format::kBlockHeaderSize);
  format::BlockHeader h;
  h.kind = kind;
  h.stored_size = h.raw_size = static_cast<std::uint32_t>(payload.size());
  h.record_count = count;
  h.payload_checksum = XXH3_64bits(payload.data(), payload.size());
  format::encode_block_header(h, b.data());
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// A metadata payload with one call site entry (`nargs` i32 arguments) and thread 1.
Bytes site_entry(std::string_view format_text, std::uint64_t nargs,
                 std::string_view logger = "orders") {
  Bytes body;
  append_varint(body, 1);        // id
  body.push_back(std::byte{2});  // level
  append_str(body, logger);
  append_str(body, "a.cpp");
  append_varint(body, 1);  // line
  append_str(body, "main");
  append_str(body, format_text);
  append_varint(body, nargs);
  for (std::uint64_t i = 0; i < nargs; ++i) body.push_back(std::byte{3});  // i32
  Bytes out;
  out.push_back(std::byte{1});
  append_varint(out, body.size());
  out.insert(out.end(), body.begin(), body.end());
  Bytes th;
  append_varint(th, 1);
  append_varint(th, 77);
  append_str(th, "t");
  out.push_back(std::byte{2});
  append_varint(out, th.size());
  out.insert(out.end(), th.begin(), th.end());
  return out;
}

Bytes file_with(const std::vector<Bytes>& blocks) {
  TestFile f;
  Bytes out(f.bytes().begin(), f.bytes().begin() + static_cast<long>(f.header_size()));
  for (const Bytes& b : blocks) out.insert(out.end(), b.begin(), b.end());
  return out;
}

std::vector<format::Problem> problems_of(Bytes bytes) {
  format::FileReader reader("crafted.lynx");
  REQUIRE(reader.open_bytes(std::move(bytes)).ok());
  std::vector<format::Problem> out;
  reader.read([](const format::Record&) {}, [&](const format::Problem& p) { out.push_back(p); });
  return out;
}

}  // namespace

TEST_CASE("block headers encode and decode through one definition") {
  format::BlockHeader h;
  h.kind = format::BlockKind::metadata;
  h.codec = format::Codec::zstd;
  h.stored_size = 1234;
  h.raw_size = 5678;
  h.record_count = 9;
  h.first_ts = -5;
  h.last_ts = 1LL << 60;
  h.payload_checksum = 0x0123456789ABCDEFull;
  h.dictionary_id = 42;
  std::byte b[format::kBlockHeaderSize];
  format::encode_block_header(h, b);
  // The bytes docs/format.md describes, at its offsets.
  CHECK(format::get<std::uint64_t>(b) == format::kBlockSync);
  CHECK(format::get<std::uint8_t>(b + 8) == 1);
  CHECK(format::get<std::uint8_t>(b + 9) == 1);
  CHECK(format::get<std::uint16_t>(b + 10) == 56);
  CHECK(format::get<std::uint32_t>(b + 12) == 1234);
  CHECK(format::get<std::uint32_t>(b + 16) == 5678);
  CHECK(format::get<std::uint32_t>(b + 20) == 9);
  CHECK(format::get<std::int64_t>(b + 24) == -5);
  CHECK(format::get<std::int64_t>(b + 32) == 1LL << 60);
  CHECK(format::get<std::uint64_t>(b + 40) == 0x0123456789ABCDEFull);
  CHECK(format::get<std::uint32_t>(b + 48) == 42);
  CHECK(format::get<std::uint32_t>(b + 52) == XXH32(b, 52, 0));
  format::BlockHeader back;
  REQUIRE(format::decode_block_header(b, &back));
  CHECK(back.kind == h.kind);
  CHECK(back.codec == h.codec);
  CHECK(back.header_size == 56);
  CHECK(back.stored_size == h.stored_size);
  CHECK(back.raw_size == h.raw_size);
  CHECK(back.record_count == h.record_count);
  CHECK(back.first_ts == h.first_ts);
  CHECK(back.last_ts == h.last_ts);
  CHECK(back.payload_checksum == h.payload_checksum);
  CHECK(back.dictionary_id == h.dictionary_id);
  b[30] ^= std::byte{1};
  CHECK_FALSE(format::decode_block_header(b, &back));
}

TEST_CASE("a file read from a pipe decodes as from memory") {
  for (const bool zstd : {false, true}) {
    CAPTURE(zstd);
    SegmentedFile sf = make_segmented_file(zstd);
    const Bytes bytes = sf.file.bytes();
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::thread writer([&] {
      // Small writes: the reader sees the file in many short reads.
      for (std::size_t at = 0; at < bytes.size(); at += 7) {
        const std::size_t n = std::min<std::size_t>(7, bytes.size() - at);
        REQUIRE(::write(fds[1], bytes.data() + at, n) == static_cast<ssize_t>(n));
      }
      ::close(fds[1]);
    });
    BlockReader r("pipe", std::make_unique<format::FdSource>(fds[0], "pipe"));
    const Status s = r.open();
    Pulled got;
    const BlockReader::Next last = s.ok() ? pull(r, got) : BlockReader::Next::error;
    writer.join();
    REQUIRE(s.ok());
    CHECK(last == BlockReader::Next::end);
    CHECK(got.values == sf.all_values());
    CHECK(got.problems.empty());
    CHECK(r.summary().bytes == bytes.size());
  }
}

TEST_CASE("a growing file appended in pieces: partial blocks are not yet there, never damage") {
  for (const bool zstd : {false, true}) {
    SegmentedFile sf = make_segmented_file(zstd);
    const Bytes bytes = sf.file.bytes();
    for (const std::size_t piece : {1, 5, 56, 100, 1000}) {
      CAPTURE(zstd);
      CAPTURE(piece);
      auto source = std::make_unique<format::MemorySource>();
      format::MemorySource* feed = source.get();
      BlockReader r("growing.lynx", std::move(source));
      r.set_growing(true);
      Pulled got;
      std::size_t fed = 0;
      bool opened = false;
      while (fed < bytes.size()) {
        const std::size_t n = std::min(piece, bytes.size() - fed);
        feed->append(bytes.data() + fed, n);
        fed += n;
        if (!opened) {
          const Status s = r.open();
          if (!s.ok()) {
            REQUIRE(s.code() == Status::Code::unavailable);
            continue;
          }
          opened = true;
        }
        REQUIRE(pull(r, got) == BlockReader::Next::not_yet);
      }
      REQUIRE(opened);
      CHECK(got.problems.empty());
      CHECK(got.values == sf.all_values());
      r.set_growing(false);
      CHECK(pull(r, got) == BlockReader::Next::end);
      CHECK(got.problems.empty());
    }
  }
}

TEST_CASE("a growing file with a damaged header waits for its first block, then reads it whole") {
  SegmentedFile sf = make_segmented_file(true);
  Bytes bytes = sf.file.bytes();
  std::fill_n(bytes.begin() + 12, 4, std::byte{0xFF});  // header_size: not repairable
  auto source = std::make_unique<format::MemorySource>();
  format::MemorySource* feed = source.get();
  BlockReader r("growing.lynx", std::move(source));
  r.set_growing(true);
  feed->append(bytes.data(), bytes.size());  // all of it, but less than the range a header spans
  CHECK(r.open().code() == Status::Code::unavailable);
  r.set_growing(false);  // the writer is gone: what is there is all there will be
  REQUIRE(r.open().ok());
  Pulled got;
  CHECK(pull(r, got) == BlockReader::Next::end);
  REQUIRE(got.problems.size() == 1);
  CHECK(got.problems[0].offset == 0);
  CHECK(got.values == sf.all_values());
}

TEST_CASE("a growing file on disk: a cut-off block waits, then is damage once it stops growing") {
  TempDir dir;
  SegmentedFile sf = make_segmented_file(true);
  const Bytes bytes = sf.file.bytes();
  const lynx::test::BlockInfo& last = sf.file.blocks().back();
  const std::string path = dir.file("live.lynx");
  const int out = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(out >= 0);
  // The header in two pieces, then everything but the last 3 bytes.
  REQUIRE(::write(out, bytes.data(), 20) == 20);
  std::unique_ptr<format::FdSource> source;
  REQUIRE(format::FdSource::open(path, &source).ok());
  BlockReader r(path, std::move(source));
  r.set_growing(true);
  CHECK(r.open().code() == Status::Code::unavailable);
  const std::size_t rest = bytes.size() - 3 - 20;
  REQUIRE(::write(out, bytes.data() + 20, rest) == static_cast<ssize_t>(rest));
  REQUIRE(r.open().ok());
  Pulled got;
  CHECK(pull(r, got) == BlockReader::Next::not_yet);
  CHECK(got.problems.empty());
  const std::vector<int> all = sf.all_values();
  const std::size_t last_count = sf.segments.back().values.size();
  CHECK(got.values == std::vector<int>(all.begin(), all.end() - static_cast<long>(last_count)));
  // Not yet there, again and again, from the same offset.
  CHECK(pull(r, got) == BlockReader::Next::not_yet);
  SUBCASE("the rest arrives") {
    REQUIRE(::write(out, bytes.data() + bytes.size() - 3, 3) == 3);
    CHECK(pull(r, got) == BlockReader::Next::not_yet);
    CHECK(got.values == all);
    CHECK(got.problems.empty());
  }
  SUBCASE("the writer stops: the cut-off block is reported as today") {
    r.set_growing(false);
    CHECK(pull(r, got) == BlockReader::Next::end);
    REQUIRE(got.problems.size() == 1);
    CHECK(got.problems[0].offset == last.offset);
    CHECK(got.problems[0].bytes == last.size - 3);
    CHECK(got.problems[0].records_lost == last_count);
  }
  ::close(out);
}

TEST_CASE("a growing file resyncs across appends after a damaged header") {
  SegmentedFile sf = make_segmented_file(false);
  Bytes bytes = sf.file.bytes();
  const lynx::test::BlockInfo& damaged = sf.segments[1].metadata;
  bytes[damaged.offset + 3] ^= std::byte{0x10};
  auto source = std::make_unique<format::MemorySource>();
  format::MemorySource* feed = source.get();
  BlockReader r("growing.lynx", std::move(source));
  r.set_growing(true);
  feed->append(bytes.data(), damaged.offset + 10);
  REQUIRE(r.open().ok());
  Pulled got;
  CHECK(pull(r, got) == BlockReader::Next::not_yet);
  for (std::size_t at = damaged.offset + 10; at < bytes.size(); at += 3) {
    feed->append(bytes.data() + at, std::min<std::size_t>(3, bytes.size() - at));
    CHECK(pull(r, got) == BlockReader::Next::not_yet);
  }
  r.set_growing(false);
  CHECK(pull(r, got) == BlockReader::Next::end);
  // As FileReader reports it: the metadata block, then the data block that needed it.
  REQUIRE(got.problems.size() == 2);
  CHECK(got.problems[0].offset == damaged.offset);
  CHECK(got.problems[0].bytes == damaged.size);
  CHECK(got.problems[0].message == "damaged block header; skipped to the next block");
  CHECK(got.problems[1].offset == sf.segments[1].data.offset);
}

TEST_CASE("hostile limits are damage, never allocations") {
  const Bytes record = [] {
    Bytes r;
    append_varint(r, 1);
    append_varint(r, 1);
    append_varint(r, 0);
    append_varint(r, format::zigzag(5));
    return r;
  }();
  SUBCASE("a spec width or precision above kMaxSpecWidth") {
    for (const char* t : {"{a:>2000000000}", "{a:*^4097}", "{a:.5000f}", "{a:+#08.99999e}"}) {
      CAPTURE(t);
      const auto p =
          problems_of(file_with({raw_block(format::BlockKind::metadata, site_entry(t, 1), 2),
                                 raw_block(format::BlockKind::data, record, 1)}));
      REQUIRE(p.size() == 2);
      CHECK(p[0].message.starts_with("malformed metadata block (call site 1: placeholder "));
      CHECK(p[0].message.find("is above the limit of 4096)") != std::string::npos);
      CHECK(p[1].message == "malformed data block (1 records lost)");
    }
    // At the limit: fine.
    CHECK(problems_of(
              file_with({raw_block(format::BlockKind::metadata, site_entry("{a:>4096.4096}", 1), 2),
                         raw_block(format::BlockKind::data, record, 1)}))
              .empty());
    CHECK(problems_of(
              file_with({raw_block(format::BlockKind::metadata, site_entry("{a:é<4096}", 1), 2),
                         raw_block(format::BlockKind::data, record, 1)}))
              .empty());
  }
  SUBCASE("a template or name longer than kMaxMetadataStringSize") {
    const std::string long_text(format::kMaxMetadataStringSize + 1, 'x');
    for (const bool in_logger : {false, true}) {
      const auto p = problems_of(file_with({raw_block(
          format::BlockKind::metadata,
          in_logger ? site_entry("{a}", 1, long_text) : site_entry(long_text + "{a}", 1), 2)}));
      REQUIRE(p.size() == 1);
      CHECK(p[0].message == "malformed metadata block (a string of " +
                                std::to_string(long_text.size() + (in_logger ? 0 : 3)) +
                                " bytes; at most 65536)");
    }
  }
  SUBCASE("more arguments than kMaxArgs") {
    const auto p =
        problems_of(file_with({raw_block(format::BlockKind::metadata, site_entry("x", 65), 2)}));
    REQUIRE(p.size() == 1);
    CHECK(p[0].message == "malformed metadata block (call site 1 has 65 arguments; at most 64)");
  }
  SUBCASE("more records than fit in the block") {
    Bytes meta = raw_block(format::BlockKind::metadata, site_entry("{a}", 1), 2);
    Bytes data = raw_block(format::BlockKind::data, record, 2);  // 4 bytes cannot hold 2 records
    const auto p = problems_of(file_with({meta, data}));
    REQUIRE(p.size() == 1);
    CHECK(p[0].offset == lynx::test::TestFile().header_size() + meta.size());
    CHECK(p[0].records_lost == 2);
    CHECK(p[0].message == "malformed data block (2 records cannot fit in 4 bytes; 2 records lost)");
  }
  SUBCASE("a block claiming a payload larger than any block: resync, nothing buffered") {
    Bytes meta = raw_block(format::BlockKind::metadata, site_entry("{a}", 1), 2);
    Bytes huge(format::kBlockHeaderSize);
    format::BlockHeader h;
    h.stored_size = h.raw_size = 0xFFFFFFF0u;
    h.record_count = 3;
    format::encode_block_header(h, huge.data());
    Bytes data = raw_block(format::BlockKind::data, record, 1);
    const auto p = problems_of(file_with({meta, huge, data}));
    REQUIRE(p.size() == 1);
    CHECK(p[0].bytes == format::kBlockHeaderSize);
    CHECK(p[0].message == "block claims an impossible size; skipped to the next block");
    const auto tail = problems_of(file_with({meta, huge}));
    REQUIRE(tail.size() == 1);
    CHECK(tail[0].message ==
          "block claims an impossible size (56 bytes at the end could not be used)");
  }
}
