#!/bin/sh
# Same-run speed of `lynx cat` (issue 11): records/s of CPU (user + system) for --format text
# and --format json to /dev/null, base build against new build, alternating, REPS times each;
# a selective filter; and the tools people compare with, on the same records: zstdcat of the
# text output stored zstd-compressed, grep over that text, jq -c . over the JSON output.
#
# usage: bench/cli_bench.sh BASE_BUILD NEW_BUILD [REPS] [--records N] [--filter ARGS]
#   BASE_BUILD, NEW_BUILD  release builds with tools/lynx (NEW's with --threads); NEW_BUILD also
#                          examples/service_demo
#   --records N            records service_demo writes (2 threads; default 2000000)
#   --filter ARGS          the selective filter timed with NEW (default: --level error)
# Prints one line per measurement: median CPU and wall seconds, records/s of each, and the CPU
# ratio to NEW's one-thread text cat. NEW runs with --threads 1 (new-*) and --threads 2 (new2-*).
# jq is installed from Debian (apt-get) when missing; zstd and grep must be there.
set -eu
me=bench/cli_bench.sh
die() { echo "$me: $*" >&2; exit 2; }
[ $# -ge 2 ] || die "usage: $me BASE_BUILD NEW_BUILD [REPS] [--records N] [--filter ARGS]"
A=$1 B=$2; shift 2
reps=5
case ${1:-} in [0-9]*) reps=$1; shift ;; esac
records=2000000 filter="--level error"
while [ $# -gt 0 ]; do
  case $1 in
    --records) records=$2; shift ;;
    --filter) filter=$2; shift ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done
command -v jq >/dev/null || { apt-get install -y jq >/dev/null 2>&1 || die "jq missing (apt-get install jq)"; }
command -v zstd >/dev/null || die "zstd missing"
work=$(mktemp -d "${TMPDIR:-/tmp}/lynx-cli-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$B/examples/service_demo" --dir "$work/logs" --threads 2 --records "$records" >/dev/null
n=$("$B/tools/lynx" cat "$work/logs" | wc -l)
"$B/tools/lynx" cat "$work/logs" >"$work/all.txt"
zstd -q -3 "$work/all.txt" -o "$work/all.txt.zst"
"$B/tools/lynx" cat --format json "$work/logs" >"$work/all.json"
# shellcheck disable=SC2086
sel=$("$B/tools/lynx" cat $filter "$work/logs" | wc -l)
echo "records: $n; selective filter '$filter' keeps $sel"

# CPU seconds (user + system) and wall seconds of a command, output to /dev/null.
measure() {
  /usr/bin/time -f '%U %S %e' -o "$work/time" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; die "failed: $*"; }
  awk '{ printf "%.3f %.3f\n", $1 + $2, $3 }' "$work/time"
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

# NEW runs twice: --threads 1 (everything on one core: the issue's per-core target) and
# --threads 2 (decoding on a second thread: wall time is what a user waits).
: >"$work/runs"
for rep in $(seq "$reps"); do
  for fmt in text json; do
    echo "base-$fmt $(measure "$A/tools/lynx" cat --format "$fmt" "$work/logs")" >>"$work/runs"
    echo "new-$fmt $(measure "$B/tools/lynx" cat --threads 1 --format "$fmt" "$work/logs")" >>"$work/runs"
    echo "new2-$fmt $(measure "$B/tools/lynx" cat --threads 2 --format "$fmt" "$work/logs")" >>"$work/runs"
  done
  # shellcheck disable=SC2086
  echo "new-filtered $(measure "$B/tools/lynx" cat --threads 1 $filter "$work/logs")" >>"$work/runs"
  echo "zstdcat $(measure zstdcat "$work/all.txt.zst")" >>"$work/runs"
  echo "grep $(measure grep -c ERROR "$work/all.txt")" >>"$work/runs"
  echo "jq $(measure jq -c . "$work/all.json")" >>"$work/runs"
done
ref=$(awk '$1 == "new-text" { print $2 }' "$work/runs" | median)
printf '%-14s %8s %14s %8s %14s %12s\n' what cpu_s records/s wall_s records/s_wall cpu_vs_new_text
for k in base-text new-text new2-text base-json new-json new2-json new-filtered zstdcat grep jq; do
  m=$(awk -v k="$k" '$1 == k { print $2 }' "$work/runs" | median)
  w=$(awk -v k="$k" '$1 == k { print $3 }' "$work/runs" | median)
  awk -v k="$k" -v m="$m" -v w="$w" -v n="$n" -v r="$ref" \
    'BEGIN { printf "%-14s %8.3f %14.0f %8.3f %14.0f %12.2f\n", k, m, (m > 0 ? n / m : 0), w, (w > 0 ? n / w : 0), (r > 0 ? m / r : 0) }'
done
