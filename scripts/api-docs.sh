#!/bin/sh
# Writes the API reference of include/lynx/ with doxygen (docs/Doxyfile) to OUT/html/index.html
# (default build/api-docs). Fails, printing them, on any doxygen warning: every public name must
# be documented. LYNX_API_DOCS_INPUT replaces the input folder (tests/install/check_api_docs.sh).
#   scripts/api-docs.sh [OUT]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(mkdir -p "${1:-$root/build/api-docs}" && cd "${1:-$root/build/api-docs}" && pwd)
input=${LYNX_API_DOCS_INPUT:-$root/include/lynx}
command -v doxygen >/dev/null ||
  { echo "api-docs.sh: doxygen is missing (scripts/install-deps.sh packaging installs it)" >&2; exit 2; }
version=$(sed -n "s/^ *version: '\([^']*\)'.*/\1/p" "$root/meson.build" | head -n 1)
rm -rf "$out/html"
cd "$root"
if ! { cat docs/Doxyfile
       echo "OUTPUT_DIRECTORY = $out"
       echo "PROJECT_NUMBER = $version"
       echo "INPUT = $input"
       echo "STRIP_FROM_PATH = $(dirname "$input")"
       echo "STRIP_FROM_INC_PATH = $(dirname "$input")"
       echo "WARN_LOGFILE = $out/warnings.txt"
     } | doxygen - >"$out/doxygen.log" 2>&1 || [ -s "$out/warnings.txt" ]; then
  :
fi
if [ -s "$out/warnings.txt" ] || [ ! -f "$out/html/index.html" ]; then
  cat "$out/warnings.txt" "$out/doxygen.log" >&2
  echo "api-docs.sh: doxygen warned (above): document every public name of $input" >&2
  exit 1
fi
echo "API reference: $out/html/index.html"
