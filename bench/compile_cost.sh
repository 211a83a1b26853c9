#!/bin/sh
# Compile-time cost and code size of log statements: lynx against spdlog and plain fprintf.
#
# For each logger it generates a translation unit with N statements (default 1000, 20 per function,
# each with its own template) logging an int, a double and a std::string (issue 17's statement;
# `--args iid` logs workload (a)'s int, int, double instead), and the same file with no statement
# (the headers alone). Each file is compiled with `$CXX -std=c++20 -O2 -c`, several times, the
# loggers taking turns within each repetition so that a busy machine slows them alike. Reported:
#   - compile time of the N-statement file (median over repetitions; compiler CPU time, user + sys,
#     from /usr/bin/time, steadier than wall time on a busy machine; wall time without it), and
#     its ratio to fprintf's and spdlog's file: the "N statements compile in X times printf's time"
#     figure;
#   - ms per statement: (time with N - time with 0) / N;
#   - object bytes per statement at -O2: (size(N) - size(0)) / N, where size is text + data + bss
#     from `size` (code, the template string, the call site's static data; not symbols or
#     relocations, which a linked binary does not load).
# --base-include DIR adds a row "lynx-base" built from another lynx include tree (e.g. a worktree
# of main), measured in the same repetitions, for before/after figures from one run.
#
# usage: bench/compile_cost.sh [--quick] [--json FILE] [--cxx CXX] [--include DIR]
#                              [--base-include DIR] [--statements N] [--reps N] [--args ids|iid]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
statements=1000
reps=5
cxx=${CXX:-c++}
include="$here/../include"
base_include=""
json=""
args=ids
while [ $# -gt 0 ]; do
  case $1 in
    --quick) statements=100; reps=1 ;;
    --json) json=$2; shift ;;
    --cxx) cxx=$2; shift ;;
    --include) include=$2; shift ;;
    --base-include) base_include=$2; shift ;;
    --statements) statements=$2; shift ;;
    --reps) reps=$2; shift ;;
    --args) args=$2; shift ;;
    *) echo "compile_cost.sh: unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
case $args in ids|iid) ;; *) echo "compile_cost.sh: --args is ids or iid" >&2; exit 2 ;; esac
command -v "$cxx" >/dev/null || { echo "compile_cost.sh: compiler $cxx not found" >&2; exit 2; }
[ -f "$include/lynx/lynx.hpp" ] || { echo "compile_cost.sh: no lynx/lynx.hpp under $include" >&2; exit 2; }
if [ -n "$base_include" ] && [ ! -f "$base_include/lynx/lynx.hpp" ]; then
  echo "compile_cost.sh: no lynx/lynx.hpp under $base_include" >&2; exit 2
fi
spdlog_flags=$(pkg-config --cflags spdlog 2>/dev/null) || {
  echo "compile_cost.sh: spdlog not found (pkg-config spdlog); install libspdlog-dev" >&2; exit 2; }

work=$(mktemp -d "${TMPDIR:-/tmp}/lynx-compile-cost.XXXXXX")
trap 'rm -rf "$work"' EXIT

loggers="lynx"
[ -n "$base_include" ] && loggers="$loggers lynx-base"
loggers="$loggers spdlog fprintf"

# generate LOGGER COUNT > file
generate() {
  logger=$1 count=$2
  case $logger in
    lynx*) echo '#include <lynx/lynx.hpp>'; param='const lynx::Logger& log' ;;
    spdlog) echo '#include <spdlog/spdlog.h>'; param='spdlog::logger& log' ;;
    fprintf) echo '#include <cstdio>'; param='std::FILE* log' ;;
  esac
  echo '#include <string>'
  if [ "$args" = ids ]; then
    values='int a, double b, const std::string& c'
    braces='Iteration: {} double: {} name: {}' percent='Iteration: %d double: %f name: %s'
    pass='a, b, c' pass_printf='a, b, c.c_str()'
  else
    values='int a, int b, double c'
    braces='Iteration: {} int: {} double: {}' percent='Iteration: %d int: %d double: %f'
    pass='a, b, c' pass_printf='a, b, c'
  fi
  echo 'namespace bench {'
  i=0
  while [ "$i" -lt "$count" ]; do
    [ $((i % 20)) -eq 0 ] && echo "void f$i($param, $values) {"
    case $logger in
      lynx*) echo "  LYNX_INFO(log, \"statement $i $braces\", $pass);" ;;
      spdlog) echo "  SPDLOG_LOGGER_INFO(&log, \"statement $i $braces\", $pass);" ;;
      fprintf) printf '  std::fprintf(log, "statement %s %s\\n", %s);\n' "$i" "$percent" "$pass_printf" ;;
    esac
    i=$((i + 1))
    if [ $((i % 20)) -eq 0 ] || [ "$i" -eq "$count" ]; then echo '}'; fi
  done
  echo '}  // namespace bench'
}

flags_of() {
  case $1 in
    lynx) echo "-I$include" ;;
    lynx-base) echo "-I$base_include" ;;
    spdlog) echo "$spdlog_flags" ;;
    fprintf) echo "" ;;
  esac
}

now() { date +%s.%N; }
if [ -x /usr/bin/time ]; then clock="cpu"; else clock="wall"; fi

# compile LOGGER COUNT: one compilation; appends its seconds to $work/LOGGER-COUNT.times
compile() {
  logger=$1 count=$2
  src="$work/$logger-$count.cpp" obj="$work/$logger-$count.o"
  # shellcheck disable=SC2046
  if [ "$clock" = cpu ]; then
    /usr/bin/time -f '%U %S' -o "$work/time" "$cxx" -std=c++20 -O2 $(flags_of "$logger") -c "$src" -o "$obj"
    awk '{ print $1 + $2 }' "$work/time" >> "$work/$logger-$count.times"
  else
    t0=$(now)
    "$cxx" -std=c++20 -O2 $(flags_of "$logger") -c "$src" -o "$obj"
    t1=$(now)
    echo "$t1 - $t0" | bc -l >> "$work/$logger-$count.times"
  fi
}
median() { sort -g "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
objsize() { size --format=berkeley "$work/$1-$2.o" | awk 'NR == 2 { print $4 }'; }

for logger in $loggers; do
  for count in 0 "$statements"; do generate "$logger" "$count" > "$work/$logger-$count.cpp"; done
done
r=0
while [ "$r" -lt "$reps" ]; do
  for logger in $loggers; do
    compile "$logger" 0
    compile "$logger" "$statements"
  done
  r=$((r + 1))
done

rows=""
for logger in $loggers; do
  t0=$(median "$work/$logger-0.times") tn=$(median "$work/$logger-$statements.times")
  s0=$(objsize "$logger" 0) sn=$(objsize "$logger" "$statements")
  rows="$rows$logger $t0 $tn $(echo "($tn - $t0) * 1000 / $statements" | bc -l) $s0 $sn $(echo "($sn - $s0) / $statements" | bc -l)
"
done
t_printf=$(printf '%s' "$rows" | awk '$1 == "fprintf" { print $3 }')
t_spdlog=$(printf '%s' "$rows" | awk '$1 == "spdlog" { print $3 }')

if [ "$args" = ids ]; then what="an int, a double and a std::string"; else what="int, int, double"; fi
echo "compile cost: $statements statements of $what, 20 per function; median of $reps compilations ($clock time); $("$cxx" --version | head -n 1), -std=c++20 -O2"
printf '\n== Compile-time cost of %s log statements (seconds of %s time)\n' "$statements" "$clock"
printf '%-10s %10s %12s %10s %10s %12s %16s\n' logger "headers s" "with stmts s" "÷ fprintf" "÷ spdlog" "ms per stmt" "bytes per stmt"
printf '%s' "$rows" | while read -r l t0 tn pm s0 sn pb; do
  printf '%-10s %10.3f %12.3f %10.2f %10.2f %12.3f %16.1f\n' "$l" "$t0" "$tn" \
    "$(echo "$tn / $t_printf" | bc -l)" "$(echo "$tn / $t_spdlog" | bc -l)" "$pm" "$pb"
done

if [ -n "$json" ]; then
  {
    printf '{"info":{"mode":"compile_cost","compiler":"%s","statements":"%s","reps":"%s","clock":"%s","args":"%s"},\n"tables":[\n' \
      "$("$cxx" --version | head -n 1)" "$statements" "$reps" "$clock" "$args"
    printf '{"id":"compile_cost","title":"Compile-time cost of %s log statements of %s (g++ -O2; %s time)","columns":["logger","headers s","with statements s","time / fprintf","time / spdlog","ms per statement","object bytes (0)","object bytes (N)","bytes per statement"],"rows":[' "$statements" "$what" "$clock"
    printf '%s' "$rows" | awk -v tp="$t_printf" -v ts="$t_spdlog" 'NF { printf "%s\n  {\"logger\":\"%s\",\"headers s\":%.4f,\"with statements s\":%.4f,\"time / fprintf\":%.3f,\"time / spdlog\":%.3f,\"ms per statement\":%.3f,\"object bytes (0)\":%d,\"object bytes (N)\":%d,\"bytes per statement\":%.1f}", (n++ ? "," : ""), $1, $2, $3, $3 / tp, $3 / ts, $4, $5, $6, $7 }'
    printf '],"notes":[]}\n]}\n'
  } > "$json"
fi
