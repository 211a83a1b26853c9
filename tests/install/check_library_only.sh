#!/bin/sh
# `meson setup -Dtools=disabled -Dtests=disabled -Dbench=disabled` configures the library alone:
# it looks up no dependency but liburing, zstd, xxhash, threads, cpp-httplib (-Dmetrics, optional),
# pybind11 (-Dpython, optional: the Python module links the library alone),
# the concurrentqueue header and
# the headers of {fmt} and toml++ (header-only inside the library: its sinks and its configuration),
# and builds no target of the tools, the tests or the benchmarks. (check_subproject.sh builds
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
[ "$looked" = "concurrentqueue/concurrentqueue.h cpp-httplib fmt liburing libxxhash libzstd pybind11 threads tomlplusplus " ] ||
  fail "the library-only setup looked up: $looked"
# No target of tools/, tests/ or bench/ (render/ is part of the library: its sinks); the library
# and the examples are there.
targets=$(meson introspect "$work/lib" --targets | /usr/bin/python3 -c '
import json, os, sys
root = os.path.realpath(sys.argv[1])
for t in json.load(sys.stdin):
    print(os.path.relpath(os.path.dirname(t["defined_in"]), root).split(os.sep)[0] + ":" + t["name"])
' "$src" | sort -u)
optional=$(printf '%s\n' "$targets" | grep -e '^tools:' -e '^tests:' -e '^bench:' || true)
[ -z "$optional" ] || fail "library-only setup has targets of the optional parts: $(echo $optional)"
for t in engine:lynx examples:tour; do
  printf '%s\n' "$targets" | grep -qx "$t" || fail "library-only setup lacks $t: $(echo $targets)"
done
targets=$(echo $targets)
echo "ok: looks up only $looked; builds only $targets"

if meson setup "$work/bad" "$src" -Dtools=disabled -Dtests=enabled >"$work/bad.log" 2>&1; then
  fail "-Dtools=disabled -Dtests=enabled was accepted"
fi
grep -q 'the tests need the tools' "$work/bad.log" || { cat "$work/bad.log"; fail "unclear error for tests without tools"; }
echo "library-only check: OK"
