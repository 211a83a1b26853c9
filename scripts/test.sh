#!/bin/sh
# The whole test suite: a normal build, an ASan+UBSan build and a TSan build each run every test;
# then an installed copy of lynx builds an application through pkg-config.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
root=$(pwd)

run_suite() {  # build dir, extra meson options...
  dir=$1; shift
  [ -f "$dir/build.ninja" ] || meson setup "$dir" "$@" >/dev/null
  ninja -C "$dir"
  meson test -C "$dir" --print-errorlogs --num-processes 2
}

echo "== normal build"
run_suite build-test
echo "== ASan + UBSan build"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  run_suite build-asan -Db_sanitize=address,undefined -Db_lundef=false
echo "== TSan build"
TSAN_OPTIONS="suppressions=$root/tests/tsan.supp halt_on_error=1 second_deadlock_stack=1" \
  run_suite build-tsan -Db_sanitize=thread -Db_lundef=false
echo "== install + pkg-config"
./tests/install/check_install.sh "$root/build-test"
echo "lynx: all test suites passed"
