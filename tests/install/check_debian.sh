#!/bin/sh
# The Debian packages: `dpkg-buildpackage -us -uc -b` on a copy of this source tree builds
# liblynx0, liblynx-dev and lynx-tools (library and CLI only, see debian/rules); each holds what it
# should; then the README's tour (examples/tour.cpp) is built against them with pkg-config and
# with CMake, run, and its records decoded by the packaged lynx.
# Where the packages are installed: in CI (CI=true, as root, with no lynx installed already) on
# the machine itself with dpkg -i, so the programs start through the loader's own path
# (ldconfig, run by the package's trigger) and are purged again at the end; elsewhere unpacked
# with dpkg -x into a clean root, the programs pointed at it with LD_LIBRARY_PATH.
#   check_debian.sh SOURCE_DIR
. "$(dirname "$0")/lib.sh"
src=$(cd "$1" && pwd)
if ! command -v dpkg-buildpackage >/dev/null; then
  echo "SKIP: not a Debian system (no dpkg-buildpackage)"; exit 77
fi
for p in debhelper dpkg-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
    fail "$p is missing: scripts/install-deps.sh packaging installs it"
done

# A copy of the source tree (what git tracks, plus new files not ignored), so that the build and
# the .debs (written beside the tree) stay out of the checkout.
tree="$work/src/lynx"
mkdir -p "$tree"
if git -C "$src" rev-parse --show-toplevel >/dev/null 2>&1; then
  (cd "$src" && git ls-files -co --exclude-standard | while read -r f; do [ -e "$f" ] && printf '%s\n' "$f"; done |
    tar -cf - -T -) | tar -C "$tree" -xf -
else
  (cd "$src" && tar --exclude='./build*' -cf - .) | tar -C "$tree" -xf -
fi
(cd "$tree" && DEB_BUILD_OPTIONS="nocheck noautodbgsym parallel=2" dpkg-buildpackage -us -uc -b) \
  >"$work/dpkg-buildpackage.log" 2>&1 || { tail -n 80 "$work/dpkg-buildpackage.log"; fail "dpkg-buildpackage failed"; }
arch=$(dpkg-architecture -qDEB_HOST_ARCH)
multiarch=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
version=$(dpkg-parsechangelog -l "$tree/debian/changelog" -S Version)
for p in liblynx0 liblynx-dev lynx-tools; do
  [ -f "$work/src/${p}_${version}_${arch}.deb" ] || fail "no ${p}_${version}_${arch}.deb: $(ls "$work/src")"
done
deb() { echo "$work/src/${1}_${version}_${arch}.deb"; }
contents() { dpkg-deb -c "$(deb "$1")" | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||'; }
has() {  # package path...: each path is in the package
  p=$1; shift
  for f in "$@"; do contents "$p" | grep -qx "$f" || fail "$p lacks $f: $(contents "$p" | tr '\n' ' ')"; done
}
L="/usr/lib/$multiarch"
has liblynx0 "$L/liblynx.so.0" "$L/liblynx.so.${version%-*}"
has liblynx-dev /usr/include/lynx/lynx.hpp /usr/include/lynx/detail/producer.hpp "$L/liblynx.so" \
  "$L/liblynx.a" "$L/pkgconfig/lynx.pc" "$L/cmake/lynx/lynxConfig.cmake" "$L/cmake/lynx/lynxConfigVersion.cmake"
has lynx-tools /usr/bin/lynx
contents liblynx0 | grep -e '/include/' -e '\.a$' -e '/bin/' && fail "liblynx0 holds development files or tools"
contents lynx-tools | grep -e 'liblynx' -e '/include/' && fail "lynx-tools holds library files"
depends=$(dpkg-deb -f "$(deb liblynx-dev)" Depends)
for d in "liblynx0 (= $version)" liburing-dev libzstd-dev libxxhash-dev; do
  case $depends in *"$d"*) ;; *) fail "liblynx-dev does not depend on $d: $depends" ;; esac
done
echo "ok: built $(cd "$work/src" && ls ./*.deb | tr '\n' ' ')"

tour="$src/examples/tour.cpp"
expect='"msg":"order 17 placed for 12.50 by bob"'
installed_here=""
lynx_installed() {  # any lynx the loader, pkg-config or CMake could find instead of the packages'
  dpkg-query -W -f='${Status}' liblynx0 liblynx-dev lynx-tools 2>/dev/null | grep -q installed ||
    ldconfig -p | grep -q 'liblynx\.so' || pkg-config --exists lynx
}
if [ "${CI:-}" = true ] && [ "$(id -u)" -eq 0 ] && ! lynx_installed; then
  trap 'dpkg --purge lynx-tools liblynx-dev liblynx0 >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
  dpkg -i "$(deb liblynx0)" "$(deb liblynx-dev)" "$(deb lynx-tools)" >"$work/dpkg-i.log" 2>&1 ||
    { cat "$work/dpkg-i.log"; fail "dpkg -i failed"; }
  installed_here=yes
  ldconfig -p | grep -q 'liblynx\.so\.0 ' || fail "liblynx.so.0 is not in the loader's cache after dpkg -i"
  cli=/usr/bin/lynx
  g++ -std=c++20 "$tour" $(pkg-config --cflags --libs lynx) -o "$work/tour_pc"
  cmake -S "$here/cmake" -B "$work/cmake" -DLYNX_APP_SOURCE="$tour" >"$work/cmake.log" 2>&1 ||
    { cat "$work/cmake.log"; fail "cmake configure against the packages failed"; }
  echo "ok: installed with dpkg -i"
else
  root="$work/debroot"
  for p in liblynx0 liblynx-dev lynx-tools; do dpkg -x "$(deb "$p")" "$root"; done
  cli="$root/usr/bin/lynx"
  g++ -std=c++20 "$tour" $(PKG_CONFIG_PATH="$root$L/pkgconfig" pkg-config \
    --define-variable=prefix="$root/usr" --cflags --libs lynx) -o "$work/tour_pc"
  cmake -S "$here/cmake" -B "$work/cmake" -DCMAKE_PREFIX_PATH="$root/usr" -DLYNX_APP_SOURCE="$tour" \
    >"$work/cmake.log" 2>&1 || { cat "$work/cmake.log"; fail "cmake configure against the packages failed"; }
  export LD_LIBRARY_PATH="$root$L"
  echo "ok: unpacked with dpkg -x into $root"
fi
cmake --build "$work/cmake" >"$work/cmake-build.log" 2>&1 ||
  { cat "$work/cmake-build.log"; fail "cmake build against the packages failed"; }
run_app tour-pkg-config "$work/tour_pc" "$cli" "$expect"
run_app tour-cmake-shared "$work/cmake/app_shared" "$cli" "$expect"
run_app tour-cmake-static "$work/cmake/app_static" "$cli" "$expect"
[ -n "$installed_here" ] && { dpkg --purge lynx-tools liblynx-dev liblynx0 >/dev/null || fail "dpkg --purge failed"; }
echo "Debian packages check: OK"
