#include "compress/zstd_codec.hpp"

#include <zstd.h>

#include <new>
#include <stdexcept>
#include <string>

namespace lynx::compress {

namespace {

// A parameter zstd refuses leaves the context in a state we did not ask for: fail construction.
void set_parameter(ZSTD_CCtx* c, ZSTD_cParameter p, int value, const char* name) {
  const std::size_t r = ZSTD_CCtx_setParameter(c, p, value);
  if (ZSTD_isError(r)) {
    ZSTD_freeCCtx(c);
    throw std::invalid_argument(std::string("zstd rejects ") + name + " = " +
                                std::to_string(value) + ": " + ZSTD_getErrorName(r));
  }
}

}  // namespace

int ZstdCompressor::min_level() { return ZSTD_minCLevel(); }
int ZstdCompressor::max_level() { return ZSTD_maxCLevel(); }

ZstdCompressor::ZstdCompressor(int level) : cctx_(ZSTD_createCCtx()), level_(level) {
  if (cctx_ == nullptr) throw std::bad_alloc();
  auto* c = static_cast<ZSTD_CCtx*>(cctx_);
  // Levels outside zstd's range are clamped here; the engine rejects them earlier (normalise()).
  const int lo = min_level(), hi = max_level();
  level_ = level < lo ? lo : (level > hi ? hi : level);
  set_parameter(c, ZSTD_c_compressionLevel, level_, "compression level");
  // Blocks carry their own XXH3 checksum and raw size; the frame's are redundant.
  set_parameter(c, ZSTD_c_checksumFlag, 0, "checksum flag");
  set_parameter(c, ZSTD_c_contentSizeFlag, 1, "content size flag");
}

ZstdCompressor::~ZstdCompressor() { ZSTD_freeCCtx(static_cast<ZSTD_CCtx*>(cctx_)); }

Status ZstdCompressor::set_dictionary(const std::vector<std::byte>& dictionary) {
  const std::size_t r = ZSTD_CCtx_loadDictionary(static_cast<ZSTD_CCtx*>(cctx_), dictionary.data(),
                                                 dictionary.size());
  if (ZSTD_isError(r)) {
    return Status::error(Status::Code::invalid_argument,
                         std::string("zstd rejects the dictionary: ") + ZSTD_getErrorName(r));
  }
  return {};
}

std::size_t ZstdCompressor::bound(std::size_t n) { return ZSTD_compressBound(n); }

Status ZstdCompressor::compress(const std::byte* src, std::size_t n, std::byte* dst,
                                std::size_t capacity, std::size_t* written) {
  const std::size_t r = ZSTD_compress2(static_cast<ZSTD_CCtx*>(cctx_), dst, capacity, src, n);
  if (ZSTD_isError(r)) {
    return Status::error(Status::Code::io_error,
                         std::string("zstd compression failed: ") + ZSTD_getErrorName(r));
  }
  *written = r;
  return {};
}

ZstdDecompressor::ZstdDecompressor() : dctx_(ZSTD_createDCtx()) {
  if (dctx_ == nullptr) throw std::bad_alloc();
}

ZstdDecompressor::~ZstdDecompressor() { ZSTD_freeDCtx(static_cast<ZSTD_DCtx*>(dctx_)); }

Status ZstdDecompressor::set_dictionary(const std::vector<std::byte>& dictionary) {
  const std::size_t r = ZSTD_DCtx_loadDictionary(static_cast<ZSTD_DCtx*>(dctx_), dictionary.data(),
                                                 dictionary.size());
  if (ZSTD_isError(r)) {
    return Status::error(Status::Code::corrupt,
                         std::string("zstd rejects the dictionary: ") + ZSTD_getErrorName(r));
  }
  return {};
}

Status ZstdDecompressor::decompress(const std::byte* src, std::size_t n, std::size_t raw_size,
                                    std::vector<std::byte>* out) {
  out->resize(raw_size);
  const std::size_t r =
      ZSTD_decompressDCtx(static_cast<ZSTD_DCtx*>(dctx_), out->data(), raw_size, src, n);
  if (ZSTD_isError(r)) {
    return Status::error(Status::Code::corrupt,
                         std::string("zstd frame does not decode: ") + ZSTD_getErrorName(r));
  }
  if (r != raw_size) {
    return Status::error(Status::Code::corrupt, "zstd frame decodes to " + std::to_string(r) +
                                                    " bytes, block header says " +
                                                    std::to_string(raw_size));
  }
  return {};
}

}  // namespace lynx::compress
