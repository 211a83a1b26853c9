#!/bin/sh
# Compile-time cost of log statements, lynx vs spdlog: generates a translation unit with N log
# statements (default 1000, 20 per function, each with its own template and the arguments of
# workload (a): int, int, double) for each logger, plus the same file with no statement (the cost of
# the headers alone), compiles each with `$CXX -std=c++20 -O2 -c`, and reports the median time of
# several compilations and the object size (text + data + bss, from `size`) per statement. The time
# is the compiler's CPU time (user + sys, from /usr/bin/time: steady on a busy machine) when
# /usr/bin/time exists, else wall time.
#
# usage: bench/compile_cost.sh [--quick] [--json FILE] [--cxx CXX] [--include DIR] [--statements N] [--reps N]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
statements=1000
reps=3
cxx=${CXX:-c++}
include="$here/../include"
json=""
while [ $# -gt 0 ]; do
  case $1 in
    --quick) statements=100; reps=1 ;;
    --json) json=$2; shift ;;
    --cxx) cxx=$2; shift ;;
    --include) include=$2; shift ;;
    --statements) statements=$2; shift ;;
    --reps) reps=$2; shift ;;
    *) echo "compile_cost.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
command -v "$cxx" >/dev/null || { echo "compile_cost.sh: compiler $cxx not found" >&2; exit 2; }
[ -f "$include/lynx/lynx.hpp" ] || { echo "compile_cost.sh: no lynx/lynx.hpp under $include" >&2; exit 2; }
spdlog_flags=$(pkg-config --cflags spdlog 2>/dev/null) || {
  echo "compile_cost.sh: spdlog not found (pkg-config spdlog); install libspdlog-dev" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/lynx-compile-cost.XXXXXX")
trap 'rm -rf "$work"' EXIT

# generate LOGGER COUNT > file
generate() {
  logger=$1 count=$2
  if [ "$logger" = lynx ]; then
    echo '#include <lynx/lynx.hpp>'
    param='const lynx::Logger& log'
  else
    echo '#include <spdlog/spdlog.h>'
    param='spdlog::logger& log'
  fi
  echo 'namespace bench {'
  i=0
  while [ "$i" -lt "$count" ]; do
    [ $((i % 20)) -eq 0 ] && echo "void f$i($param, int a, int b, double c) {"
    if [ "$logger" = lynx ]; then
      echo "  LYNX_INFO(log, \"statement $i Iteration: {} int: {} double: {}\", a, b, c);"
    else
      echo "  SPDLOG_LOGGER_INFO(&log, \"statement $i Iteration: {} int: {} double: {}\", a, b, c);"
    fi
    i=$((i + 1))
    if [ $((i % 20)) -eq 0 ] || [ "$i" -eq "$count" ]; then echo '}'; fi
  done
  echo '}  // namespace bench'
}

now() { date +%s.%N; }
if [ -x /usr/bin/time ]; then clock="cpu"; else clock="wall"; fi

# measure LOGGER COUNT: prints "median_seconds object_size"
measure() {
  logger=$1 count=$2
  src="$work/$logger-$count.cpp" obj="$work/$logger-$count.o"
  generate "$logger" "$count" > "$src"
  if [ "$logger" = lynx ]; then flags="-I$include"; else flags="$spdlog_flags"; fi
  times=""
  r=0
  while [ "$r" -lt "$reps" ]; do
    if [ "$clock" = cpu ]; then
      # shellcheck disable=SC2086
      /usr/bin/time -f '%U %S' -o "$work/time" "$cxx" -std=c++20 -O2 $flags -c "$src" -o "$obj"
      times="$times $(awk '{ print $1 + $2 }' "$work/time")"
    else
      t0=$(now)
      # shellcheck disable=SC2086
      "$cxx" -std=c++20 -O2 $flags -c "$src" -o "$obj"
      t1=$(now)
      times="$times $(echo "$t1 - $t0" | bc -l)"
    fi
    r=$((r + 1))
  done
  median=$(printf '%s\n' $times | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
  size=$(size --format=berkeley "$obj" | awk 'NR == 2 { print $4 }')
  echo "$median $size"
}

echo "compile cost: $statements statements, median of $reps compilations ($clock time), $("$cxx" --version | head -n 1), -std=c++20 -O2"
rows=""
for logger in lynx spdlog; do
  set -- $(measure "$logger" 0)
  t0=$1 s0=$2
  set -- $(measure "$logger" "$statements")
  tn=$1 sn=$2
  per_ms=$(echo "($tn - $t0) * 1000 / $statements" | bc -l)
  per_bytes=$(echo "($sn - $s0) / $statements" | bc -l)
  rows="$rows$logger $t0 $tn $per_ms $s0 $sn $per_bytes
"
done

printf '\n== Compile-time cost of %s log statements (g++ -O2; seconds of %s time)\n' "$statements" "$clock"
printf '%-8s %12s %14s %18s %14s %14s %16s\n' logger "headers s" "with stmts s" "ms per statement" "object B (0)" "object B (N)" "bytes per stmt"
printf '%s' "$rows" | while read -r l t0 tn pm s0 sn pb; do
  printf '%-8s %12.3f %14.3f %18.2f %14d %14d %16.1f\n' "$l" "$t0" "$tn" "$pm" "$s0" "$sn" "$pb"
done

if [ -n "$json" ]; then
  {
    printf '{"info":{"mode":"compile_cost","compiler":"%s","statements":"%s","reps":"%s","clock":"%s"},\n"tables":[\n' \
      "$("$cxx" --version | head -n 1)" "$statements" "$reps" "$clock"
    printf '{"id":"compile_cost","title":"Compile-time cost of %s log statements (g++ -O2; %s time)","columns":["logger","headers s","with statements s","ms per statement","object bytes (0)","object bytes (N)","bytes per statement"],"rows":[' "$statements" "$clock"
    printf '%s' "$rows" | awk 'NF { printf "%s\n  {\"logger\":\"%s\",\"headers s\":%.4f,\"with statements s\":%.4f,\"ms per statement\":%.3f,\"object bytes (0)\":%d,\"object bytes (N)\":%d,\"bytes per statement\":%.1f}", (n++ ? "," : ""), $1, $2, $3, $4, $5, $6, $7 }'
    printf '],"notes":[]}\n]}\n'
  } > "$json"
fi
