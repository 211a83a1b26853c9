#include <lynx/lynx.hpp>
#include <string>
void f(lynx::Logger& log) { LYNX_INFO(log, "{id} and {id}", 1, 2); }
