#!/bin/sh
# lynx as a meson subproject: a user project (tests/install/subproject) whose subprojects/ holds
# lynx (here a symlink to this source tree) and a wrap naming what it provides. The user project
# is C++23 with warnings as errors; lynx builds as C++20 with its own flags, links statically,
# installs nothing, and looks up none of the tools', tests' or benchmarks' dependencies ({fmt}'s
# headers are the library's own: its sinks render with {fmt} header-only).
#   check_subproject.sh SOURCE_DIR
. "$(dirname "$0")/lib.sh"
src=$(cd "$1" && pwd)
user="$work/user"
mkdir -p "$user/subprojects"
cp "$here/subproject/meson.build" "$here/app.cpp" "$user/"
sed -i "s|'\.\./app\.cpp'|'app.cpp'|" "$user/meson.build"
ln -s "$src" "$user/subprojects/lynx"
cat >"$user/subprojects/lynx.wrap" <<'WRAP'
[wrap-file]
directory = lynx

[provide]
dependency_names = lynx
WRAP
meson setup "$work/build" "$user" --buildtype=debugoptimized >"$work/setup.log" 2>&1 ||
  { cat "$work/setup.log"; fail "meson setup of the user project failed"; }
log="$work/build/meson-logs/meson-log.txt"
for dep in CLI11 doctest spdlog benchmark; do
  if grep -i -e "dependency '\?$dep'\?" -e "header \"$dep/" "$log" | grep -v -q skipped; then
    fail "the subproject looked for $dep: $(grep -i "$dep" "$log" | head -n 3)"
  fi
done
ninja -C "$work/build" >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build failed"; }
# No object of the library read a header of those dependencies either (ninja's record of the
# headers each compile read), so the library builds on a machine that has none of them.
headers=$(ninja -C "$work/build" -t deps | grep -e '/CLI/' -e '/doctest/' -e '/spdlog/' \
  -e '/benchmark/' | sort -u | head -n 5)
[ -z "$headers" ] || fail "the library's objects read headers of optional dependencies: $headers"
meson introspect "$work/build" --installed | grep -q lynx &&
  fail "the subproject would install: $(meson introspect "$work/build" --installed)"
for app in app_dependency app_subproject; do
  needed "$work/build/$app" | grep -q '^liblynx' && fail "$app links liblynx dynamically"
done
# The CLI is not built in the subproject: decode with the one the caller built (argument 2).
cli=${2:-}
if [ -n "$cli" ]; then
  run_app dependency "$work/build/app_dependency" "$cli" '"msg":"installed lynx works: 42"'
  run_app subproject "$work/build/app_subproject" "$cli" '"msg":"installed lynx works: 42"'
else
  (cd "$work" && ./build/app_dependency && ./build/app_subproject) || fail "the apps did not run"
fi
echo "subproject check: OK"
