#include "format/file_header.hpp"

#include <xxhash.h>

#include <algorithm>
#include <cstring>

#include "format/bytes.hpp"
#include "format/format.hpp"

namespace lynx::format {

std::vector<std::byte> encode_file_header(const FileHeader& h) {
  const std::size_t name_size = std::min<std::size_t>(h.program.size(), kMaxProgramName);
  const std::size_t total = kFileHeaderFixedSize + name_size + 4;
  std::vector<std::byte> out(total);
  std::byte* p = out.data();
  std::memcpy(p, kFileMagic.data(), kFileMagic.size());
  p += kFileMagic.size();
  p = put<std::uint16_t>(p, kVersionMajor);
  p = put<std::uint16_t>(p, kVersionMinor);
  p = put<std::uint32_t>(p, static_cast<std::uint32_t>(total));
  p = put<std::int64_t>(p, h.created_unix_ns);
  p = put<std::uint32_t>(p, h.pid);
  p = put<std::uint32_t>(p, h.shard);
  p = put<std::uint64_t>(p, h.sequence);
  p = put<std::uint64_t>(p, h.clock_anchor_ticks);
  p = put<std::int64_t>(p, h.clock_anchor_unix_ns);
  p = put<double>(p, h.clock_ns_per_tick);
  p = put<std::uint16_t>(p, static_cast<std::uint16_t>(name_size));
  std::memcpy(p, h.program.data(), name_size);
  p += name_size;
  put<std::uint32_t>(p, XXH32(out.data(), total - 4, 0));
  return out;
}

Status decode_file_header(const std::byte* data, std::size_t n, FileHeader* h, std::size_t* size) {
  auto corrupt = [](const std::string& m) { return Status::error(Status::Code::corrupt, m); };
  if (n < kFileMagic.size() || std::memcmp(data, kFileMagic.data(), kFileMagic.size()) != 0) {
    return corrupt("not a lynx log file (bad magic)");
  }
  if (n < 16) return corrupt("file header is cut off");
  h->version_major = get<std::uint16_t>(data + 8);
  h->version_minor = get<std::uint16_t>(data + 10);
  if (h->version_major < kOldestVersionMajor) return corrupt("file header has version 0");
  if (h->version_major > kVersionMajor) {
    return Status::error(Status::Code::unsupported,
                         "written by a newer lynx (format " + std::to_string(h->version_major) +
                             "." + std::to_string(h->version_minor) +
                             "); this reader understands format " + std::to_string(kVersionMajor) +
                             ".x and older: upgrade lynx to read it");
  }
  const std::uint32_t total = get<std::uint32_t>(data + 12);
  if (total < kFileHeaderFixedSize + 4 || total > kMaxFileHeaderSize) {
    return corrupt("file header size " + std::to_string(total) + " is impossible");
  }
  if (n < total) return corrupt("file header is cut off");
  if (XXH32(data, total - 4, 0) != get<std::uint32_t>(data + total - 4)) {
    return corrupt("file header checksum mismatch");
  }
  h->created_unix_ns = get<std::int64_t>(data + 16);
  h->pid = get<std::uint32_t>(data + 24);
  h->shard = get<std::uint32_t>(data + 28);
  h->sequence = get<std::uint64_t>(data + 32);
  h->clock_anchor_ticks = get<std::uint64_t>(data + 40);
  h->clock_anchor_unix_ns = get<std::int64_t>(data + 48);
  h->clock_ns_per_tick = get<double>(data + 56);
  const std::uint16_t name_size = get<std::uint16_t>(data + 64);
  if (kFileHeaderFixedSize + name_size + 4 > total)
    return corrupt("file header name overruns header");
  h->program.assign(reinterpret_cast<const char*>(data + kFileHeaderFixedSize), name_size);
  *size = total;
  return {};
}

bool recover_file_header(const std::byte* data, std::size_t n, FileHeader* h, std::size_t* size) {
  if (n < 16) return false;
  const std::size_t total = get<std::uint32_t>(data + 12);
  if (total < kFileHeaderFixedSize + 4 || total > kMaxFileHeaderSize || total > n) return false;
  std::vector<std::byte> fixed(data, data + total);
  std::memcpy(fixed.data(), kFileMagic.data(), kFileMagic.size());
  for (std::uint16_t major = kOldestVersionMajor; major <= kVersionMajor; ++major) {
    put<std::uint16_t>(fixed.data() + 8, major);
    if (decode_file_header(fixed.data(), total, h, size).ok()) return true;
  }
  return false;
}

}  // namespace lynx::format
