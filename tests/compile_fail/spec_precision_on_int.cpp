#include <lynx/lynx.hpp>
void f(lynx::Logger& log) { LYNX_INFO(log, "a {} b {count:.3}", 1.5, 7); }
