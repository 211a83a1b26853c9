// Format 2.1 record extras (docs/format.md, "Packed data block with record extras"): what
// BlockBuilder::add_extras writes, byte for byte as documented, decodes to the same context,
// suppressed counts and backtrace marks, per thread and per block (each block restates what its
// records need); blocks without extras stay kind 4; malformed extras cost their block, nothing
// else.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <xxhash.h>

#include <cstring>
#include <string>
#include <vector>

#include "format/block_builder.hpp"
#include "format/block_header.hpp"
#include "format/reader.hpp"
#include "lynx/context.hpp"

namespace {

using namespace lynx;
using detail::ArgType;

constexpr std::int64_t kTs = 1795814246123456789;

// Context fields in ring form, as a lynx::Context encodes them.
template <class... Args>
std::vector<std::byte> ring_fields(const Args&... pairs) {
  std::vector<std::byte> out(detail::context_size(pairs...));
  detail::context_encode(out.data(), pairs...);
  return out;
}
std::vector<record::RingField> parsed(const std::vector<std::byte>& bytes) {
  std::vector<record::RingField> out;
  REQUIRE(record::parse_ring_fields(bytes.data(), bytes.size(), &out));
  return out;
}

struct Writer {
  format::BlockBuilder builder{nullptr, 1 << 16};
  std::vector<std::byte> bytes;
  const ArgType int_type[1] = {ArgType::i32};
  Writer() {
    format::FileHeader h;
    h.created_unix_ns = kTs;
    h.program = "t";
    bytes = format::encode_file_header(h);
    builder.start_file(h);
    builder.add_call_site(0, Level::info, "orders", "a.cpp", 1, "f", "n={n}", int_type, 1);
    builder.add_thread(0, 100, "a");
    builder.add_thread(1, 101, "b");
  }
  void record(std::uint32_t thread, int n) {
    builder.add_record(0, thread, kTs + n, int_type, 1, reinterpret_cast<const std::byte*>(&n), 4);
  }
  // Returns the offset of the last block sealed.
  std::size_t seal() {
    std::vector<std::byte> out(builder.seal_bound());
    format::SealStats stats;
    out.resize(builder.seal(out.data(), &stats));
    std::size_t at = 0, last = 0;
    while (at < out.size()) {
      format::BlockHeader h;
      REQUIRE(format::decode_block_header(out.data() + at, &h));
      last = bytes.size() + at;
      at += format::kBlockHeaderSize + h.stored_size;
    }
    bytes.insert(bytes.end(), out.begin(), out.end());
    return last;
  }
};

struct Seen {
  int n;
  std::string context;  // "name=value,..."
  std::uint64_t suppressed;
  bool backtrace;
};

std::vector<Seen> read(std::vector<std::byte> bytes, std::uint64_t* problems = nullptr) {
  std::vector<Seen> out;
  format::FileReader reader("extras.lynx");
  REQUIRE(reader.open_bytes(std::move(bytes)).ok());
  const auto sum = reader.read(
      [&](const format::Record& r) {
        Seen s{static_cast<int>(r.args[0].i), "", r.suppressed, r.backtrace};
        for (const auto& e : r.context) {
          s.context += std::string(e.name) + "=";
          s.context += e.value.kind == record::Kind::string ? std::string(e.value.s)
                                                            : std::to_string(e.value.i);
          s.context += ",";
        }
        out.push_back(s);
      },
      [](const format::Problem&) {});
  if (problems != nullptr) *problems = sum.problems;
  return out;
}

format::BlockHeader header_at(const std::vector<std::byte>& bytes, std::size_t at) {
  format::BlockHeader h;
  REQUIRE(format::decode_block_header(bytes.data() + at, &h));
  return h;
}

}  // namespace

TEST_CASE("the extras table is written byte for byte as docs/format.md shows") {
  Writer w;
  const auto ctx = ring_fields("request_id", 42);
  const auto f = parsed(ctx);
  CHECK(w.builder.add_extras(0, 1, f, 0, false) != 0);
  w.record(0, 1);
  CHECK(w.builder.add_extras(0, 1, f, 0, false) == 0);  // stated already in this block
  w.record(0, 2);
  CHECK(w.builder.add_extras(0, 1, f, 5, false) != 0);
  w.record(0, 3);
  const std::size_t at = w.seal();
  const format::BlockHeader h = header_at(w.bytes, at);
  CHECK(h.kind == format::BlockKind::packed_extras);
  const std::byte* payload = w.bytes.data() + at + format::kBlockHeaderSize;
  const unsigned char expected[] = {0x13, 0x00, 0x01, 0x01, 0x0A, 'r',  'e',  'q',  'u',  'e',
                                    's',  't',  '_',  'i',  'd',  0x03, 0x54, 0x02, 0x02, 0x05};
  CHECK(std::memcmp(payload, expected, sizeof expected) == 0);
  const auto seen = read(w.bytes);
  REQUIRE(seen.size() == 3);
  CHECK(seen[0].context == "request_id=42,");
  CHECK(seen[1].context == "request_id=42,");
  CHECK(seen[2].context == "request_id=42,");
  CHECK(seen[0].suppressed == 0);
  CHECK(seen[2].suppressed == 5);
}

TEST_CASE("contexts are per thread, restated in every block, ended by an empty one") {
  Writer w;
  const auto a = ring_fields("tenant", "acme", "user", 7);
  const auto fa = parsed(a);
  w.record(1, 0);  // thread 1 never has a context
  w.builder.add_extras(0, 3, fa, 0, false);
  w.record(0, 1);
  w.record(1, 2);
  w.builder.add_extras(0, 3, fa, 0, true);  // a backtrace record, same context
  w.record(0, 3);
  const std::size_t first = w.seal();
  CHECK(header_at(w.bytes, first).kind == format::BlockKind::packed_extras);
  w.builder.add_extras(0, 3, fa, 0, false);  // a new block: restated
  w.record(0, 4);
  w.builder.add_extras(0, 4, {}, 0, false);  // the context ended
  w.record(0, 5);
  w.seal();
  w.record(1, 6);  // no extras at all: a kind 4 block
  const std::size_t last = w.seal();
  CHECK(header_at(w.bytes, last).kind == format::BlockKind::packed);
  const auto seen = read(w.bytes);
  REQUIRE(seen.size() == 7);
  const std::string ctx = "tenant=acme,user=7,";
  CHECK(seen[0].context.empty());
  CHECK(seen[1].context == ctx);
  CHECK(seen[2].context.empty());
  CHECK(seen[3].context == ctx);
  CHECK(seen[3].backtrace);
  CHECK_FALSE(seen[1].backtrace);
  CHECK(seen[4].context == ctx);
  CHECK(seen[5].context.empty());
  CHECK(seen[6].context.empty());
}

TEST_CASE("malformed extras cost their block and nothing else") {
  Writer w;
  w.record(0, 1);
  w.seal();
  w.builder.add_extras(0, 1, parsed(ring_fields("k", 1)), 0, false);
  w.record(0, 2);
  const std::size_t bad = w.seal();
  w.record(0, 3);
  w.seal();
  // The entry's record index (the first varint of the table) beyond the block's record count;
  // the payload checksum is made right again, so only the extras are wrong.
  std::byte* payload = w.bytes.data() + bad + format::kBlockHeaderSize;
  payload[1] = std::byte{5};
  format::BlockHeader h = header_at(w.bytes, bad);
  h.payload_checksum = XXH3_64bits(payload, h.stored_size);
  format::encode_block_header(h, w.bytes.data() + bad);
  std::uint64_t problems = 0;
  const auto seen = read(w.bytes, &problems);
  CHECK(problems == 1);
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].n == 1);
  CHECK(seen[1].n == 3);
}
