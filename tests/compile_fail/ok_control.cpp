#include <lynx/lynx.hpp>
#include <string>
void f(lynx::Logger& log) {
  // Designated initialisers that skip fields must not warn under -Wextra -Werror.
  [[maybe_unused]] lynx::Options options{.directory = "x", .shards = 2, .level = lynx::Level::warn};
  LYNX_INFO(log, "order {id} {{braces}} {amount:.2f} {}", 17, 2.5, std::string("x"));
  LYNX_INFO(log, "at the limit {w:>4096} {p:.4096f} {f:0>8}", 1, 2.0, 3);
}
