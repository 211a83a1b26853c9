// libFuzzer target for the checkpoint of `lynx ship` (format/ship_checkpoint.hpp), a file an
// operator may edit and anyone who can write the log directory may plant. The input is the file:
// loading either succeeds or is refused with Code::corrupt and a message (never a crash, a throw
// or a hang); what loads is stored again and must load back equal. Built only with -Dfuzzing=true
// and clang (see tests/fuzz/meson.build and scripts/fuzz.sh).
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

#include "format/ship_checkpoint.hpp"

namespace {

const std::string& scratch(const char* what) {
  static const std::string dir = [] {
    std::string d = "/tmp/lynx-checkpoint-fuzz-" + std::to_string(::getpid());
    ::mkdir(d.c_str(), 0700);
    return d;
  }();
  static const std::string in = dir + "/in.checkpoint", out = dir + "/out.checkpoint";
  return what[0] == 'i' ? in : out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string& in = scratch("in");
  std::ofstream(in, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  lynx::format::ShipCheckpoint loaded;
  const lynx::Status s = lynx::format::load_ship_checkpoint(in, &loaded);
  if (!s.ok()) {
    if (s.code() != lynx::Status::Code::corrupt || s.message().empty()) std::abort();
    return 0;
  }
  const std::string& out = scratch("out");
  if (!lynx::format::store_ship_checkpoint(out, loaded).ok()) std::abort();
  lynx::format::ShipCheckpoint again;
  if (!lynx::format::load_ship_checkpoint(out, &again).ok() || again != loaded) std::abort();
  return 0;
}
