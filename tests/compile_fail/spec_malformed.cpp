#include <lynx/lynx.hpp>
void f(lynx::Logger& log) { LYNX_INFO(log, "id {}, {id:dx}", 1, 2); }
