#!/bin/sh
# The whole test suite: a normal build runs every test; an ASan+UBSan build and a TSan build run
# them with smaller sizes and without the duplicates that test nothing more there (docs/testing.md,
# "Timeouts and sanitizer sizes"); then the normal build's `install` suite (tests/install): an
# installed lynx used through pkg-config, CMake and as a meson subproject, a library-only setup,
# the Debian packages, the API reference; then each libFuzzer target fuzzes from the seed corpus
# for a bounded time ($LYNX_CI_FUZZ_SECONDS, default 45 s).
# Each stage prints its wall time; docs/testing.md lists what they take on a busy 2-core machine.
set -eu
start=$(date +%s)
stage_start=$start
stage_done() {  # what: prints the wall time of the stage that just ended
  now=$(date +%s)
  echo "lynx: $1 took $((now - stage_start)) s"
  stage_start=$now
}

cd "$(dirname "$0")/.."
./scripts/install-deps.sh
stage_done "install-deps"
root=$(pwd)

# Every part is asked for: a missing dependency fails the setup instead of leaving a part out.
all_parts="-Dtools=enabled -Dtests=enabled -Dbench=enabled"
run_suite() {  # build dir, ninja target, extra meson options...
  dir=$1; target=$2; shift 2
  [ -f "$dir/build.ninja" ] || meson setup "$dir" $all_parts "$@" >/dev/null
  ninja -C "$dir" $target
  stage_done "build of $dir"
  meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes 2 --no-suite install
  stage_done "tests of $dir"
}

# The normal build builds everything (benchmarks and examples must keep compiling); the sanitizer
# builds only what the tests run (meson-test-prereq), which saves two builds of the benchmarks.
echo "== normal build"
run_suite build-test "" -Dpython=enabled
# The sanitizer builds compile at -O1 with line tables only (-g1): enough for symbolised stack
# traces, and under half the compile time of -O2 -g, which made the ASan+UBSan build alone take
# 28 minutes (docs/testing.md).
sanitizer_flags="-Doptimization=1 -Ddebug=false -Dcpp_args=-g1 -Dc_args=-g1 -Db_lundef=false"
echo "== ASan + UBSan build"
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  run_suite build-asan meson-test-prereq -Db_sanitize=address,undefined $sanitizer_flags
echo "== TSan build"
TSAN_OPTIONS="suppressions=$root/tests/tsan.supp halt_on_error=1 second_deadlock_stack=1" \
  run_suite build-tsan meson-test-prereq -Db_sanitize=thread $sanitizer_flags
echo "== install, embedding, Debian packages, API reference (suite install of build-test)"
meson test -C build-test --no-rebuild --print-errorlogs --num-processes 2 --suite install
stage_done "install checks"

fuzz_build=${LYNX_FUZZ_BUILD:-$root/build-fuzz}
fuzz_for() {  # target: fuzzes for a bounded time; a failing input fails the run, named by its path
  log="$fuzz_build/$1_fuzz.log"
  artifacts="$fuzz_build/artifacts-$1"
  rm -rf "$artifacts"
  mkdir -p "$artifacts"
  if LYNX_FUZZ_BUILD="$fuzz_build" LYNX_FUZZ_ARTIFACTS="$artifacts" \
      ./scripts/fuzz.sh "${LYNX_CI_FUZZ_SECONDS:-45}" "$1" >"$log" 2>&1; then
    grep "^Done " "$log" || true  # "Done 1234567 runs in 46 second(s)"
    return 0
  fi
  tail -n 60 "$log"
  for input in "$artifacts"/*; do
    if [ -e "$input" ]; then
      echo "lynx: $1_fuzz failed on $input (reproduce: $fuzz_build/tests/fuzz/$1_fuzz $input)"
    fi
  done
  echo "lynx: $1_fuzz failed; its whole output is in $log"
  return 1
}
echo "== fuzzing (${LYNX_CI_FUZZ_SECONDS:-45} s per target, from tests/fuzz/corpus)"
fuzz_for reader
fuzz_for render
fuzz_for template
fuzz_for where
fuzz_for checkpoint
stage_done "fuzzing (with the clang build)"
echo "lynx: all test suites passed in $(( ($(date +%s) - start) / 60 )) min"

