#include <lynx/lynx.hpp>
#include <string>
void f(lynx::Logger& log) {
  LYNX_INFO(log, "order {id} {{braces}} {amount:.2f} {}", 17, 2.5, std::string("x"));
}
