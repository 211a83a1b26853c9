// Picks the writer: io_uring when the kernel allows it, pwritev otherwise (Seastar-style probe at
// start with a fallback). The probe is the real thing: the ring the writer will use.
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "io/psync_writer.hpp"
#include "io/uring_writer.hpp"
#include "io/writer.hpp"

namespace lynx::io {
namespace {

// LYNX_IO_DISABLE_URING=1 makes io_uring look unavailable, so tests can run the fallback and the
// kind=uring error on a kernel that does support io_uring.
bool uring_disabled_by_env() {
  const char* v = std::getenv("LYNX_IO_DISABLE_URING");
  return v != nullptr && std::strcmp(v, "1") == 0;
}

}  // namespace

std::unique_ptr<Writer> make_writer(const WriterConfig& config, Status* status, std::string* note) {
  if (status != nullptr) *status = Status::ok_status();
  if (note != nullptr) note->clear();
  if (config.kind == Kind::psync) return std::make_unique<PsyncWriter>();

  Status why;
  std::unique_ptr<UringWriter> uring;
  if (uring_disabled_by_env()) {
    why = Status::error(Status::Code::unavailable, "disabled by LYNX_IO_DISABLE_URING=1");
  } else {
    uring = UringWriter::create(config, &why);
  }
  if (uring != nullptr) {
    // Still io_uring, just slower: worth one line, not a failure.
    if (note != nullptr && !uring->registration_note().empty()) {
      *note = "lynx: " + uring->registration_note();
    }
    return uring;
  }
  if (config.kind == Kind::uring) {
    if (status != nullptr) {
      *status = Status::error(Status::Code::unavailable,
                              "io_uring was requested but is unavailable (" + why.message() +
                                  "); use the automatic or pwritev writer");
    }
    return nullptr;
  }
  if (note != nullptr) {
    *note = "lynx: io_uring unavailable (" + why.message() + "), writing with pwritev";
  }
  return std::make_unique<PsyncWriter>();
}

}  // namespace lynx::io
