#!/bin/sh
# Layering: the `lynx` CLI reads files through format/ and base/ only, so it neither links
# liburing nor carries any io/ code (issue 9). liblynx.so, which writes files, does link liburing:
# the control that shows these checks can see it. And liblynx ships no test code: the
# fault-injecting writer lives in tests/support.
#   layering_test.sh BUILD_DIR LYNX_CLI LIBLYNX_SO
set -u
build=$1 cli=$2 lib=$3
fail=0

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

if needed "$cli" | grep -q '^liburing'; then
  echo "FAIL: $cli needs liburing: $(needed "$cli" | tr '\n' ' ')"; fail=1
fi
if ! needed "$lib" | grep -q '^liburing'; then
  echo "FAIL: control: $lib does not need liburing; the check above proves nothing"; fail=1
fi
# --as-needed drops an unused liburing from NEEDED, so look at what the link is asked to do too.
link=$(awk '/^build tools\/lynx:/ { on = 1 } on && /^$/ { exit } on' "$build/build.ninja")
if [ -z "$link" ]; then
  echo "FAIL: no link rule for tools/lynx in $build/build.ninja"; fail=1
elif printf '%s\n' "$link" | grep -q -e 'liburing' -e '-luring' -e 'liblynx_io\.a'; then
  echo "FAIL: tools/lynx is linked with liburing or liblynx_io.a (a dependency of format/ or"
  echo "      tools/ carries uring_dep or lynx_io_dep)"
  fail=1
fi
io_symbols=$(nm -C "$cli" | grep -c -e 'lynx::io::' -e ' io_uring_')
if [ "$io_symbols" -ne 0 ]; then
  echo "FAIL: $cli holds $io_symbols io/ or liburing symbols:"
  nm -C "$cli" | grep -e 'lynx::io::' -e ' io_uring_' | head -5
  fail=1
fi
test_symbols=$(nm -C "$lib" | grep -c 'FaultInjectingWriter')
if [ "$test_symbols" -ne 0 ]; then
  echo "FAIL: $lib holds $test_symbols symbols of the test-only FaultInjectingWriter"; fail=1
fi
[ "$fail" -eq 0 ] && echo "ok: lynx links no liburing and holds no io/ code; liblynx no test code"
exit "$fail"
