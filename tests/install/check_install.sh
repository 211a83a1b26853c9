#!/bin/sh
# Installs a built lynx into a temporary root and builds + runs an application against it through
# pkg-config alone, as a user would: g++ -std=c++20 app.cpp $(pkg-config --cflags --libs lynx).
set -eu
build=$1
here=$(cd "$(dirname "$0")" && pwd)
root=$(mktemp -d /tmp/lynx-install.XXXXXX)
trap 'rm -rf "$root"' EXIT
meson install -C "$build" --destdir "$root" >/dev/null
pc=$(dirname "$(find "$root" -name lynx.pc | head -n 1)")
prefix=$(meson introspect "$build" --buildoptions | python3 -c 'import json,sys; print([o["value"] for o in json.load(sys.stdin) if o["name"]=="prefix"][0])')
flags=$(PKG_CONFIG_PATH="$pc" pkg-config --define-variable=prefix="$root$prefix" --cflags --libs lynx)
g++ -std=c++20 "$here/app.cpp" $flags -o "$root/app"
test -x "$root$prefix/bin/lynx"
cd "$root"
LD_LIBRARY_PATH=$(dirname "$(find "$root" -name 'liblynx.so' | head -n 1)") ./app
out=$("$root$prefix/bin/lynx" cat --format json "$root/logs")
echo "$out" | grep -q '"msg":"installed lynx works: 42"' || { echo "unexpected output: $out"; exit 1; }
echo "install check: OK"
