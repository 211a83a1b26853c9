// The README's two-minute tour, as a program: what a new user builds first, against an installed
// lynx (tests/install/check_debian.sh builds it against the Debian packages with pkg-config and
// with CMake). Writes logs/ in the current directory; `lynx cat logs/` prints the record.
#include <lynx/lynx.hpp>

int main() {
  lynx::Engine engine({.directory = "logs", .name = "app"});  // starts the backend thread
  lynx::Logger& log = lynx::logger("orders");                 // same object for the same name
  LYNX_INFO(log, "order {id} placed for {amount:.2f} by {user}", 17, 12.5, std::string("bob"));
  LYNX_DEBUG(log, "not written: below the logger's level {x}", 1);
  engine.flush();  // returns once every record logged before the call is in its file
}  // ~Engine flushes everything and stops the backend
