#!/bin/sh
# The main job: build lynx, run a multi-threaded service logging under load, then decode and
# summarise what it wrote with the lynx CLI.
set -eu
cd "$(dirname "$0")/.."
./scripts/install-deps.sh library tools  # the library, the CLI and the examples
[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null
ninja -C build >/dev/null
logs=$(mktemp -d /tmp/lynx-demo.XXXXXX)
./build/examples/service_demo --dir "$logs" --threads 4 --records 4000000
echo
echo "== lynx cat --format json $logs (first 3 records)"
./build/tools/lynx cat --format json "$logs" | head -n 3
echo
echo "== lynx cat --format text $logs (last 3 records)"
./build/tools/lynx cat --format text "$logs" | tail -n 3
echo
records=$(./build/tools/lynx cat --format text "$logs" | wc -l)
bytes=$(cat "$logs"/*.lynx | wc -c)
echo "== summary: the CLI decoded $records records from $bytes bytes on disk" \
     "($(awk "BEGIN { printf \"%.2f\", $bytes / $records }") bytes per record) in $logs"
