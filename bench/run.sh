#!/usr/bin/env bash
# run.sh — Advocate's benchmarks, each against a baseline measured in the same run:
#   1. importing a 100k-account CSV with `advocate import accounts`, against
#      sqlite3's .import of the same file into a bare table (target ratio ≥ 0.5);
#   2. GET /api/v1/workspaces/{ws}/accounts?limit=50 over 100k accounts with 64
#      connections (wrk), against nginx serving the same response as a static
#      file (target ratio ≥ 0.5).
# usage: bench/run.sh [ADVOCATE_BINARY]   (`make bench` passes build/advocate)
# Builds nothing: takes the binary given, else $ADVOCATE_BIN, else build/advocate. Needs python3,
# sqlite3, curl, nginx and wrk (Debian packages). Everything listens on
# 127.0.0.1 only, runs in a temporary folder, and is cleaned up on exit.
# Environment: BENCH_ROWS (100000), BENCH_RUNS (3 import runs each),
# BENCH_ROUNDS (2 wrk rounds each), BENCH_SECONDS (10), BENCH_KEEP=1 keeps the folder.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=${1:-${ADVOCATE_BIN:-$root/build/advocate}}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
rows=${BENCH_ROWS:-100000}
runs=${BENCH_RUNS:-3}
rounds=${BENCH_ROUNDS:-2}
seconds=${BENCH_SECONDS:-10}
slug=bench
owner=owner@bench.test

for tool in python3 sqlite3 curl nginx wrk; do
	if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
		echo "bench: $tool is missing (apt-get install $tool)" >&2
		exit 1
	fi
done
[ -x "$bin" ] || { echo "bench: $bin not found; build first (ninja -C build)" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d /tmp/advocate-bench.XXXXXX)
chmod 755 "$tmp" # nginx workers run as nobody and must read the static file
pids=()
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [ -f "$tmp/nginx.pid" ]; then
		kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "bench: files kept in $tmp"
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT INT TERM

# A free TCP port on 127.0.0.1.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Seconds since the epoch with nanoseconds.
now() { date +%s.%N; }

# Evaluates an arithmetic expression with awk.
calc() { awk "BEGIN { print $1 }"; }

# The median of the numbers given as arguments.
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# Waits until URL answers (at most 10 s).
wait_http() {
	for _ in $(seq 100); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "bench: $1 did not come up" >&2
	return 1
}

echo "== setup: $rows rows"
"$bin" migrate --db "$tmp/template.db" >/dev/null
"$bin" workspace add --db "$tmp/template.db" --slug "$slug" --name "Bench" >/dev/null
owners=()
for who in owner manager1 manager2 manager3; do
	role=manager
	[ "$who" = owner ] && role=owner
	echo "bench-password" | "$bin" user add --db "$tmp/template.db" --email "$who@bench.test" \
		--name "Bench $who" --role "$role" --workspace "$slug" --password-stdin >/dev/null
	owners+=("$who@bench.test")
done
python3 "$here/gen_accounts.py" "$rows" "$tmp/accounts.csv" "${owners[@]}"
echo "file: $(du -h "$tmp/accounts.csv" | cut -f1), $rows rows"
cat >"$tmp/sqlite_import.sql" <<EOF
CREATE TABLE t(c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT, c8 TEXT, c9 TEXT,
  c10 TEXT, c11 TEXT, c12 TEXT, c13 TEXT, c14 TEXT, c15 TEXT, c16 TEXT, c17 TEXT, c18 TEXT);
.mode csv
.separator ";"
.import --skip 1 $tmp/accounts.csv t
EOF

echo "== import: advocate import accounts vs sqlite3 .import ($runs runs each, alternating)"
adv_times=()
sql_times=()
for i in $(seq "$runs"); do
	rm -f "$tmp/run.db" "$tmp/run.db-wal" "$tmp/run.db-shm" "$tmp/base.db"
	cp "$tmp/template.db" "$tmp/run.db"
	t0=$(now)
	"$bin" import accounts "$tmp/accounts.csv" --workspace "$slug" --db "$tmp/run.db" \
		>"$tmp/import.out" 2>&1 || { cat "$tmp/import.out" >&2; exit 1; }
	t1=$(now)
	sqlite3 "$tmp/base.db" <"$tmp/sqlite_import.sql"
	t2=$(now)
	a=$(calc "$t1 - $t0")
	s=$(calc "$t2 - $t1")
	adv_times+=("$a")
	sql_times+=("$s")
	printf '  run %d: advocate %.3f s, sqlite3 %.3f s\n' "$i" "$a" "$s"
done
head -1 "$tmp/import.out" | sed 's/^/  /'
adv_t=$(median "${adv_times[@]}")
sql_t=$(median "${sql_times[@]}")
adv_rps=$(calc "$rows / $adv_t")
sql_rps=$(calc "$rows / $sql_t")
import_ratio=$(calc "$sql_t / $adv_t")
printf '  advocate: %.0f rows/s (median %.3f s); sqlite3 .import: %.0f rows/s (median %.3f s); ratio %.2f (target >= 0.5)\n' \
	"$adv_rps" "$adv_t" "$sql_rps" "$sql_t" "$import_ratio"

echo "== GET accounts?limit=50: advocate vs nginx static file (wrk -t2 -c64 -d${seconds}s, $rounds rounds each, alternating)"
adv_port=$(free_port)
"$bin" token create --db "$tmp/run.db" --email "$owner" --label bench >"$tmp/token"
token=$(cat "$tmp/token")
"$bin" serve --db "$tmp/run.db" --listen "127.0.0.1:$adv_port" --no-access-log \
	>"$tmp/serve.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$adv_port/healthz"
path="/api/v1/workspaces/$slug/accounts?limit=50"
mkdir -p "$tmp/www"
code=$(curl -s -o "$tmp/www/accounts.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
	"http://127.0.0.1:$adv_port$path")
if [ "$code" != 200 ]; then
	echo "bench: GET $path answered $code:" >&2
	cat "$tmp/www/accounts.json" >&2
	exit 1
fi
chmod 755 "$tmp/www"
chmod 644 "$tmp/www/accounts.json"
size=$(stat -c %s "$tmp/www/accounts.json")
echo "  response: $size bytes, $(grep -o '"id":' "$tmp/www/accounts.json" | wc -l) ids"

ngx_port=$(free_port)
mkdir -p "$tmp/nginx/logs"
cat >"$tmp/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx/logs/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type application/json;
  sendfile on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$ngx_port;
    root $tmp/www;
    location / { }
  }
}
EOF
"$nginx_bin" -p "$tmp/nginx" -c "$tmp/nginx/nginx.conf"
wait_http "http://127.0.0.1:$ngx_port/accounts.json"

# Runs wrk and prints "REQ_PER_S P99_MS".
run_wrk() {
	local out
	out=$(wrk -t2 -c64 -d"${seconds}s" --latency "$@")
	echo "$out" >>"$tmp/wrk.log"
	echo "$out" | awk '
		function ms(v) {
			if (v ~ /us$/) return substr(v, 1, length(v) - 2) / 1000
			if (v ~ /ms$/) return substr(v, 1, length(v) - 2) + 0
			if (v ~ /s$/) return substr(v, 1, length(v) - 1) * 1000
			return v
		}
		/Requests\/sec:/ { rps = $2 }
		/^ +99%/ { p99 = ms($2) }
		/Non-2xx/ { bad = $NF }
		END { printf "%s %s %s\n", rps, p99, bad + 0 }'
}

adv_rps_l=()
adv_p99_l=()
ngx_rps_l=()
ngx_p99_l=()
for i in $(seq "$rounds"); do
	read -r r p bad < <(run_wrk -H "Authorization: Bearer $token" "http://127.0.0.1:$adv_port$path")
	[ "$bad" = 0 ] || { echo "bench: advocate answered $bad non-2xx responses" >&2; exit 1; }
	adv_rps_l+=("$r")
	adv_p99_l+=("$p")
	printf '  round %d: advocate %.0f req/s, p99 %.2f ms\n' "$i" "$r" "$p"
	read -r r p bad < <(run_wrk "http://127.0.0.1:$ngx_port/accounts.json")
	ngx_rps_l+=("$r")
	ngx_p99_l+=("$p")
	printf '  round %d: nginx    %.0f req/s, p99 %.2f ms\n' "$i" "$r" "$p"
done
read -r miss_rps miss_p99 bad < <(run_wrk -s "$here/miss.lua" -H "Authorization: Bearer $token" \
	"http://127.0.0.1:$adv_port$path")
[ "$bad" = 0 ] || { echo "bench: advocate answered $bad non-2xx responses" >&2; exit 1; }
printf '  uncached: advocate %.0f req/s, p99 %.2f ms (every request a distinct URL: no cache hits)\n' \
	"$miss_rps" "$miss_p99"
adv_http=$(median "${adv_rps_l[@]}")
adv_p99=$(median "${adv_p99_l[@]}")
ngx_http=$(median "${ngx_rps_l[@]}")
ngx_p99=$(median "${ngx_p99_l[@]}")
http_ratio=$(calc "$adv_http / $ngx_http")

verdict() { if [ "$(calc "($1 >= 0.5) ? 1 : 0")" = 1 ]; then echo "ok"; else echo "BELOW TARGET"; fi; }
echo
echo "================ benchmark summary ================"
printf 'import %d accounts:  advocate %9.0f rows/s   sqlite3 .import %9.0f rows/s   ratio %.2f (>= 0.5: %s)\n' \
	"$rows" "$adv_rps" "$sql_rps" "$import_ratio" "$(verdict "$import_ratio")"
printf 'GET accounts?limit=50 (%d bytes):  advocate %9.0f req/s p99 %.2f ms   nginx %9.0f req/s p99 %.2f ms   ratio %.2f (>= 0.5: %s)\n' \
	"$size" "$adv_http" "$adv_p99" "$ngx_http" "$ngx_p99" "$http_ratio" "$(verdict "$http_ratio")"
printf 'GET accounts?limit=50, every request a cache miss:  advocate %9.0f req/s p99 %.2f ms   ratio %.2f to nginx (informational)\n' \
	"$miss_rps" "$miss_p99" "$(calc "$miss_rps / $ngx_http")"
echo "==================================================="
