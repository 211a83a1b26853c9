#include <lynx/lynx.hpp>
#include <string>
void f(lynx::Logger& log) {
  struct Point {
    int x, y;
  };
  LYNX_INFO(log, "p {p}", Point{1, 2});
}
