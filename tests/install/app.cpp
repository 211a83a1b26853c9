// Built against an installed lynx through pkg-config by check_install.sh.
#include <lynx/lynx.hpp>

int main() {
  lynx::Engine engine({.directory = "logs", .name = "app"});
  LYNX_INFO(lynx::logger("install"), "installed lynx works: {answer}", 42);
}
