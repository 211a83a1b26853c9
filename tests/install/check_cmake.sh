#!/bin/sh
# An installed lynx used through its CMake package: find_package(lynx 0.2 CONFIG REQUIRED), then
# lynx::lynx (liblynx.so, started through the rpath CMake gives build-tree binaries) and
# lynx::lynx_static (liblynx.a with liburing, zstd, xxhash and threads), from a DESTDIR install:
# the package finds everything relative to its own place.
#   check_cmake.sh BUILD_DIR
. "$(dirname "$0")/lib.sh"
command -v cmake >/dev/null || fail "cmake is missing: scripts/install-deps.sh packaging installs it"
install_build "$1"
cmake -S "$here/cmake" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
  -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; fail "cmake configure failed"; }
cmake --build "$work/cmake-build" >"$work/cmake-build.log" 2>&1 ||
  { cat "$work/cmake-build.log"; fail "cmake build failed"; }
b="$work/cmake-build"
needed "$b/app_shared" | grep -qx 'liblynx.so.0' || fail "app_shared does not need liblynx.so.0"
needed "$b/app_static" | grep -q '^liblynx' && fail "app_static needs $(needed "$b/app_static" | grep '^liblynx')"
# The standard each target was compiled with: at least C++20 from the package, 23 kept.
std_of() {
  /usr/bin/python3 -c 'import json, re, sys
for e in json.load(open(sys.argv[1])):
    if "/" + sys.argv[2] + ".dir/" in e["command"]:
        print(" ".join(re.findall(r"-std=\S+", e["command"])))' "$b/compile_commands.json" "$1"
}
[ "$(std_of app_shared)" = "-std=gnu++20" ] || fail "lynx::lynx: app_shared compiled with '$(std_of app_shared)'"
[ "$(std_of app_static)" = "-std=gnu++20" ] || fail "lynx::lynx_static: app_static compiled with '$(std_of app_static)'"
[ "$(std_of app_cxx23)" = "-std=gnu++23" ] || fail "CXX_STANDARD 23: app_cxx23 compiled with '$(std_of app_cxx23)'"
expect='"msg":"installed lynx works: 42"'
run_app cmake-shared "$b/app_shared" "$prefix/bin/lynx" "$expect"
run_app cmake-static "$b/app_static" "$prefix/bin/lynx" "$expect"
run_app cmake-cxx23 "$b/app_cxx23" "$prefix/bin/lynx" "$expect"
echo "install check (CMake): OK"
