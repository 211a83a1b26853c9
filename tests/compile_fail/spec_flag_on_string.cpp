#include <lynx/lynx.hpp>
void f(lynx::Logger& log) { LYNX_INFO(log, "name {name:+}", "x"); }
