# Shared by the install checks (sourced): a temporary root removed at exit, `meson install` of a
# build into it, and the checks on what an application built against lynx does when it runs.
set -eu
# meson test points LD_LIBRARY_PATH at the build's liblynx.so: what is checked here is how
# programs find the installed one.
unset LD_LIBRARY_PATH
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/lynx-install.XXXXXX")
if [ -n "${LYNX_KEEP_TEST_DIRS:-}" ]; then
  echo "kept: $work"
else
  trap 'rm -rf "$work"' EXIT
fi

fail() { echo "FAIL: $*"; exit 1; }

# install_build BUILD_DIR: installs into $work/root; sets $prefix to the installed prefix (under
# $work/root) and $libdir, $pcdir to the installed directories.
install_build() {
  meson install -C "$1" --no-rebuild --destdir "$work/root" >"$work/install.log" 2>&1 ||
    { cat "$work/install.log"; fail "meson install -C $1 failed"; }
  configured=$(meson introspect "$1" --buildoptions |
    /usr/bin/python3 -c 'import json, sys; o = {x["name"]: x["value"] for x in json.load(sys.stdin)}; print(o["prefix"], o["libdir"])')
  prefix="$work/root${configured%% *}"
  libdir="$prefix/${configured#* }"
  pcdir="$libdir/pkgconfig"
  [ -f "$pcdir/lynx.pc" ] || fail "no lynx.pc in $pcdir"
}

needed() { readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'; }

# run_app NAME BINARY CLI: runs BINARY in a fresh directory (it writes logs/) with the loader path
# the environment gives it, then checks that CLI decodes the record it wrote.
run_app() {
  dir="$work/run-$1"
  mkdir -p "$dir"
  (cd "$dir" && "$2") >"$dir/out.txt" 2>&1 || { cat "$dir/out.txt"; fail "$1: $2 did not run"; }
  out=$("$3" cat --format json "$dir/logs") || fail "$1: $3 cat failed"
  printf '%s\n' "$out" | grep -q "$4" || fail "$1: unexpected records: $out"
  echo "ok: $1"
}
