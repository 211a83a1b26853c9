#!/bin/sh
# Backend instructions per record: runs one `lynx-bench throughput` configuration under callgrind
# with one output file per thread, finds the backend thread's file (the one whose functions include
# the backend loop, lynx::detail::Backend::run) and prints its instructions (Ir) divided by the
# records logged. Instruction counts do not depend on the load of the machine, so this is the
# steady figure to compare builds with (issue 17: format 2 and the lean backend loop).
#
# usage: bench/backend_instructions.sh BUILD_DIR [--threads N] [--workload W] [--records N]
#                                      [--logger lynx-zstd|lynx-none] [--keep DIR]
#   BUILD_DIR   a meson build directory with bench/lynx-bench built (a release build is best)
#   --threads   producer threads (= shards), 1 (default) or 4
#   --workload  a lynx-bench workload name (default int_int_double; see `lynx-bench`)
#   --records   records to log (default 1000000; fixed costs are < 1% from 500000 on)
#   --logger    lynx-zstd (default) or lynx-none
#   --keep DIR  keep the callgrind files in DIR (default: a temporary directory, removed)
# Output: key=value lines (workload, threads, records, backend_ir, ir_per_record, and the same
# without the idle loop's own cost, idle_wait, when that function shows up).
# Exit codes: 0 ok, 2 usage error, 1 the run or the analysis failed.
set -eu

usage() {
  sed -n '2,/^set -eu/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2
  exit 2
}
die() {
  echo "backend_instructions.sh: $*" >&2
  exit 1
}

[ $# -ge 1 ] || usage
case "$1" in -h | --help) usage ;; esac
build=$1
shift
threads=1 workload=int_int_double records=1000000 logger=lynx-zstd keep=
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || { echo "backend_instructions.sh: $1 needs a value" >&2; usage; }
  case "$1" in
    --threads) threads=$2 ;;
    --workload) workload=$2 ;;
    --records) records=$2 ;;
    --logger) logger=$2 ;;
    --keep) keep=$2 ;;
    *) echo "backend_instructions.sh: unknown option $1" >&2; usage ;;
  esac
  shift 2
done
case "$threads" in 1 | 4) ;; *) echo "backend_instructions.sh: --threads must be 1 or 4" >&2; usage ;; esac
case "$records" in '' | *[!0-9]*) echo "backend_instructions.sh: --records: not a number" >&2; usage ;; esac
case "$logger" in lynx-zstd | lynx-none) ;; *) echo "backend_instructions.sh: --logger: lynx-zstd or lynx-none" >&2; usage ;; esac
bench=$build/bench/lynx-bench
[ -x "$bench" ] || die "$bench not found (ninja -C $build bench/lynx-bench)"
command -v valgrind >/dev/null || die "valgrind not found (apt-get install valgrind)"
command -v callgrind_annotate >/dev/null || die "callgrind_annotate not found"

if [ -n "$keep" ]; then
  mkdir -p "$keep"
  out=$keep
else
  out=$(mktemp -d "${TMPDIR:-/tmp}/lynx-callgrind.XXXXXX")
  trap 'rm -rf "$out"' EXIT
fi

# Ir only (no cache simulation). --fair-sched: threads take the valgrind lock in turn, closer to
# producers and backend running side by side. lynx-bench prints its tables to the log.
valgrind --tool=callgrind --separate-threads=yes --fair-sched=yes --callgrind-out-file="$out/callgrind.out.%p" \
  "$bench" throughput --threads "$threads" --workload "$workload" --logger "$logger" \
  --records "$records" --reps 1 >"$out/lynx-bench.log" 2>&1 ||
  die "lynx-bench under callgrind failed; see $out/lynx-bench.log (use --keep DIR)"
grep -q "^$workload " "$out/lynx-bench.log" || die "no '$workload' row in the lynx-bench output (unknown workload?)"

# The backend thread's file: the one naming Backend::run among its functions.
backend_files=$(grep -l 'lynx::detail::Backend::run' "$out"/callgrind.out.*-* 2>/dev/null || true)
[ -n "$backend_files" ] || die "no thread ran lynx::detail::Backend::run (inlined? renamed?); files in $out"
[ "$(echo "$backend_files" | wc -l)" -eq 1 ] || die "several threads ran Backend::run: $backend_files"

# Total Ir of the thread: the "summary:" (or "totals:") line of its file.
total=$(awk '/^(summary|totals):/ { print $2; exit }' "$backend_files")
[ -n "$total" ] || die "no totals in $backend_files"
# Inclusive Ir of the idle wait (spinning, yielding, sleeping while the rings are empty).
idle=$(callgrind_annotate --inclusive=yes --threshold=100 "$backend_files" 2>/dev/null |
  awk '/idle_wait/ { gsub(",", "", $1); print $1; exit }')
measured=$((records / threads * threads))
awk -v w="$workload" -v t="$threads" -v l="$logger" -v n="$measured" -v ir="$total" -v idle="${idle:-}" 'BEGIN {
  printf "workload=%s threads=%s logger=%s records=%.0f\n", w, t, l, n
  printf "backend_ir=%.0f\nir_per_record=%.1f\n", ir, ir / n
  if (idle != "") printf "idle_wait_ir=%.0f\nir_per_record_without_idle=%.1f\n", idle, (ir - idle) / n
}'
