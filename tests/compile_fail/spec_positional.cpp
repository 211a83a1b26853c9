#include <lynx/lynx.hpp>
void f(lynx::Logger& log) { LYNX_INFO(log, "a {} b {:p}", 1, 2); }
