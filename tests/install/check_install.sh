#!/bin/sh
# An installed lynx used through pkg-config alone, as a user would (README "Using lynx in a
# project"): shared with the loader path from an rpath, fully static with `pkg-config --static`,
# and the language standard left to the application: C++23 compiles, C++17 stops with the
# headers' own message.
#   check_install.sh BUILD_DIR
. "$(dirname "$0")/lib.sh"
install_build "$1"
cli="$prefix/bin/lynx"
[ -x "$cli" ] || fail "no lynx CLI in $prefix/bin"
expect='"msg":"installed lynx works: 42"'
pc() { PKG_CONFIG_PATH="$pcdir" pkg-config --define-variable=prefix="$prefix" "$@" lynx; }

pc --cflags | grep -q -e '-std=' && fail "lynx.pc puts a language standard in Cflags: $(pc --cflags)"

# The README's line plus the rpath it explains: starts with no LD_LIBRARY_PATH.
g++ -std=c++20 "$here/app.cpp" $(pc --cflags --libs) -Wl,-rpath,"$(pc --variable=libdir)" \
  -o "$work/app_shared"
needed "$work/app_shared" | grep -qx 'liblynx.so.0' || fail "app_shared does not need liblynx.so.0"
run_app shared-rpath "$work/app_shared" "$cli" "$expect"

# Without the rpath (and without ldconfig, which a DESTDIR install cannot use) the loader must
# not find it: the control that shows the rpath above is what made it start.
g++ -std=c++20 "$here/app.cpp" $(pc --cflags --libs) -o "$work/app_norpath"
if (cd "$work" && ./app_norpath) >"$work/norpath.txt" 2>&1; then
  fail "control: app_norpath started without a loader path (a liblynx.so.0 on the system?)"
fi
grep -q 'liblynx.so.0' "$work/norpath.txt" || fail "control: unexpected failure: $(cat "$work/norpath.txt")"

# `pkg-config --static`: Libs.private and Requires.private are all a fully static link needs.
g++ -std=c++20 "$here/app.cpp" $(pc --cflags) -static $(pc --static --libs) -o "$work/app_static" \
  2>"$work/static.txt" || { cat "$work/static.txt"; fail "static link with pkg-config --static failed"; }
needed "$work/app_static" | grep -q . && fail "app_static is not static: $(needed "$work/app_static")"
run_app static "$work/app_static" "$cli" "$expect"

# The standard is the application's: C++23 builds and runs ...
g++ -std=c++23 "$here/app.cpp" $(pc --cflags --libs) -Wl,-rpath,"$(pc --variable=libdir)" \
  -o "$work/app_cxx23"
run_app cxx23 "$work/app_cxx23" "$cli" "$expect"
# ... and C++17 stops at once with the headers' message, the first error of the compile.
if g++ -std=c++17 -c "$here/app.cpp" $(pc --cflags) -o "$work/app17.o" 2>"$work/cxx17.txt"; then
  fail "a C++17 compile of app.cpp succeeded"
fi
first=$(grep -m 1 'error' "$work/cxx17.txt" || true)
case $first in
  *'lynx needs C++20'*) echo "ok: C++17 stops with: ${first#*error: }" ;;
  *) cat "$work/cxx17.txt"; fail "the first error of a C++17 compile is not lynx's: $first" ;;
esac

# The README's own lines, for real, where this may change the machine: in CI (CI=true, as root),
# when no lynx is installed yet. `meson install` to the configured prefix, `ldconfig`, the g++
# line, and the program starts with no loader path of its own; then every file installed is
# removed again (the same list as the DESTDIR install above) and the loader's cache refreshed.
system_prefix=${configured%% *}
system_files=$(cd "$work/root" && find . ! -type d | sed 's|^\.||')
# The directories the install creates, deepest first: removed again when empty.
system_new_dirs=$(cd "$work/root" && find . -depth -type d | sed 's|^\.||' |
  while read -r d; do [ -z "$d" ] || [ -e "$d" ] || echo "$d"; done)
remove_system_install() {
  for f in $system_files; do rm -f "$f"; done
  for d in $system_new_dirs; do rmdir "$d" 2>/dev/null || true; done
  ldconfig
}
if [ "${CI:-}" != true ] || [ "$(id -u)" -ne 0 ]; then
  echo "note: the README's ldconfig route runs only in CI as root (it installs into $system_prefix)"
elif [ -e "$system_prefix/include/lynx" ] || ldconfig -p | grep -q 'liblynx\.so'; then
  echo "note: the README's ldconfig route not run: a lynx is installed already"
else
  trap 'remove_system_install; rm -rf "$work"' EXIT
  meson install -C "$1" --no-rebuild >"$work/system-install.log" 2>&1 ||
    { cat "$work/system-install.log"; fail "meson install -C $1 failed"; }
  ldconfig
  g++ -std=c++20 "$here/app.cpp" $(pkg-config --cflags --libs lynx) -o "$work/app_readme"
  run_app readme-ldconfig "$work/app_readme" "$system_prefix/bin/lynx" "$expect"
  remove_system_install
  trap 'rm -rf "$work"' EXIT
  for f in $system_files $system_new_dirs; do [ ! -e "$f" ] || fail "$f is still installed"; done
fi
echo "install check (pkg-config): OK"
