#include "format/reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "compress/zstd_dictionary.hpp"
#include "format/bytes.hpp"
#include "format/format.hpp"
#include "format/varint.hpp"
#include "record/codecs.hpp"

namespace lynx::format {

using detail::ArgType;

FileReader::FileReader(std::string path) : path_(std::move(path)) {}

Status FileReader::open() {
  const int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::from_errno(errno, "open " + path_);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return Status::from_errno(err, "stat " + path_);
  }
  // Read to EOF, not to st_size: pipes and /dev/stdin report size 0, and a file being appended to
  // may have grown.
  bytes_.resize(std::max<std::size_t>(static_cast<std::size_t>(st.st_size), 64 * 1024));
  std::size_t done = 0;
  for (;;) {
    if (done == bytes_.size()) bytes_.resize(bytes_.size() * 2);
    const ssize_t r = ::read(fd, bytes_.data() + done, bytes_.size() - done);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) {
      const int err = errno;
      ::close(fd);
      return Status::from_errno(err, "read " + path_);
    }
    if (r == 0) break;  // EOF
    done += static_cast<std::size_t>(r);
  }
  ::close(fd);
  bytes_.resize(done);
  return open_bytes(std::move(bytes_));
}

Status FileReader::open_bytes(std::vector<std::byte> bytes) {
  bytes_ = std::move(bytes);
  Status s = decode_file_header(bytes_.data(), bytes_.size(), &header_, &header_size_);
  if (!s.ok()) return Status::error(s.code(), path_ + ": " + s.message());
  return {};
}

Status FileReader::set_dictionary(const std::vector<std::byte>& dictionary) {
  Status s = zstd_.set_dictionary(dictionary);
  if (s.ok()) {
    dictionary_id_ = compress::dictionary_id(dictionary);
    zstd_has_dictionary_ = true;
  }
  return s;
}

compress::ZstdDecompressor& FileReader::zstd_for(std::uint32_t block_dictionary) {
  if (block_dictionary != 0 || !zstd_has_dictionary_) return zstd_;
  if (!plain_zstd_) plain_zstd_ = std::make_unique<compress::ZstdDecompressor>();
  return *plain_zstd_;
}

std::size_t FileReader::find_sync(std::size_t from) const {
  std::byte sync[8];
  put<std::uint64_t>(sync, kBlockSync);
  for (std::size_t i = from; i + 8 <= bytes_.size(); ++i) {
    if (bytes_[i] == sync[0] && std::memcmp(&bytes_[i], sync, 8) == 0) return i;
  }
  return bytes_.size();
}

ReadSummary FileReader::read(const RecordFn& on_record, const ProblemFn& on_problem) {
  ReadSummary sum;
  sum.bytes = bytes_.size();
  std::size_t pos = header_size_;
  auto problem = [&](std::size_t at, std::size_t bytes, std::uint64_t lost, std::string msg) {
    ++sum.problems;
    on_problem(Problem{at, bytes, lost, std::move(msg)});
  };
  while (pos < bytes_.size()) {
    const std::size_t left = bytes_.size() - pos;
    if (left < kBlockHeaderSize) {
      problem(pos, left, 0, "file ends inside a block header (" + std::to_string(left) +
                                " bytes at the end could not be used)");
      break;
    }
    const std::byte* h = bytes_.data() + pos;
    const bool header_ok = get<std::uint64_t>(h) == kBlockSync &&
                           XXH32(h, 52, 0) == get<std::uint32_t>(h + 52);
    const std::uint16_t hsize = get<std::uint16_t>(h + 10);
    if (!header_ok || hsize < kBlockHeaderSize || hsize > left) {
      const std::size_t next = find_sync(pos + 1);
      if (next < bytes_.size()) {
        problem(pos, next - pos, 0, "damaged block header; skipped to the next block");
      } else {  // no block after it: the rest of the file is a tail nothing can be read from
        problem(pos, next - pos, 0,
                std::string(get<std::uint64_t>(h) == kBlockSync ? "damaged or cut-off block header"
                                                                : "damaged block header") +
                    " (" + std::to_string(next - pos) + " bytes at the end could not be used)");
      }
      pos = next;
      continue;
    }
    const auto kind = static_cast<BlockKind>(get<std::uint8_t>(h + 8));
    const auto codec = static_cast<Codec>(get<std::uint8_t>(h + 9));
    const std::uint32_t stored = get<std::uint32_t>(h + 12);
    const std::uint32_t raw = get<std::uint32_t>(h + 16);
    const std::uint32_t count = get<std::uint32_t>(h + 20);
    const std::int64_t first_ts = get<std::int64_t>(h + 24);
    const std::uint64_t checksum = get<std::uint64_t>(h + 40);
    const std::uint32_t lost = kind == BlockKind::data ? count : 0;
    if (stored > left - hsize) {
      problem(pos, left, lost,
              "file is cut off inside a block (" + std::to_string(left) +
                  " bytes at the end could not be used, " + std::to_string(lost) + " records lost)");
      break;
    }
    const std::byte* body = h + hsize;
    const std::size_t block_end = pos + hsize + stored;
    if (XXH3_64bits(body, stored) != checksum) {
      problem(pos, hsize + stored, lost,
              "block checksum mismatch (" + std::to_string(lost) + " records lost)");
      pos = block_end;
      continue;
    }
    if (raw > kMaxBlockRawSize) {
      problem(pos, hsize + stored, lost, "block claims an impossible size");
      pos = block_end;
      continue;
    }
    const std::uint32_t block_dictionary = get<std::uint32_t>(h + 48);
    const std::byte* payload = body;
    if (kind == BlockKind::dictionary) {
      Status s = codec == Codec::raw && raw == stored
                     ? zstd_.set_dictionary(std::vector<std::byte>(body, body + stored))
                     : Status::error(Status::Code::corrupt, "malformed dictionary block");
      if (s.ok()) {
        dictionary_id_ = block_dictionary;
        zstd_has_dictionary_ = true;
        ++sum.blocks;
      } else {
        problem(pos, hsize + stored, 0, s.message());
      }
      pos = block_end;
      continue;
    }
    // Blocks without a dictionary (id 0) decode with or without one loaded: `--dictionary` given
    // for a set of files must not break the files that do not use it.
    if (codec == Codec::zstd && block_dictionary != 0 && block_dictionary != dictionary_id_) {
      problem(pos, hsize + stored, lost,
              "block needs zstd dictionary " + std::to_string(block_dictionary) +
                  ", which the file does not carry: pass it with --dictionary (" +
                  std::to_string(lost) + " records not decoded)");
      pos = block_end;
      continue;
    }
    if (codec == Codec::zstd) {
      Status s = zstd_for(block_dictionary).decompress(body, stored, raw, &scratch_);
      if (!s.ok()) {
        problem(pos, hsize + stored, lost, s.message());
        pos = block_end;
        continue;
      }
      payload = scratch_.data();
    } else if (codec != Codec::raw) {
      problem(pos, hsize + stored, lost, "unknown block codec " + std::to_string(int(codec)));
      pos = block_end;
      continue;
    } else if (raw != stored) {
      problem(pos, hsize + stored, lost, "raw block sizes disagree");
      pos = block_end;
      continue;
    }
    ++sum.blocks;
    if (payload_hook_) payload_hook_(kind, payload, raw);
    if (kind == BlockKind::metadata) {
      if (!decode_metadata(payload, raw)) problem(pos, hsize + stored, 0, "malformed metadata block");
    } else if (kind == BlockKind::data) {
      std::uint64_t decoded = 0;
      if (!decode_data(payload, raw, count, first_ts, on_record, &decoded)) {
        problem(pos, hsize + stored, count - decoded,
                "malformed data block (" + std::to_string(count - decoded) + " records lost)");
      }
      sum.records += decoded;
    }  // other kinds: from a newer minor version; skipped by design
    pos = block_end;
  }
  return sum;
}

namespace {

bool read_str(Cursor& c, std::string* out) {
  std::uint64_t n;
  const std::byte* p;
  if (!c.varint(&n) || !c.view(&p, n)) return false;
  out->assign(reinterpret_cast<const char*>(p), n);
  return true;
}

}  // namespace

bool FileReader::decode_metadata(const std::byte* data, std::size_t n) {
  Cursor c(data, n);
  while (c.remaining() > 0) {
    std::uint8_t type;
    std::uint64_t size;
    const std::byte* body;
    if (!c.bytes(&type, 1) || !c.varint(&size) || !c.view(&body, size)) return false;
    Cursor e(body, size);
    if (type == static_cast<std::uint8_t>(EntryType::call_site)) {
      auto site = std::make_unique<CallSiteInfo>();
      std::uint64_t id, line, nargs;
      std::uint8_t level;
      if (!e.varint(&id) || !e.bytes(&level, 1) || !read_str(e, &site->logger) ||
          !read_str(e, &site->file) || !e.varint(&line) || !read_str(e, &site->function) ||
          !read_str(e, &site->format) || !e.varint(&nargs) || nargs > e.remaining()) {
        return false;
      }
      site->id = static_cast<std::uint32_t>(id);
      site->level = static_cast<Level>(level);
      site->line = static_cast<std::uint32_t>(line);
      site->types.resize(nargs);
      for (auto& t : site->types) {
        std::uint8_t v;
        if (!e.bytes(&v, 1) || !record::known_arg_type(v)) return false;
        t = static_cast<ArgType>(v);
      }
      site->parsed = parse_template(site->format);
      auto& slot = sites_[site->id];
      if (slot) retired_sites_.push_back(std::move(slot));  // earlier records may still point to it
      slot = std::move(site);
    } else if (type == static_cast<std::uint8_t>(EntryType::thread)) {
      auto th = std::make_unique<ThreadInfo>();
      std::uint64_t id;
      if (!e.varint(&id) || !e.varint(&th->os_tid) || !read_str(e, &th->name)) return false;
      th->id = static_cast<std::uint32_t>(id);
      auto& slot = threads_[th->id];
      if (slot) retired_threads_.push_back(std::move(slot));
      slot = std::move(th);
    }  // unknown entry types are skipped
  }
  return true;
}

bool FileReader::decode_data(const std::byte* data, std::size_t n, std::uint32_t count,
                             std::int64_t first_ts, const RecordFn& on_record,
                             std::uint64_t* decoded) {
  Cursor c(data, n);
  std::int64_t ts = first_ts;
  for (std::uint32_t r = 0; r < count; ++r) {
    std::uint64_t site_id, thread_id, delta;
    if (!c.varint(&site_id) || !c.varint(&thread_id) || !c.varint(&delta)) return false;
    const auto site = sites_.find(static_cast<std::uint32_t>(site_id));
    const auto thread = threads_.find(static_cast<std::uint32_t>(thread_id));
    if (site == sites_.end() || thread == threads_.end()) return false;
    // Wrapping arithmetic: a crafted delta must not be undefined behaviour.
    ts = static_cast<std::int64_t>(static_cast<std::uint64_t>(ts) + static_cast<std::uint64_t>(unzigzag(delta)));
    record_.ts_ns = ts;
    record_.site = site->second.get();
    record_.thread = thread->second.get();
    record_.args.resize(record_.site->types.size());
    if (!record::args_from_disk(record_.site->types, c, record_.args.data())) return false;
    on_record(record_);
    ++*decoded;
  }
  return c.remaining() == 0;
}

}  // namespace lynx::format
