#include <lynx/lynx.hpp>
void f(lynx::Logger& log) { LYNX_INFO(log, "{x:>5000}", 1); }
