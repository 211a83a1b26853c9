#!/bin/sh
# Runs a libFuzzer binary on the committed seed corpus without ever writing into it.
#   run_fuzz.sh FUZZER SEED_DIR [libFuzzer options...]
# libFuzzer adds every new interesting input to its FIRST corpus directory, so that one is a
# writable work directory: $LYNX_FUZZ_CORPUS when set (kept, so long runs can resume and grow it),
# else a temporary directory removed at exit. Crash, leak and timeout inputs go to
# $LYNX_FUZZ_ARTIFACTS (default: the current directory); libFuzzer prints their paths.
set -u
if [ $# -lt 2 ]; then
  echo "usage: run_fuzz.sh FUZZER SEED_DIR [libFuzzer options...]" >&2
  exit 2
fi
fuzzer=$1
seeds=$2
shift 2
if [ -n "${LYNX_FUZZ_CORPUS:-}" ]; then
  work=$LYNX_FUZZ_CORPUS
  mkdir -p "$work" || exit 2
else
  work=$(mktemp -d "${TMPDIR:-/tmp}/lynx-fuzz.XXXXXX") || exit 2
  trap 'rm -rf "$work"' EXIT
fi
artifacts=${LYNX_FUZZ_ARTIFACTS:-$(pwd)}
mkdir -p "$artifacts" || exit 2
"$fuzzer" -artifact_prefix="$artifacts/" "$@" "$work" "$seeds"
