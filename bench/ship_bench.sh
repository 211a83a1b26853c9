#!/bin/sh
# Speed of `lynx ship` (issue 15): records/s shipped into a real ClickHouse (started here on
# 127.0.0.1 in a temporary directory) and bytes sent per record, for the records of
# examples/service_demo. REPS runs, each into a fresh table from a fresh checkpoint; prints each
# run and the median.
#
# usage: bench/ship_bench.sh BUILD [REPS] [--records N] [--batch-rows N]
#   BUILD        a build with tools/lynx and examples/service_demo (release for figures)
#   --records N  records service_demo writes (2 threads; default 500000)
# Needs clickhouse-server (scripts/install-deps.sh fleet-ship).
set -eu
me=bench/ship_bench.sh
die() { echo "$me: $*" >&2; exit 2; }
[ $# -ge 1 ] || die "usage: $me BUILD [REPS] [--records N] [--batch-rows N]"
B=$1; shift
reps=3
case ${1:-} in [0-9]*) reps=$1; shift ;; esac
records=500000 batch=20000
while [ $# -gt 0 ]; do
  case $1 in
    --records) records=$2; shift ;;
    --batch-rows) batch=$2; shift ;;
    *) die "unknown argument $1" ;;
  esac
  shift
done
command -v clickhouse-server >/dev/null || die "clickhouse-server missing (install-deps fleet-ship)"
work=$(mktemp -d /tmp/lynx-ship-bench-XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT INT TERM
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
http=$(port) tcp=$(port)
cat >"$work/config.xml" <<XML
<yandex><logger><console>1</console><level>warning</level></logger>
<http_port>$http</http_port><tcp_port>$tcp</tcp_port><listen_host>127.0.0.1</listen_host>
<path>$work/data/</path><tmp_path>$work/tmp/</tmp_path><user_files_path>$work/uf/</user_files_path>
<format_schema_path>$work/fs/</format_schema_path><users_config>$work/users.xml</users_config>
<default_profile>default</default_profile><default_database>default</default_database>
<mark_cache_size>5368709</mark_cache_size></yandex>
XML
cat >"$work/users.xml" <<XML
<yandex><profiles><default></default></profiles><users><default><password></password>
<networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></default>
</users><quotas><default></default></quotas></yandex>
XML
clickhouse-server --config-file="$work/config.xml" >"$work/server.log" 2>&1 &
server=$!
url="http://127.0.0.1:$http/"
i=0
until curl -sf "$url?query=SELECT%201" >/dev/null 2>&1; do
  i=$((i + 1)); [ $i -lt 300 ] || die "clickhouse-server did not start (see $work/server.log)"
  sleep 0.1
done
"$B/examples/service_demo" --dir "$work/logs" --threads 2 --records "$records" >/dev/null
n=$("$B/tools/lynx" stats "$work/logs" 2>/dev/null | awk '/^records/ {print $2; exit}')
echo "records: ${n:-?} from service_demo ($(du -sk "$work/logs" | cut -f1) KiB of log files)"
# Each run ships everything twice into fresh tables, request bodies plain and gzip-compressed
# (--compress), alternating, so that the ratio comes from the same run.
res_none="" res_gzip=""
r=1
while [ $r -le "$reps" ]; do
  for mode in none gzip; do
    curl -sf "$url" --data-binary "DROP TABLE IF EXISTS bench" >/dev/null
    "$B/tools/lynx" ship --print-schema --table bench | sed 's/;$//' | curl -sf "$url" --data-binary @- >/dev/null
    rm -f "$work/logs/.lynx-ship.checkpoint"
    start=$(date +%s.%N)
    out=$("$B/tools/lynx" ship --clickhouse "$url" --table bench --once --stats --compress $mode \
      --batch-rows "$batch" "$work/logs" 2>&1)
    end=$(date +%s.%N)
    shipped=$(echo "$out" | sed -n 's/.*ship: \([0-9]*\) records in \([0-9]*\) bytes.*/\1 \2/p')
    [ -n "$shipped" ] || die "lynx ship failed: $out"
    set -- $shipped
    rate=$(echo "$1 / ($end - $start)" | bc)
    per=$(echo "scale=1; $2 / $1" | bc)
    echo "run $r --compress $mode: $1 records in $(echo "$end - $start" | bc) s: $rate records/s, $per bytes sent per record"
    if [ $mode = none ]; then res_none="$res_none $rate"; else res_gzip="$res_gzip $rate"; fi
  done
  r=$((r + 1))
done
median() { echo $1 | tr ' ' '\n' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "median records/s: --compress none $(median "$res_none"), gzip $(median "$res_gzip")"
