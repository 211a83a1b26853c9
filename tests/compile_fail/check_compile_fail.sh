#!/bin/sh
# Compiles one source that must be rejected and checks the compiler said why.
# usage: check_compile_fail.sh EXPECTED_TEXT SOURCE COMPILER [ARGS...]
# Exit 0 when compilation failed with EXPECTED_TEXT in its diagnostics; 1 otherwise (including a
# failure for another reason, so a broken include path cannot pass as an expected failure).
# EXPECTED_TEXT may hold several texts separated by " && ": each must appear.
expected=$1; src=$2; shift 2
out=$("$@" -fsyntax-only "$src" 2>&1)
status=$?
if [ $status -eq 0 ]; then
  echo "compiled, but should not have: $src"
  exit 1
fi
missing=
rest=$expected
while [ -n "$rest" ]; do
  part=${rest%% && *}
  if [ "$part" = "$rest" ]; then rest=; else rest=${rest#* && }; fi
  printf '%s' "$out" | grep -qF -- "$part" || missing="$missing '$part'"
done
if [ -z "$missing" ]; then
  exit 0
fi
echo "failed without$missing in its diagnostics:"
printf '%s\n' "$out" | head -20
exit 1
