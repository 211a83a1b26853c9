#include <lynx/lynx.hpp>
#include <string>
void f(lynx::Logger& log) { LYNX_INFO(log, "order {id}", 17, 2.5); }
