#!/bin/sh
# Installs what building and testing lynx needs on Debian 12, skipping what is already there.
# Needs root (or sudo) only when something is missing.
set -eu
# clang and libclang-rt-dev (its sanitizer and libFuzzer runtimes, only recommended by clang, so
# named here) build the fuzz targets of tests/fuzz.
packages="meson ninja-build pkg-config g++ liburing-dev libzstd-dev libconcurrentqueue-dev
  doctest-dev libbenchmark-dev libfmt-dev libcli11-dev libre2-dev libxxhash-dev libspdlog-dev
  clang libclang-rt-dev"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "lynx: installing$missing" >&2
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
