#!/bin/sh
# The API reference: scripts/api-docs.sh runs doxygen over include/lynx with every warning an
# error and writes html/index.html. The control: the same headers with one undocumented public
# function added must fail it, naming the function, so a passing run means every name is
# documented rather than that doxygen was not asked.
#   check_api_docs.sh SOURCE_DIR OUT_DIR
. "$(dirname "$0")/lib.sh"
src=$1 out=$2
command -v doxygen >/dev/null || fail "doxygen is missing: scripts/install-deps.sh packaging installs it"
"$src/scripts/api-docs.sh" "$out/api-docs" || fail "scripts/api-docs.sh failed"
[ -f "$out/api-docs/html/namespacelynx.html" ] || fail "no page for namespace lynx"
grep -q 'LYNX_INFO' "$out/api-docs/html/globals_defs.html" || fail "the macros are not in the reference"

mkdir -p "$work/include"
cp -r "$src/include/lynx" "$work/include/lynx"
printf '\nnamespace lynx {\nvoid undocumented_probe();\n}\n' >>"$work/include/lynx/stats.hpp"
if LYNX_API_DOCS_INPUT="$work/include/lynx" "$src/scripts/api-docs.sh" "$work/docs" >"$work/control.txt" 2>&1; then
  fail "control: an undocumented public function did not fail scripts/api-docs.sh"
fi
grep -q 'undocumented_probe.*not documented' "$work/control.txt" ||
  { cat "$work/control.txt"; fail "control: the failure does not name the undocumented function"; }
echo "ok: control: $(grep -m 1 'undocumented_probe' "$work/control.txt")"
echo "API reference check: OK"
