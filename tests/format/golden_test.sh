#!/bin/sh
# Golden files: the built `lynx` must decode every committed file of tests/data exactly as the
# version that wrote it did, byte for byte. See tests/data/README.md for the rules.
#   golden_test.sh LYNX_BINARY TESTS_DATA_DIR
# For every directory D of TESTS_DATA_DIR (paths in expected output are relative to it):
#   D.expected.json     `lynx cat --format json D` stdout
#   D.expected.txt      `lynx cat D` stdout
#   D.expected.stderr   `lynx cat --format json D` stderr (when absent: must be empty)
#   D.expected.verify   `lynx verify D` stdout (when absent: `lynx verify --quiet D` prints nothing)
# golden-* directories must decode without any problem (exit 0); damaged* directories hold known-bad
# files and must be reported (exit 1). golden-dict also decodes with --dictionary golden.dict.
set -u
lynx=$1
case $lynx in /*) ;; *) lynx=$(pwd)/$lynx ;; esac  # it runs from the data directory
cd "$2" || exit 2
out=$(mktemp -d "${TMPDIR:-/tmp}/lynx-golden.XXXXXX") || exit 2
trap 'rm -rf "$out"' EXIT
failed=0

fail() {
  echo "FAIL: $*"
  failed=1
}

# same EXPECTED_FILE ACTUAL_FILE WHAT
same() {
  if ! cmp -s "$1" "$2"; then
    fail "$3 differs from $1:"
    diff "$1" "$2" | head -n 20
  fi
}

# run NAME WANT_EXIT ARGS...: runs lynx, stdout to $out/NAME.out, stderr to $out/NAME.err.
run() {
  run_name=$1
  run_want=$2
  shift 2
  "$lynx" "$@" >"$out/$run_name.out" 2>"$out/$run_name.err"
  run_got=$?
  [ "$run_got" -eq "$run_want" ] || fail "lynx $* exited $run_got, want $run_want"
}

found=0
for dir in */; do
  d=${dir%/}
  case $d in
    golden-*) want=0 ;;
    damaged*) want=1 ;;
    *) continue ;;
  esac
  found=$((found + 1))
  [ -f "$d.expected.json" ] || fail "$d has no $d.expected.json"
  [ -f "$d.expected.txt" ] || [ "$want" -ne 0 ] || fail "$d has no $d.expected.txt"

  run "$d.json" "$want" cat --format json "$d"
  same "$d.expected.json" "$out/$d.json.out" "lynx cat --format json $d"
  if [ -f "$d.expected.stderr" ]; then
    same "$d.expected.stderr" "$out/$d.json.err" "stderr of lynx cat --format json $d"
  elif [ -s "$out/$d.json.err" ]; then
    fail "lynx cat --format json $d wrote to stderr:"
    cat "$out/$d.json.err"
  fi
  if [ -f "$d.expected.txt" ]; then
    run "$d.txt" "$want" cat "$d"
    same "$d.expected.txt" "$out/$d.txt.out" "lynx cat $d"
  fi
  if [ -f "$d.expected.verify" ]; then
    run "$d.verify" "$want" verify "$d"
    same "$d.expected.verify" "$out/$d.verify.out" "lynx verify $d"
  else
    run "$d.verify" "$want" verify --quiet "$d"
    [ ! -s "$out/$d.verify.out" ] || { fail "lynx verify --quiet $d reported:"; cat "$out/$d.verify.out"; }
  fi
done
[ "$found" -ge 3 ] || fail "only $found golden directories in $(pwd)"

# The dictionary given on the command line too: the file's own embedded copy takes precedence, and
# both are the same dictionary, so the output is the same.
if [ -d golden-dict ]; then
  run dict-option 0 cat --format json --dictionary golden.dict golden-dict
  same golden-dict.expected.json "$out/dict-option.out" "lynx cat --dictionary golden.dict golden-dict"
fi

[ "$failed" -eq 0 ] && echo "ok: $found golden directories decode as expected"
exit "$failed"
