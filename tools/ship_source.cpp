#include "tools/ship_source.hpp"

#include <algorithm>
#include <filesystem>

#include "format/byte_source.hpp"
#include "format/format.hpp"
#include "tools/follow.hpp"

namespace lynx::tools {

namespace fs = std::filesystem;
using format::BlockReader;

struct ShipSource::File {
  std::string path, name;
  std::unique_ptr<BlockReader> reader;
  bool opened = false;
  bool done = false;
  format::ShipPosition start;        // from the checkpoint: blocks already shipped
  std::uint64_t seq = 0;             // records read so far (the next record's lynx_seq)
  std::uint64_t block = 0;           // the block whose rows are pending
  fmt::memory_buffer pending;        // rows of `block`, not yet in a batch
  std::vector<ShipRow> pending_ids;  // their identities (`end` within `pending`)
  std::size_t pending_rows = 0;
  std::uint64_t pending_seq = 0;  // seq after the pending rows
  std::uint64_t bytes_seen = 0;
  int quiet_polls = 0;
  std::string program;
  RowSource src;
};

ShipSource::ShipSource(std::string directory, std::string host, const format::ShipCheckpoint& start,
                       Diagnostics& diag, bool once)
    : directory_(std::move(directory)), host_(std::move(host)), diag_(diag), once_(once) {
  discover(start);
}

ShipSource::~ShipSource() = default;

void ShipSource::discover(const format::ShipCheckpoint& positions) {
  std::vector<std::string> found;
  std::error_code ec;
  for (fs::directory_iterator it(directory_, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code type_ec;
    if (it->path().filename().string().ends_with(format::kFileExtension) &&
        it->is_regular_file(type_ec)) {
      found.push_back(it->path().filename().string());
    }
  }
  std::sort(found.begin(), found.end());
  for (const std::string& name : found) {
    if (!known_.insert(name).second) continue;
    const auto at = positions.find(name);
    const format::ShipPosition start = at == positions.end() ? format::ShipPosition{} : at->second;
    if (start.done) continue;  // shipped to its end by an earlier run
    const std::string path = directory_ + "/" + name;
    std::unique_ptr<format::FdSource> source;
    if (Status s = format::FdSource::open(path, &source); !s.ok()) {
      diag_.io_error(s.message());
      continue;
    }
    auto f = std::make_unique<File>();
    f->path = path;
    f->name = name;
    f->start = start;
    f->reader = std::make_unique<BlockReader>(path, std::move(source));
    f->reader->set_growing(true);
    files_.push_back(std::move(f));
  }
}

bool ShipSource::read(File& f, fmt::memory_buffer* rows, std::vector<ShipRow>* ids,
                      std::size_t max_rows, std::size_t max_bytes, std::size_t* count,
                      format::ShipCheckpoint* positions) {
  // The pending block is whole (the next record belongs to another block, or no whole block
  // follows): into the batch, and the file's position moves past it.
  auto take_pending = [&](bool done) {
    if (f.pending_rows != 0) {
      const std::size_t base = rows->size();
      for (ShipRow id : f.pending_ids) {
        id.end += base;
        ids->push_back(id);
      }
      f.pending_ids.clear();
      rows->append(f.pending.data(), f.pending.data() + f.pending.size());
      *count += f.pending_rows;
      (*positions)[f.name] = {f.block, f.pending_seq, false};
      f.pending.clear();
      f.pending_rows = 0;
    }
    if (done) {
      format::ShipPosition& p = (*positions)[f.name];
      if (p.blocks < f.start.blocks) p = f.start;
      p.done = true;
    }
  };
  auto full = [&] { return *count >= max_rows || rows->size() >= max_bytes; };
  for (;;) {
    switch (f.reader->next()) {
      case BlockReader::Next::record: {
        const format::Record& r = f.reader->record();
        const std::uint64_t block = f.reader->summary().blocks;
        const std::uint64_t seq = f.seq++;
        if (block <= f.start.blocks) continue;  // shipped by an earlier run
        bool stop = false;
        if (block != f.block) {
          take_pending(false);
          stop = full();
        }
        f.block = block;
        const record::Site site = r.site->view();
        const record::RecordView view{
            r.ts_ns,    &site,     {f.reader->header().pid, r.thread->os_tid, r.thread->name},
            r.args,     r.context, r.suppressed,
            r.backtrace};
        encoder_.row(f.pending, view, f.src, seq);
        f.pending_ids.push_back(
            {f.src.source, seq, r.ts_ns >= 0 ? r.ts_ns / 1'000'000'000 : 0, f.pending.size()});
        ++f.pending_rows;
        f.pending_seq = f.seq;
        if (stop) return false;  // the record just read waits in `pending` for the next batch
        continue;
      }
      case BlockReader::Next::problem: report_problem(f.path, f.reader->problem(), diag_); continue;
      case BlockReader::Next::error:
        diag_.io_error(f.reader->error().message());
        take_pending(false);
        f.done = true;  // not shipped to its end: the checkpoint does not say done
        return !full();
      case BlockReader::Next::end:
        take_pending(true);
        f.done = true;
        return !full();
      case BlockReader::Next::not_yet: take_pending(false); return !full();
    }
  }
}

void ShipSource::close_rotated() {
  for (const auto& f : files_) {
    if (f->done || !f->opened) continue;
    const std::uint64_t bytes = f->reader->summary().bytes;
    f->quiet_polls = bytes == f->bytes_seen ? f->quiet_polls + 1 : 0;
    f->bytes_seen = bytes;
    if (!once_ && f->quiet_polls < kQuietPolls) continue;
    const format::FileHeader& h = f->reader->header();
    const bool rotated = std::any_of(files_.begin(), files_.end(), [&](const auto& g) {
      return g->opened && g->reader->header().pid == h.pid &&
             g->reader->header().shard == h.shard && g->reader->header().sequence > h.sequence;
    });
    if (rotated) f->reader->set_growing(false);
  }
}

std::size_t ShipSource::fill(fmt::memory_buffer* rows, std::vector<ShipRow>* ids,
                             std::size_t max_rows, std::size_t max_bytes,
                             format::ShipCheckpoint* positions) {
  discover(*positions);
  for (const auto& f : files_) {
    if (f->opened || f->done) continue;
    const Status s = f->reader->open();
    if (s.code() == Status::Code::unavailable) continue;  // nothing flushed yet: next poll
    if (!s.ok()) {
      s.code() == Status::Code::io_error ? diag_.io_error(s.message())
                                         : diag_.data_error(s.message());
      f->done = true;
      continue;
    }
    f->opened = true;
    const format::FileHeader& h = f->reader->header();
    f->program = h.program;
    f->src = RowSource{host_, f->program, ship_source_id(host_, f->name, h.created_unix_ns, h.pid)};
  }
  if (once_) close_rotated();
  std::size_t count = 0;
  // Round robin: a busy file cannot keep the others waiting beyond one batch.
  const std::size_t n = files_.size();
  for (std::size_t k = 0; k < n; ++k) {
    File& f = *files_[(next_ + k) % n];
    if (f.done || !f.opened) continue;
    if (!read(f, rows, ids, max_rows, max_bytes, &count, positions)) {
      next_ = (next_ + k + 1) % n;
      break;
    }
  }
  if (!once_) close_rotated();
  std::erase_if(files_, [](const std::unique_ptr<File>& f) { return f->done; });
  if (next_ >= files_.size()) next_ = 0;
  return count;
}

}  // namespace lynx::tools
