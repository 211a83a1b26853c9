#!/bin/sh
# Installs what building lynx needs on Debian 12, skipping what is already there. Needs root (or
# sudo) only when something is missing.
#   scripts/install-deps.sh [GROUP...]     (no GROUP: all of them, what scripts/test.sh needs)
# Groups, each what one part of the build uses (meson_options.txt):
#   library    the library alone: meson -Dtools=disabled -Dtests=disabled -Dbench=disabled
#   tools      the lynx CLI and the render library (-Dtools)
#   tests      the test suite (-Dtests); clang and libclang-rt-dev (its sanitizer and libFuzzer
#              runtimes, only recommended by clang, so named here) build the fuzz targets
#   bench      the benchmarks (-Dbench)
#   packaging  the install checks of tests/install: CMake, the Debian packages (debhelper), the
#              API reference (doxygen)
#   python     the Python module lynx and its tests (-Dpython): pybind11, meson-python, pytest and
#              the frameworks the integrations are tested with, all from Debian (never PyPI)
#   fleet-ship `lynx ship` (libcurl, its HTTP client) and the ClickHouse server of tests/fleet/ship*
#   fleet-ops  the syslog sink's and the metrics endpoint's tests (rsyslogd, prometheus) and the
#              HTTP library of Options::metrics_listen (cpp-httplib, header-only)
set -eu
group_packages() {
  case $1 in
    library) echo "meson ninja-build pkg-config g++ liburing-dev libzstd-dev libxxhash-dev
                   libconcurrentqueue-dev libfmt-dev libtomlplusplus-dev" ;;
    tools) echo "libfmt-dev libcli11-dev libre2-dev" ;;
    tests) echo "doctest-dev clang libclang-rt-dev" ;;
    bench) echo "libspdlog-dev libbenchmark-dev" ;;
    packaging) echo "cmake debhelper dpkg-dev fakeroot doxygen" ;;
    python) echo "python3-dev pybind11-dev python3-pybind11 python3-mesonpy python3-venv python3-pip
                  python3-pytest python3-structlog python3-fastapi python3-starlette python3-httpx
                  python3-flask python3-django python3-loguru" ;;
    fleet-ship) echo "libcurl4-openssl-dev zlib1g-dev clickhouse-server clickhouse-client" ;;
    fleet-ops) echo "rsyslog prometheus libcpp-httplib-dev" ;;
    *) echo "install-deps.sh: unknown group '$1' (library, tools, tests, bench, packaging, python, fleet-ship, fleet-ops)" >&2
       exit 2 ;;
  esac
}
[ $# -eq 0 ] && set -- library tools tests bench packaging python fleet-ship fleet-ops
packages=""
for group in "$@"; do
  packages="$packages $(group_packages "$group")"
done
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
