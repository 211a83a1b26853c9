#include <lynx/lynx.hpp>
void f(lynx::Logger& log) { LYNX_INFO(log, "took {ms:.2f} ms", 42); }
