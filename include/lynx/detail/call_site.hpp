// Static metadata of one LYNX_* statement. Each statement owns one constant-initialised CallSite;
// records carry a pointer to it, and the backend writes its contents into a file the first time a
// record of that site lands in that file. Nothing here runs per call.
#pragma once

#include <cstdint>
#include <string_view>

#include "lynx/detail/arg_types.hpp"
#include "lynx/level.hpp"

namespace lynx::detail {

struct CallSite {
  std::string_view format;
  const char* file;
  const char* function;
  std::uint32_t line;
  Level level;
  std::uint8_t arg_count;
  const ArgType* arg_types;
  // Format 2.1: the type descriptors of the ArgType::structured arguments, in order
  // (detail/structured.hpp); empty when there are none.
  std::string_view type_desc;
};

}  // namespace lynx::detail
