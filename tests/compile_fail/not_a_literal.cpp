#include <lynx/lynx.hpp>
#include <string>
void f(lynx::Logger& log) {
  const char* t = "x {}";
  LYNX_INFO(log, t, 1);
}
