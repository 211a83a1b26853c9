// zstd, the careful way: one context per direction, reused for every block; every block is one
// complete frame (decodable on its own); every zstd return value is checked with ZSTD_isError.
// Knows nothing about the file format or the engine.
#pragma once

#include <cstddef>
#include <vector>

#include "base/status.hpp"

namespace lynx::compress {

class ZstdCompressor {
 public:
  // `level` is clamped to [min_level(), max_level()] (0 is zstd's default level). Throws
  // std::bad_alloc when zstd cannot allocate a context and std::invalid_argument when zstd
  // rejects one of the context's parameters.
  explicit ZstdCompressor(int level);
  ~ZstdCompressor();
  ZstdCompressor(const ZstdCompressor&) = delete;
  ZstdCompressor& operator=(const ZstdCompressor&) = delete;

  // Uses `dictionary` (a zstd dictionary, e.g. from train_dictionary) for every following frame.
  Status set_dictionary(const std::vector<std::byte>& dictionary);

  // zstd's range of compression levels (ZSTD_minCLevel() .. ZSTD_maxCLevel()).
  static int min_level();
  static int max_level();

  // Worst-case compressed size of `n` bytes.
  static std::size_t bound(std::size_t n);
  // Compresses src[0, n) into dst (capacity >= bound(n)) as one frame; *written = its size.
  Status compress(const std::byte* src, std::size_t n, std::byte* dst, std::size_t capacity,
                  std::size_t* written);

 private:
  void* cctx_;
  int level_;
};

class ZstdDecompressor {
 public:
  ZstdDecompressor();
  ~ZstdDecompressor();
  ZstdDecompressor(const ZstdDecompressor&) = delete;
  ZstdDecompressor& operator=(const ZstdDecompressor&) = delete;

  // Uses `dictionary` for every following frame (frames made with another dictionary then fail).
  Status set_dictionary(const std::vector<std::byte>& dictionary);

  // Decompresses one frame src[0, n) that must expand to exactly `raw_size` bytes into *out.
  // Fails with Code::corrupt (never reads or writes out of bounds) on damaged input.
  Status decompress(const std::byte* src, std::size_t n, std::size_t raw_size,
                    std::vector<std::byte>* out);

 private:
  void* dctx_;
};

}  // namespace lynx::compress
