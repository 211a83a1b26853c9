#include <lynx/lynx.hpp>
#include <string>
void f(lynx::Logger& log) { LYNX_INFO(log, "order {1id}", 17); }
