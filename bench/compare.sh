#!/bin/sh
# Same-run comparison of two builds (e.g. main against a branch): runs their lynx-bench modes in
# alternation, so slow drifts of a shared machine hit both alike, and prints medians and B/A.
#
# usage: bench/compare.sh BUILD_A BUILD_B [REPS] [--records N] [--cat-records N] [--out DIR]
#                         [--quick]
#   BUILD_A, BUILD_B  meson build directories (release builds), each with bench/lynx-bench,
#                     tools/lynx and examples/service_demo built
#   REPS              repetitions (default 5); odd ones run A first, even ones B first
#   --records N       records per throughput run (default 4000000; 200000 with --quick)
#   --cat-records N   records of the files `lynx cat` decodes (default 2000000)
#   --out DIR         keep the JSON results and logs here (default: a new directory under $TMPDIR,
#                     kept; its path is printed)
#   --quick           pass --quick to lynx-bench (small runs: to try the script, not to measure)
# What runs, per repetition and build:
#   lynx-bench throughput --workload int_int_double,service --logger lynx-zstd,lynx-none
#                         --threads 1,4 --reps 1
#   lynx-bench latency    --workload int_int_double,service --logger lynx --reps 1
#   lynx cat --format json DIR and lynx cat --format text DIR, DIR = what the build's own
#                         service_demo wrote (2 threads), timed, output to /dev/null
# and once per build: lynx-bench compression --reps 1 (bytes per record of every workload).
# Also timed: B's lynx cat on A's files (the new reader on the old format).
# Exit codes: 0 ok, 2 usage error, 1 a run failed (its log is in the output directory).
set -eu

me=compare.sh
usage() {
  sed -n '4,/^set -eu/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//' >&2
  exit 2
}
die() {
  echo "$me: $*" >&2
  exit 1
}
bad() {
  echo "$me: $*" >&2
  usage
}
number() { case "$2" in '' | *[!0-9]*) bad "$1: not a number: $2" ;; esac; [ "$2" -gt 0 ] || bad "$1 must be positive"; }

[ $# -ge 2 ] || usage
case "$1" in -h | --help) usage ;; esac
A=$1 B=$2
shift 2
reps=5
if [ $# -gt 0 ]; then
  case "$1" in --*) ;; *) reps=$1; shift ;; esac
fi
records= cat_records=2000000 out= quick=
while [ $# -gt 0 ]; do
  if [ "$1" = --quick ]; then quick=--quick; shift; continue; fi
  [ $# -ge 2 ] || bad "$1 needs a value"
  case "$1" in
    --records) records=$2 ;;
    --cat-records) cat_records=$2 ;;
    --out) out=$2 ;;
    *) bad "unknown option $1" ;;
  esac
  shift 2
done
[ -n "$records" ] || { if [ -n "$quick" ]; then records=200000; else records=4000000; fi; }
number REPS "$reps"
number --records "$records"
number --cat-records "$cat_records"
for b in "$A" "$B"; do
  for t in bench/lynx-bench tools/lynx examples/service_demo; do
    [ -x "$b/$t" ] || die "$b/$t not found (ninja -C $b bench/lynx-bench tools/lynx examples/service_demo)"
  done
done
command -v python3 >/dev/null || die "python3 not found (needed for the summary)"
if [ -z "$out" ]; then out=$(mktemp -d "${TMPDIR:-/tmp}/lynx-compare.XXXXXX"); fi
mkdir -p "$out" || die "cannot create $out"
rm -f "$out/cat.tsv"
cat_dirs=
trap 'for d in $cat_dirs; do rm -rf "$d"; done' EXIT

# run NAME CMD...: runs CMD with its output in $out/NAME.log; a failure stops the comparison.
run() {
  name=$1
  shift
  "$@" >"$out/$name.log" 2>&1 || die "failed: $* (see $out/$name.log)"
}
# timed CMD...: runs CMD with its output to /dev/null; prints "WALL_NS CPU_NS" (CPU = user + system
# of CMD and its children), or fails as CMD failed.
timed() {
  python3 -c '
import os, resource, subprocess, sys, time
r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
t0 = time.monotonic_ns()
rc = subprocess.call(sys.argv[1:], stdout=subprocess.DEVNULL)
t1 = time.monotonic_ns()
r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (r1.ru_utime + r1.ru_stime) - (r0.ru_utime + r0.ru_stime)
print(t1 - t0, int(cpu * 1e9))
sys.exit(rc)' "$@"
}
echo "$me: A=$A B=$B, $reps repetitions; results in $out" >&2
printf 'A\t%s\nB\t%s\nreps\t%s\nrecords\t%s\ncat_records\t%s\n' "$A" "$B" "$reps" "$records" \
  "$cat_records" >"$out/setup.tsv"

# Files for `lynx cat`, written by each build's own engine (outside anything timed).
for side in A B; do
  eval b=\$$side
  d=$out/cat-files-$side
  rm -rf "$d"
  cat_dirs="$cat_dirs $d"
  run "service_demo-$side" "$b/examples/service_demo" --dir "$d" --threads 2 --records "$cat_records"
  n=$("$b/tools/lynx" cat "$d" | wc -l) || die "$b/tools/lynx cat $d failed"
  [ "$n" -gt 0 ] || die "$b/tools/lynx cat $d printed nothing"
  echo "$n" >"$out/cat-records-$side"
done
# The new reader must read the old files whole.
n=$("$B/tools/lynx" cat "$out/cat-files-A" | wc -l) || die "$B/tools/lynx cat on A's files failed"
[ "$n" -eq "$(cat "$out/cat-records-A")" ] ||
  echo "$me: WARNING: B's lynx cat prints $n records of A's files, A's prints $(cat "$out/cat-records-A")" >&2

rep=1
while [ "$rep" -le "$reps" ]; do
  if [ $((rep % 2)) -eq 1 ]; then order="A B"; else order="B A"; fi
  echo "$me: repetition $rep/$reps ($order)" >&2
  for side in $order; do
    eval b=\$$side
    run "throughput-$side-$rep" "$b/bench/lynx-bench" throughput $quick --workload int_int_double,service \
      --logger lynx-zstd,lynx-none --threads 1,4 --reps 1 --records "$records" \
      --json "$out/throughput-$side-$rep.json"
  done
  for side in $order; do
    eval b=\$$side
    run "latency-$side-$rep" "$b/bench/lynx-bench" latency $quick --workload int_int_double,service \
      --logger lynx --reps 1 --json "$out/latency-$side-$rep.json"
  done
  # lynx cat: each build on its own files, and B on A's files.
  for job in $order BA; do
    case $job in A) cli=$A files=A ;; B) cli=$B files=B ;; BA) cli=$B files=A ;; esac
    for format in json text; do
      t=$(timed "$cli/tools/lynx" cat --format "$format" "$out/cat-files-$files") ||
        die "$cli/tools/lynx cat --format $format $out/cat-files-$files failed"
      printf '%s\t%s\t%s\t%s\t%s\n' "$job" "$format" "$rep" "$(cat "$out/cat-records-$files")" \
        "$t" >>"$out/cat.tsv"
    done
  done
  rep=$((rep + 1))
done

for side in A B; do
  eval b=\$$side
  echo "$me: compression ($side)" >&2
  run "compression-$side" "$b/bench/lynx-bench" compression $quick --reps 1 --lynx-cli "$b/tools/lynx" \
    --json "$out/compression-$side.json"
done

python3 - "$out" <<'EOF'
import json, os, re, statistics, sys

out = sys.argv[1]
setup = dict(line.rstrip("\n").split("\t", 1) for line in open(os.path.join(out, "setup.tsv")))
reps = int(setup["reps"])

def tables(path):
    with open(path) as f:
        return {t["id"]: t for t in json.load(f)["tables"]}

def collect(mode, side, table_ids, keys, metrics):
    """{(table, key..., metric): [value per repetition]}"""
    values = {}
    files = [f"{mode}-{side}-{r}.json" for r in range(1, reps + 1)] if mode != "compression" \
        else [f"compression-{side}.json"]
    for name in files:
        for tid, t in tables(os.path.join(out, name)).items():
            if not re.fullmatch(table_ids, tid):
                continue
            for row in t["rows"]:
                key = tuple(str(row.get(k)) for k in keys)
                for m in metrics:
                    v = row.get(m)
                    if isinstance(v, (int, float)):
                        values.setdefault((tid,) + key + (m,), []).append(v)
    return values

def show(title, mode, table_ids, keys, metrics, higher_better):
    a = collect(mode, "A", table_ids, keys, metrics)
    b = collect(mode, "B", table_ids, keys, metrics)
    print(f"\n== {title}")
    print(f"{'':50s} {'A':>10s} {'B':>10s} {'B/A':>7s}")
    for k in sorted(set(a) | set(b), key=lambda k: (k[0], k[1:])):
        ma = statistics.median(a[k]) if k in a else None
        mb = statistics.median(b[k]) if k in b else None
        if not ma and not mb:
            continue  # e.g. the timer floor's net p50, 0 by definition
        ratio = f"{mb / ma:7.3f}" if ma and mb is not None else "      -"
        label = " ".join(k)
        fa = f"{ma:10.2f}" if ma is not None else f"{'-':>10s}"
        fb = f"{mb:10.2f}" if mb is not None else f"{'-':>10s}"
        print(f"{label:50s} {fa} {fb} {ratio}")
    print(f"  ({higher_better})")

print(f"A = {setup['A']}\nB = {setup['B']}\n{reps} repetitions, medians")
show("throughput (M records/s, backend and process CPU s per M records, bytes/record)", "throughput",
     "throughput", ["workload", "threads", "logger"],
     ["M records/s", "backend CPU s/M", "process CPU s/M", "bytes/record"],
     "records/s: higher is better; CPU and bytes: lower is better")
show("latency (ns; single calls in latency_tN, batch-averaged in latency_batch_tN)", "latency",
     r"latency_(batch_)?t[0-9]+", ["workload", "logger"],
     ["net p50", "p99", "p99.9"], "lower is better")
show("compression (bytes per record, 1 producer, one run)", "compression", "compression",
     ["workload", "compression"], ["disk B/rec", "raw B/rec"], "lower is better")

rates = {}  # (job, format, "wall" | "cpu") -> [records per second]
for line in open(os.path.join(out, "cat.tsv")):
    job, fmt, rep, n, wall, cpu = line.split()
    rates.setdefault((job, fmt, "wall"), []).append(int(n) / (int(wall) / 1e9))
    rates.setdefault((job, fmt, "cpu"), []).append(int(n) / max(int(cpu), 1) * 1e9)
print("\n== lynx cat, M records/s (files written by service_demo, 2 threads, "
      f"{setup['cat_records']} records; per wall-clock second and per CPU second)")
for fmt in ("json", "text"):
    for clock in ("wall", "cpu"):
        ma, mb, mba = (statistics.median(rates[(j, fmt, clock)]) / 1e6 for j in ("A", "B", "BA"))
        print(f"--format {fmt:5s} {clock:4s}  A on A's files {ma:7.2f}   B on B's files {mb:7.2f}   "
              f"B/A {mb / ma:6.3f}   B on A's files {mba:7.2f}")
print("  (higher is better; per CPU second is the steadier one on a loaded machine)")
EOF
echo "$me: raw results in $out" >&2
