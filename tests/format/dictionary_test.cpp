// A zstd dictionary round trip through the real engine: a first run's files train a dictionary
// with `lynx train`; a second run with Options::zstd_dictionary embeds it in every file and names
// it in every zstd block; `lynx cat` decodes those files on their own, and, once the dictionary
// block is cut out of them, only with `--dictionary`.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
#include <lynx/lynx.hpp>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "../tools/cli_test_support.hpp"
#include "compress/zstd_dictionary.hpp"
#include "format/bytes.hpp"
#include "format/file_header.hpp"

namespace {

namespace fs = std::filesystem;
using lynx::format::BlockKind;
using lynx::format::Codec;
using lynx::format::get;
using lynx::format::kBlockHeaderSize;
using lynx::test::messages;
using lynx::test::Run;
using lynx::test::run_lynx;
using lynx::test::TempDir;

// `records` records from one thread, flushed every 500 so the files have several blocks.
std::vector<std::string> run_service(const lynx::Options& options, int records) {
  std::vector<std::string> expected;
  lynx::Engine engine(options);
  lynx::Logger& orders = lynx::logger("orders");
  lynx::Logger& cache = lynx::logger("cache");
  static const char* const users[] = {"alice", "bob", "carol", "dave"};
  for (int n = 0; n < records; ++n) {
    if (n % 2 == 0) {
      LYNX_INFO(orders, "order {id} placed by {user} for {cents} cents", n, users[n % 4], n * 7);
      expected.push_back("order " + std::to_string(n) + " placed by " + users[n % 4] + " for " +
                         std::to_string(n * 7) + " cents");
    } else {
      LYNX_WARN(cache, "cache miss for key {key}", "user:" + std::to_string(n % 50));
      expected.push_back("cache miss for key user:" + std::to_string(n % 50));
    }
    if (n % 500 == 499) engine.flush();
  }
  return expected;
}

std::vector<std::string> lynx_files(const std::string& dir) {
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (e.path().extension() == ".lynx") out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

struct Blocks {
  std::size_t header_size = 0;
  std::vector<std::size_t> offsets;
};

Blocks blocks_of(const std::string& bytes) {
  const auto* p = reinterpret_cast<const std::byte*>(bytes.data());
  Blocks b;
  lynx::format::FileHeader header;
  REQUIRE(lynx::format::decode_file_header(p, bytes.size(), &header, &b.header_size).ok());
  for (std::size_t at = b.header_size; at < bytes.size();
       at += kBlockHeaderSize + get<std::uint32_t>(p + at + 12)) {
    b.offsets.push_back(at);
  }
  return b;
}

}  // namespace

TEST_CASE("a dictionary trained from a first run compresses a second run's files") {
  TempDir dir;
  const std::string first = dir.file("first"), second = dir.file("second"), bare = dir.file("bare"),
                    dict = dir.file("svc.dict");

  run_service({.directory = first, .name = "svc"}, 4000);
  const Run train = run_lynx({"train", "--size", "16384", "--output", dict, first});
  REQUIRE(train.exit_code == 0);
  std::vector<std::byte> dictionary;
  REQUIRE(lynx::compress::load_dictionary(dict, &dictionary).ok());
  const std::uint32_t id = lynx::compress::dictionary_id(dictionary);
  CHECK(train.out.starts_with(dict + ": zstd dictionary " + std::to_string(id) + ", "));

  const std::vector<std::string> expected =
      run_service({.directory = second, .name = "svc", .zstd_dictionary = dict}, 1200);

  // Every file carries the dictionary right after its header, and every zstd block names it.
  fs::create_directory(bare);
  for (const std::string& path : lynx_files(second)) {
    CAPTURE(path);
    const std::string bytes = lynx::test::slurp(path);
    const auto* p = reinterpret_cast<const std::byte*>(bytes.data());
    const Blocks blocks = blocks_of(bytes);
    REQUIRE(blocks.offsets.size() >= 2);
    const std::byte* h = p + blocks.offsets[0];
    CHECK(static_cast<BlockKind>(get<std::uint8_t>(h + 8)) == BlockKind::dictionary);
    CHECK(get<std::uint32_t>(h + 48) == id);
    CHECK(get<std::uint32_t>(h + 12) == dictionary.size());
    for (std::size_t i = 1; i < blocks.offsets.size(); ++i) {
      const std::byte* b = p + blocks.offsets[i];
      if (static_cast<Codec>(get<std::uint8_t>(b + 9)) == Codec::zstd) {
        CHECK(get<std::uint32_t>(b + 48) == id);
      }
    }
    // The same file without its dictionary block.
    std::string cut = bytes.substr(0, blocks.header_size) + bytes.substr(blocks.offsets[1]);
    lynx::test::write_bytes(bare + "/" + fs::path(path).filename().string(), cut.data(),
                            cut.size());
  }

  const Run embedded = run_lynx({"cat", "--format=json", second});
  CHECK(embedded.err == "");
  CHECK(embedded.exit_code == 0);
  CHECK(messages(embedded.out) == expected);
  CHECK(run_lynx({"verify", "--quiet", second}).exit_code == 0);

  const Run without = run_lynx({"cat", "--format=json", bare});
  CHECK(without.exit_code == 1);
  CHECK(without.err.find("block needs zstd dictionary " + std::to_string(id)) != std::string::npos);

  const Run with = run_lynx({"cat", "--format=json", "--dictionary", dict, bare});
  CHECK(with.err == "");
  CHECK(with.exit_code == 0);
  CHECK(with.out == embedded.out);
  const Run verified = run_lynx({"verify", "--dictionary", dict, bare});
  CHECK(verified.exit_code == 0);
  CHECK(verified.out.find("total: 1 file (0 damaged)") != std::string::npos);
}
