#!/bin/sh
# Builds the libFuzzer targets with clang and fuzzes the file reader for a bounded time.
#   scripts/fuzz.sh [SECONDS [TARGET [libFuzzer options...]]]
# SECONDS defaults to 60, TARGET to reader (the others: render, template, where, checkpoint). The build directory is
# $LYNX_FUZZ_BUILD (default build-fuzz, set up on first use). New inputs go to a temporary
# directory, or to $LYNX_FUZZ_CORPUS when set (kept between runs); the committed seeds in
# tests/fuzz/corpus are only read. Crash inputs land in the current directory. See docs/testing.md.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
target=${2:-reader}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
build=${LYNX_FUZZ_BUILD:-$root/build-fuzz}
case $seconds in
  '' | *[!0-9]*) echo "usage: scripts/fuzz.sh [SECONDS [TARGET [libFuzzer options...]]]" >&2; exit 2 ;;
esac
if [ ! -f "$build/build.ninja" ]; then
  meson setup "$build" "$root" -Dfuzzing=true --native-file "$root/tests/fuzz/clang.ini"
fi
ninja -C "$build" "tests/fuzz/${target}_fuzz"
exec "$root/tests/fuzz/run_fuzz.sh" "$build/tests/fuzz/${target}_fuzz" "$root/tests/fuzz/corpus" \
  -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 -timeout=30 -print_final_stats=1 "$@"
