#include <lynx/lynx.hpp>
#include <string>
void f(lynx::Logger& log) {
  // Designated initialisers that skip fields must not warn under -Wextra -Werror.
  [[maybe_unused]] lynx::Options options{.directory = "x", .shards = 2, .level = lynx::Level::warn};
  LYNX_INFO(log, "order {id} {{braces}} {amount:.2f} {}", 17, 2.5, std::string("x"));
  LYNX_INFO(log, "specs {a:#x} {b:d} {c:c} {s:>10.3s} {p:p} {f:+.3e} {n:L} {t:s} {u:08b}", 1, true,
            'c', "str", &options, 2.5, 3, false, 5u);
  LYNX_INFO(log, "at the limit {w:>4096} {p:.4096f} {f:0>8}", 1, 2.0, 3);
}
