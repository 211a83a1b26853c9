// Encoding and decoding of the file header described in format/format.hpp.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "base/status.hpp"

namespace lynx::format {

struct FileHeader {
  std::uint16_t version_major = 0;
  std::uint16_t version_minor = 0;
  std::int64_t created_unix_ns = 0;
  std::uint32_t pid = 0;
  std::uint32_t shard = 0;
  std::uint64_t sequence = 0;
  std::uint64_t clock_anchor_ticks = 0;
  std::int64_t clock_anchor_unix_ns = 0;
  double clock_ns_per_tick = 1.0;
  std::string program;
};

std::vector<std::byte> encode_file_header(const FileHeader& header);

// Decodes the header at the start of `data`. *size = its length in bytes. Fails with Code::corrupt
// (not a lynx file, damaged header) or Code::unsupported (a newer major version) with a message
// meant for people.
Status decode_file_header(const std::byte* data, std::size_t n, FileHeader* header,
                          std::size_t* size);

// A header that decode_file_header() refused, read as if its magic and version bytes were intact:
// true (and *header, *size filled) when its checksum then matches for a version this reader knows,
// i.e. the damage is confined to the magic or the version bytes, which the checksum covers. A
// genuinely newer version never passes (its checksum was computed over its own version number).
bool recover_file_header(const std::byte* data, std::size_t n, FileHeader* header,
                         std::size_t* size);

}  // namespace lynx::format
