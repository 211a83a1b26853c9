// End-to-end tests of `lynx train` and of `--dictionary` for `lynx cat` and `lynx verify`: files
// are written with the format's own writer, with and without an embedded dictionary.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cli_test_support.hpp"
#include "compress/zstd_dictionary.hpp"
#include "format/reader.hpp"

namespace {

namespace fs = std::filesystem;
using lynx::test::kBase;
using lynx::test::Run;
using lynx::test::run_lynx;
using lynx::test::TempDir;
using lynx::test::TestFile;
using lynx::test::types_of;

// `blocks` zstd data blocks of 40 records of a small service's log, optionally compressed with
// `dictionary` (embedded or not).
TestFile service_file(int blocks, const std::vector<std::byte>* dictionary = nullptr,
                      bool embed = true, std::uint64_t sequence = 0) {
  TestFile f(4242, 0, sequence, true);
  if (dictionary != nullptr) f.use_dictionary(*dictionary, embed);
  f.site(1, "order {id} placed by {user} for {amount:.2f}",
         types_of<long, std::string_view, double>());
  f.site(2, "payment {id} {status} after {ms} ms", types_of<long, std::string_view, int>());
  f.site(3, "cache miss for key {key}", types_of<std::string_view>());
  f.thread(1, 4242);
  static const char* const users[] = {"alice", "bob", "carol", "dave"};
  static const char* const status[] = {"accepted", "declined", "pending"};
  int n = 0;
  for (int b = 0; b < blocks; ++b) {
    for (int i = 0; i < 40; ++i, ++n) {
      const std::int64_t ts = kBase + n * 1000;
      switch (n % 3) {
        case 0: f.record(1, 1, ts, long{n}, std::string_view(users[n % 4]), n * 1.25); break;
        case 1: f.record(2, 1, ts, long{n}, std::string_view(status[n % 3]), n % 97); break;
        default: f.record(3, 1, ts, std::string_view("user:" + std::to_string(n % 50))); break;
      }
    }
    f.seal();
  }
  return f;
}

// Samples `lynx train` should cut from `path`: every metadata and data payload in 4 KiB pieces.
std::pair<std::size_t, std::size_t> expected_samples(const std::string& path) {
  lynx::format::FileReader reader(path);
  REQUIRE(reader.open().ok());
  std::size_t samples = 0, bytes = 0;
  reader.set_payload_hook([&](lynx::format::BlockKind, const std::byte*, std::size_t n) {
    samples += (n + 4095) / 4096;
    bytes += n;
  });
  reader.read([](const lynx::format::Record&) {}, [](const lynx::format::Problem&) {});
  return {samples, bytes};
}

std::vector<std::byte> load(const std::string& path) {
  std::vector<std::byte> dictionary;
  REQUIRE(lynx::compress::load_dictionary(path, &dictionary).ok());
  return dictionary;
}

}  // namespace

TEST_CASE("train writes a dictionary from the blocks' payloads and prints its id and size") {
  TempDir dir;
  const std::string logs = dir.file("logs");
  fs::create_directory(logs);
  const std::string a = service_file(12).write(logs + "/a.0.000000.lynx");
  const std::string b = service_file(12, nullptr, true, 1).write(logs + "/a.0.000001.lynx");
  const std::string out = dir.file("svc.dict");

  const Run run = run_lynx({"train", "--output", out, logs});
  CHECK(run.err == "");
  CHECK(run.exit_code == 0);
  const std::vector<std::byte> dictionary = load(out);
  CHECK(dictionary.size() <= 112640);
  const auto [sa, ba] = expected_samples(a);
  const auto [sb, bb] = expected_samples(b);
  CHECK(run.out == out + ": zstd dictionary " +
                       std::to_string(lynx::compress::dictionary_id(dictionary)) + ", " +
                       std::to_string(dictionary.size()) + " bytes, trained from " +
                       std::to_string(sa + sb) + " samples (" + std::to_string(ba + bb) +
                       " bytes) of 2 files\n");

  // --size caps the dictionary.
  const std::string small = dir.file("small.dict");
  const Run capped = run_lynx({"train", "--size", "1024", "-o", small, a});
  CHECK(capped.exit_code == 0);
  CHECK(load(small).size() <= 1024);
}

TEST_CASE("train: too little material, bad options and unreadable paths exit 2 and write nothing") {
  TempDir dir;
  const std::string tiny = service_file(1).write(dir.file("tiny.lynx"));
  const std::string out = dir.file("out.dict");

  const Run few = run_lynx({"train", "-o", out, tiny});
  CHECK(few.exit_code == 2);
  CHECK(few.err.starts_with("lynx: cannot train a dictionary from "));
  CHECK(few.err.find("too few samples") != std::string::npos);
  CHECK_FALSE(fs::exists(out));

  const std::string plenty = service_file(12).write(dir.file("plenty.lynx"));
  CHECK(run_lynx({"train", plenty}).exit_code == 2);     // no --output
  CHECK(run_lynx({"train", "-o", out}).exit_code == 2);  // no PATH
  CHECK(run_lynx({"train", "--size", "10", "-o", out, plenty}).exit_code == 2);
  CHECK(run_lynx({"train", "--size", "lots", "-o", out, plenty}).exit_code == 2);
  const Run missing = run_lynx({"train", "-o", out, plenty, dir.file("missing.lynx")});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err == "lynx: " + dir.file("missing.lynx") + ": No such file or directory\n");
  CHECK_FALSE(fs::exists(out));

  const Run unwritable = run_lynx({"train", "-o", dir.file("no/such/dir.dict"), plenty});
  CHECK(unwritable.exit_code == 2);
  CHECK(unwritable.err ==
        "lynx: cannot write " + dir.file("no/such/dir.dict") + ": No such file or directory\n");
}

TEST_CASE("train from damaged input reports the damage, still writes the dictionary, exits 1") {
  TempDir dir;
  TestFile f = service_file(12);
  auto& bytes = f.bytes();
  const std::size_t damaged = f.block_offsets().at(3);
  bytes[damaged + lynx::format::kBlockHeaderSize + 5] ^= std::byte{0x20};
  const std::string path = f.write(dir.file("damaged.lynx"));
  const std::string out = dir.file("out.dict");
  const Run run = run_lynx({"train", "-o", out, path});
  CHECK(run.exit_code == 1);
  CHECK(run.err == "lynx: " + path + ": offset " + std::to_string(damaged) +
                       ": block checksum mismatch (40 records lost)\n");
  CHECK(run.out.starts_with(out + ": zstd dictionary "));
  CHECK(lynx::compress::dictionary_id(load(out)) != 0);
}

TEST_CASE("--dictionary decodes files written with a dictionary they do not carry") {
  TempDir dir;
  const std::string material = service_file(12).write(dir.file("material.lynx"));
  const std::string dict_path = dir.file("svc.dict");
  REQUIRE(run_lynx({"train", "-o", dict_path, material}).exit_code == 0);
  const std::vector<std::byte> dictionary = load(dict_path);
  const std::uint32_t id = lynx::compress::dictionary_id(dictionary);

  const std::string embedded = service_file(3, &dictionary, true).write(dir.file("embedded.lynx"));
  TestFile bare_file = service_file(3, &dictionary, false);
  const std::string bare = bare_file.write(dir.file("bare.lynx"));
  const std::size_t first_block = bare_file.blocks().at(0).offset;

  // The embedded dictionary needs no option.
  const Run reference = run_lynx({"cat", "--format=json", embedded});
  CHECK(reference.exit_code == 0);
  CHECK(reference.err == "");
  CHECK(lynx::test::lines(reference.out).size() == 120);

  // Without it, every zstd block is reported with the dictionary it needs.
  const Run without = run_lynx({"cat", "--format=json", bare});
  CHECK(without.exit_code == 1);
  CHECK(without.out == "");
  CHECK(without.err.starts_with("lynx: " + bare + ": offset " + std::to_string(first_block) +
                                ": block needs zstd dictionary " + std::to_string(id) +
                                ", which the file does not carry: pass it with --dictionary"));

  const Run with = run_lynx({"cat", "--format=json", "--dictionary", dict_path, bare});
  CHECK(with.exit_code == 0);
  CHECK(with.err == "");
  CHECK(with.out == reference.out);
  // Given both ways, the file's own dictionary is used.
  CHECK(run_lynx({"cat", "--format=json", "--dictionary", dict_path, embedded}).out ==
        reference.out);

  CHECK(run_lynx({"verify", "--quiet", bare}).exit_code == 1);
  const Run verified = run_lynx({"verify", "--quiet", "--dictionary", dict_path, bare});
  CHECK(verified.exit_code == 0);
  CHECK(verified.out == "");

  // Another dictionary is not the one the blocks need.
  const std::string other_path = dir.file("other.dict");
  REQUIRE(run_lynx({"train", "--size", "2048", "-o", other_path, material}).exit_code == 0);
  REQUIRE(lynx::compress::dictionary_id(load(other_path)) != id);
  const Run other = run_lynx({"cat", "--dictionary", other_path, bare});
  CHECK(other.exit_code == 1);
  CHECK(other.err.find("block needs zstd dictionary " + std::to_string(id)) != std::string::npos);
}

TEST_CASE("--dictionary leaves files that do not need it readable") {
  // One directory of files from before and after the dictionary was turned on: zstd blocks
  // without a dictionary, raw blocks, blocks that need the given one, and an embedded one.
  TempDir dir;
  const std::string material = service_file(12).write(dir.file("material.lynx"));
  const std::string dict_path = dir.file("svc.dict");
  REQUIRE(run_lynx({"train", "-o", dict_path, material}).exit_code == 0);
  const std::vector<std::byte> dictionary = load(dict_path);
  TempDir logs;
  service_file(2, nullptr, true, 0).write(logs.file("svc.0.000000.lynx"));
  TestFile raw(4242, 0, 1, false);
  raw.site(1, "raw {n}", types_of<int>());
  raw.thread(1, 4242);
  raw.record(1, 1, kBase + 500'000, 7);
  raw.write(logs.file("svc.0.000001.lynx"));
  service_file(3, &dictionary, false, 2).write(logs.file("svc.0.000002.lynx"));
  service_file(1, &dictionary, true, 3).write(logs.file("svc.0.000003.lynx"));

  const Run cat = run_lynx({"cat", "--dictionary", dict_path, logs.path()});
  CHECK(cat.err == "");
  CHECK(cat.exit_code == 0);
  CHECK(lynx::test::lines(cat.out).size() == 80 + 1 + 120 + 40);
  const Run verify = run_lynx({"verify", "--quiet", "--dictionary", dict_path, logs.path()});
  CHECK(verify.out == "");
  CHECK(verify.exit_code == 0);
}

TEST_CASE("a bad --dictionary file is a usage error: exit 2, nothing decoded") {
  TempDir dir;
  const std::string log = service_file(2).write(dir.file("a.lynx"));
  const std::string missing = dir.file("missing.dict");
  const std::string text = dir.file("text.dict");
  std::ofstream(text) << "not a dictionary\n";
  // A dictionary with a valid header and garbled entropy tables.
  const std::string garbled = dir.file("garbled.dict");
  {
    const std::string material = service_file(12).write(dir.file("material.lynx"));
    REQUIRE(run_lynx({"train", "-o", garbled, material}).exit_code == 0);
    std::vector<std::byte> bytes = load(garbled);
    std::fill(bytes.begin() + 8, bytes.begin() + 200, std::byte{0xff});
    lynx::test::write_bytes(garbled, bytes.data(), bytes.size());
  }
  for (const char* command : {"cat", "verify"}) {
    CAPTURE(command);
    const Run no_file = run_lynx({command, "--dictionary", missing, log});
    CHECK(no_file.exit_code == 2);
    CHECK(no_file.out == "");
    CHECK(no_file.err ==
          "lynx: cannot open dictionary " + missing + ": No such file or directory\n");

    const Run not_dict = run_lynx({command, "--dictionary", text, log});
    CHECK(not_dict.exit_code == 2);
    CHECK(not_dict.out == "");
    CHECK(not_dict.err == "lynx: " + text + ": not a zstd dictionary\n");

    const Run damaged = run_lynx({command, "--dictionary", garbled, log});
    CHECK(damaged.exit_code == 2);
    CHECK(damaged.out == "");
    CHECK(damaged.err.starts_with("lynx: " + garbled + ": damaged zstd dictionary (zstd rejects"));
  }
}
