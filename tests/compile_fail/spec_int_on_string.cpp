#include <lynx/lynx.hpp>
#include <string>
void f(lynx::Logger& log, const std::string& user) { LYNX_INFO(log, "user {user:d}", user); }
