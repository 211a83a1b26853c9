#!/bin/sh
# `meson setup -Dtools=disabled -Dtests=disabled -Dbench=disabled` configures the library alone:
# it looks up no dependency but liburing, zstd, xxhash, threads and the concurrentqueue header,
# and builds no target but the library, its layers and the examples. (check_subproject.sh builds
# the library in this configuration and checks the headers its objects read.) Asking for the tests
# without the tools fails the setup with a clear message.
#   check_library_only.sh SOURCE_DIR
. "$(dirname "$0")/lib.sh"
src=$1
meson setup "$work/lib" "$src" -Dtools=disabled -Dtests=disabled -Dbench=disabled \
  >"$work/setup.log" 2>&1 || { cat "$work/setup.log"; fail "library-only setup failed"; }
log="$work/lib/meson-logs/meson-log.txt"
looked=$(sed -n -e "s/^Run-time dependency \([^ ]*\) found.*/\1/p" \
  -e 's/^Has header "\([^"]*\)" : .*/\1/p' "$log" | sort -u | tr '\n' ' ')
[ "$looked" = "concurrentqueue/concurrentqueue.h liburing libxxhash libzstd threads " ] ||
  fail "the library-only setup looked up: $looked"
targets=$(meson introspect "$work/lib" --targets | /usr/bin/python3 -c '
import json, sys
print(" ".join(sorted(t["name"] for t in json.load(sys.stdin))))')
expected="lynx lynx lynx_base lynx_compress lynx_format lynx_io service_demo tour"
[ "$targets" = "$expected" ] || fail "library-only targets: '$targets', expected '$expected'"
echo "ok: looks up only $looked; builds only $targets"

if meson setup "$work/bad" "$src" -Dtools=disabled -Dtests=enabled >"$work/bad.log" 2>&1; then
  fail "-Dtools=disabled -Dtests=enabled was accepted"
fi
grep -q 'the tests need the tools' "$work/bad.log" || { cat "$work/bad.log"; fail "unclear error for tests without tools"; }
echo "library-only check: OK"
