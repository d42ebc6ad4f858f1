#!/usr/bin/env bash
# run.sh — Advocate's benchmarks on each database engine (SQLite and PostgreSQL),
# each against baselines measured in the same run, printed side by side:
#   1. importing a 100k-account CSV with `advocate import accounts` into a fresh,
#      migrated database (one workspace, four users), against sqlite3's .import
#      of the same file into a bare table (target ratio ≥ 0.5 for both engines)
#      and, for information, psql's \copy of it into a bare table of a fresh
#      PostgreSQL database;
#   2. GET /api/v1/workspaces/{ws}/accounts?limit=50 over the 100k imported
#      accounts with 64 connections (wrk), against nginx serving the same
#      response as a static file (target ratio ≥ 0.5); then the same request
#      with every URL distinct (bench/miss.lua), so that none is a cache hit.
# usage: bench/run.sh [ADVOCATE_BINARY]   (`make bench` passes build/advocate)
# Builds nothing: takes the binary given, else $ADVOCATE_BIN, else build/advocate. Needs python3,
# sqlite3, curl, nginx and wrk, and for PostgreSQL psql and the PostgreSQL 15 server
# (Debian packages; scripts/setup.sh --bench). PostgreSQL is a throwaway server
# (scripts/pg_temp.sh) with its socket in the temporary folder; everything else
# listens on 127.0.0.1 only. All runs in a temporary folder, cleaned up on exit.
# Environment: BENCH_ENGINES ("sqlite postgres"; one of them to run only it),
# BENCH_ROWS (100000), BENCH_RUNS (3 import runs each), BENCH_ROUNDS (2 wrk rounds
# each), BENCH_SECONDS (10), BENCH_KEEP=1 keeps the folder (and PostgreSQL's data).
set -euo pipefail
shopt -s inherit_errexit # a failure inside $(…) stops the script too

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=${1:-${ADVOCATE_BIN:-$root/build/advocate}}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
rows=${BENCH_ROWS:-100000}
runs=${BENCH_RUNS:-3}
rounds=${BENCH_ROUNDS:-2}
seconds=${BENCH_SECONDS:-10}
read -r -a engines <<<"${BENCH_ENGINES:-sqlite postgres}"
slug=bench
owner=owner@bench.test

[ "${#engines[@]}" -gt 0 ] || { echo "bench: BENCH_ENGINES is empty" >&2; exit 2; }
use_pg=0
for e in "${engines[@]}"; do
	case "$e" in
	sqlite) ;;
	postgres) use_pg=1 ;;
	*) echo "bench: unknown engine '$e' in BENCH_ENGINES (sqlite, postgres)" >&2; exit 2 ;;
	esac
done
tools=(python3 sqlite3 curl nginx wrk)
[ "$use_pg" = 1 ] && tools+=(psql)
for tool in "${tools[@]}"; do
	if ! command -v "$tool" >/dev/null 2>&1 && [ ! -x "/usr/sbin/$tool" ]; then
		echo "bench: $tool is missing (apt-get install $tool)" >&2
		exit 1
	fi
done
[ -x "$bin" ] || { echo "bench: $bin not found; build first (ninja -C build)" >&2; exit 1; }
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d /tmp/advocate-bench.XXXXXX)
# nginx workers run as nobody and must read the static file; as root, PostgreSQL
# runs as postgres and must reach its folder inside this one.
chmod 755 "$tmp"
pgdir=$tmp/pg
pg_started=0
pids=()
# Stops the servers (Advocate's first: they hold PostgreSQL connections) and
# removes the folder unless BENCH_KEEP=1.
cleanup() {
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	if [ -f "$tmp/nginx.pid" ]; then
		kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
	fi
	if [ "$pg_started" = 1 ]; then
		if [ "${BENCH_KEEP:-0}" = 1 ]; then
			"$root/scripts/pg_temp.sh" pause "$pgdir" || true
		else
			"$root/scripts/pg_temp.sh" stop "$pgdir" || true
		fi
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

# The median of the numbers in the space-separated words of $1.
median_words() {
	local -a v
	read -r -a v <<<"$1"
	median "${v[@]}"
}

# "ok" when the ratio given is at least 0.5, else "BELOW TARGET".
verdict() { if [ "$(calc "($1 >= 0.5) ? 1 : 0")" = 1 ]; then echo "ok"; else echo "BELOW TARGET"; fi; }

# Waits until URL answers (at most 10 s).
wait_http() {
	for _ in $(seq 100); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "bench: $1 did not come up" >&2
	return 1
}

# The URL of PostgreSQL database NAME on the throwaway server.
pg_url() { printf 'postgresql://postgres@/%s?host=%s\n' "$1" "$pgdir"; }

# Runs SQL on the maintenance database, quietly (no notices), stopping at the first error.
pg_admin() {
	PGOPTIONS="-c client_min_messages=warning" psql -X -q -v ON_ERROR_STOP=1 \
		-d "$pg_admin_url" -c "$1" >/dev/null
}

# Drops database NAME if it exists and creates it again from the template DB.
pg_fresh_db() {
	pg_admin "DROP DATABASE IF EXISTS $1"
	pg_admin "CREATE DATABASE $1 TEMPLATE $2"
}

# The --db argument of engine ENGINE's database for import run RUN.
engine_db() {
	case "$1" in
	sqlite) echo "$tmp/run.db" ;;
	postgres) pg_url "run$2" ;;
	esac
}

# Prepares a fresh database for engine ENGINE's import run RUN, like the template.
engine_fresh() {
	case "$1" in
	sqlite)
		rm -f "$tmp/run.db" "$tmp/run.db-wal" "$tmp/run.db-shm"
		cp "$tmp/template.db" "$tmp/run.db"
		;;
	postgres)
		# Only the last run's database is kept: it serves the GET benchmark.
		[ "$2" -gt 1 ] && pg_admin "DROP DATABASE IF EXISTS run$(($2 - 1))"
		pg_fresh_db "run$2" tmpl
		;;
	esac
}

# The engine's name as the summary prints it.
engine_label() {
	case "$1" in
	sqlite) echo "SQLite" ;;
	postgres) echo "PostgreSQL" ;;
	esac
}

# Migrates the database DB and adds the workspace and its four users (the import's owners).
prepare_template() {
	local db=$1 who role
	"$bin" migrate --db "$db" >/dev/null
	"$bin" workspace add --db "$db" --slug "$slug" --name "Bench" >/dev/null
	for who in owner manager1 manager2 manager3; do
		role=manager
		[ "$who" = owner ] && role=owner
		echo "bench-password" | "$bin" user add --db "$db" --email "$who@bench.test" \
			--name "Bench $who" --role "$role" --workspace "$slug" --password-stdin >/dev/null
	done
}

echo "== setup: $rows rows, engines: ${engines[*]}"
prepare_template "$tmp/template.db"
if [ "$use_pg" = 1 ]; then
	pg_started=1
	pg_admin_url=$("$root/scripts/pg_temp.sh" start "$pgdir")
	echo "PostgreSQL: $(psql -X -At -d "$pg_admin_url" -c 'SHOW server_version'), socket in $pgdir"
	pg_admin "CREATE DATABASE tmpl"
	prepare_template "$(pg_url tmpl)"
	pg_admin "CREATE DATABASE copytmpl"
	psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_url copytmpl)" -c "CREATE TABLE t(c1 text, c2 text,
	  c3 text, c4 text, c5 text, c6 text, c7 text, c8 text, c9 text, c10 text, c11 text,
	  c12 text, c13 text, c14 text, c15 text, c16 text, c17 text, c18 text)" >/dev/null
fi
owners=(owner@bench.test manager1@bench.test manager2@bench.test manager3@bench.test)
python3 "$here/gen_accounts.py" "$rows" "$tmp/accounts.csv" "${owners[@]}"
echo "file: $(du -h "$tmp/accounts.csv" | cut -f1), $rows rows"
cat >"$tmp/sqlite_import.sql" <<EOF
CREATE TABLE t(c1 TEXT, c2 TEXT, c3 TEXT, c4 TEXT, c5 TEXT, c6 TEXT, c7 TEXT, c8 TEXT, c9 TEXT,
  c10 TEXT, c11 TEXT, c12 TEXT, c13 TEXT, c14 TEXT, c15 TEXT, c16 TEXT, c17 TEXT, c18 TEXT);
.mode csv
.separator ";"
.import --skip 1 $tmp/accounts.csv t
EOF

# Imports the file into engine ENGINE's fresh database for run RUN; prints the seconds taken.
time_import() {
	local t0 t1 rc=0
	engine_fresh "$1" "$2"
	t0=$(now)
	"$bin" import accounts "$tmp/accounts.csv" --workspace "$slug" --db "$(engine_db "$1" "$2")" \
		>"$tmp/import-$1.out" 2>&1 || rc=$?
	t1=$(now)
	if [ "$rc" != 0 ]; then
		echo "bench: advocate import on $1 failed (exit status $rc):" >&2
		cat "$tmp/import-$1.out" >&2
		return 1
	fi
	calc "$t1 - $t0"
}

# sqlite3's .import of the file into a bare table of a new database; prints the seconds taken.
time_sqlite3() {
	local t0 t1
	rm -f "$tmp/base.db"
	t0=$(now)
	sqlite3 "$tmp/base.db" <"$tmp/sqlite_import.sql"
	t1=$(now)
	calc "$t1 - $t0"
}

# psql's \copy of the file into a bare table of a fresh database; prints the seconds taken.
time_psql_copy() {
	local t0 t1 n
	pg_fresh_db copybase copytmpl
	t0=$(now)
	n=$(psql -X -v ON_ERROR_STOP=1 -d "$(pg_url copybase)" \
		-c "\\copy t FROM '$tmp/accounts.csv' (FORMAT csv, DELIMITER ';', HEADER)")
	t1=$(now)
	[ "$n" = "COPY $rows" ] || { echo "bench: psql \\copy said '$n', expected COPY $rows" >&2; return 1; }
	calc "$t1 - $t0"
}

baselines="sqlite3 .import"
[ "$use_pg" = 1 ] && baselines+=" and psql \\copy"
echo "== import: advocate import accounts on ${engines[*]} vs $baselines ($runs runs each, alternating)"
# The results by "KEY,ENGINE"; the *_l keys hold the value of each run or round, space-separated.
declare -A res
sql_times=()
copy_times=()
for i in $(seq "$runs"); do
	line="  run $i:"
	for e in "${engines[@]}"; do
		t=$(time_import "$e" "$i")
		res[imp_l,$e]+=" $t"
		line+=$(printf ' advocate/%s %.3f s,' "$e" "$t")
		if [ "$e" = sqlite ]; then
			t=$(time_sqlite3)
			sql_times+=("$t")
			line+=$(printf ' sqlite3 .import %.3f s,' "$t")
		else
			t=$(time_psql_copy)
			copy_times+=("$t")
			line+=$(printf ' psql \\copy %.3f s,' "$t")
		fi
	done
	if [ "$use_pg" = 1 ] && [ "${#engines[@]}" = 1 ]; then
		t=$(time_sqlite3) # the target's baseline, also when SQLite is not benchmarked
		sql_times+=("$t")
		line+=$(printf ' sqlite3 .import %.3f s,' "$t")
	fi
	echo "${line%,}"
done
sql_t=$(median "${sql_times[@]}")
sql_rps=$(calc "$rows / $sql_t")
if [ "$use_pg" = 1 ]; then
	copy_t=$(median "${copy_times[@]}")
	copy_rps=$(calc "$rows / $copy_t")
fi
for e in "${engines[@]}"; do
	t=$(median_words "${res[imp_l,$e]}")
	res[imp_rps,$e]=$(calc "$rows / $t")
	res[imp_ratio,$e]=$(calc "$sql_t / $t")
	res[imp_verdict,$e]=$(verdict "${res[imp_ratio,$e]}")
	[ "$use_pg" = 1 ] && res[imp_copy_ratio,$e]=$(calc "$copy_t / $t")
	printf '  advocate/%s: %.0f rows/s (median %.3f s): %s\n' "$e" "${res[imp_rps,$e]}" "$t" \
		"$(head -1 "$tmp/import-$e.out")"
done
printf '  sqlite3 .import: %.0f rows/s (median %.3f s)\n' "$sql_rps" "$sql_t"
[ "$use_pg" = 1 ] && printf '  psql \\copy: %.0f rows/s (median %.3f s)\n' "$copy_rps" "$copy_t"

echo "== GET accounts?limit=50: advocate on ${engines[*]} vs nginx static file (wrk -t2 -c64 -d${seconds}s, $rounds rounds each, alternating)"
path="/api/v1/workspaces/$slug/accounts?limit=50"
mkdir -p "$tmp/www"
chmod 755 "$tmp/www"
declare -A adv_port token size
# Starts a server on engine ENGINE's imported database with a new token, and
# saves its answer to the benchmarked request as nginx's static file for it.
start_server() {
	local e=$1 db code
	db=$(engine_db "$e" "$runs")
	adv_port[$e]=$(free_port)
	token[$e]=$("$bin" token create --db "$db" --email "$owner" --label bench)
	"$bin" serve --db "$db" --listen "127.0.0.1:${adv_port[$e]}" --no-access-log \
		>"$tmp/serve-$e.log" 2>&1 &
	pids+=($!)
	wait_http "http://127.0.0.1:${adv_port[$e]}/healthz"
	code=$(curl -s -o "$tmp/www/accounts-$e.json" -w '%{http_code}' \
		-H "Authorization: Bearer ${token[$e]}" "http://127.0.0.1:${adv_port[$e]}$path")
	if [ "$code" != 200 ]; then
		echo "bench: GET $path on $e answered $code:" >&2
		cat "$tmp/www/accounts-$e.json" >&2
		return 1
	fi
	chmod 644 "$tmp/www/accounts-$e.json"
	size[$e]=$(stat -c %s "$tmp/www/accounts-$e.json")
	echo "  $e response: ${size[$e]} bytes, $(grep -o '"id":' "$tmp/www/accounts-$e.json" | wc -l) ids"
}
for e in "${engines[@]}"; do
	start_server "$e"
done

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
wait_http "http://127.0.0.1:$ngx_port/accounts-${engines[0]}.json"

# Runs wrk and prints "REQ_PER_S P99_MS NON_2XX".
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

# Runs wrk against engine ENGINE's server with its token and any further wrk
# arguments; prints "REQ_PER_S P99_MS" and fails on a non-2xx answer.
wrk_advocate() {
	local e=$1 r p bad
	shift
	read -r r p bad < <(run_wrk "$@" -H "Authorization: Bearer ${token[$e]}" \
		"http://127.0.0.1:${adv_port[$e]}$path")
	[ "$bad" = 0 ] || { echo "bench: advocate/$e answered $bad non-2xx responses" >&2; return 1; }
	echo "$r $p"
}

# Each engine's round is followed by an nginx round serving that engine's answer.
for i in $(seq "$rounds"); do
	for e in "${engines[@]}"; do
		read -r r p < <(wrk_advocate "$e")
		res[adv_rps_l,$e]+=" $r"
		res[adv_p99_l,$e]+=" $p"
		printf '  round %d: %-24s %7.0f req/s, p99 %.2f ms\n' "$i" "advocate/$e" "$r" "$p"
		read -r r p bad < <(run_wrk "http://127.0.0.1:$ngx_port/accounts-$e.json")
		res[ngx_rps_l,$e]+=" $r"
		res[ngx_p99_l,$e]+=" $p"
		printf '  round %d: %-24s %7.0f req/s, p99 %.2f ms\n' "$i" "nginx ($e answer)" "$r" "$p"
	done
done
for e in "${engines[@]}"; do
	read -r r p < <(wrk_advocate "$e" -s "$here/miss.lua")
	res[miss_rps,$e]=$r
	res[miss_p99,$e]=$p
	printf '  uncached: advocate/%s %.0f req/s, p99 %.2f ms (every request a distinct URL: no cache hits)\n' \
		"$e" "$r" "$p"
done
for e in "${engines[@]}"; do
	for k in adv_rps adv_p99 ngx_rps ngx_p99; do
		res[$k,$e]=$(median_words "${res[${k}_l,$e]}")
	done
	res[http_ratio,$e]=$(calc "${res[adv_rps,$e]} / ${res[ngx_rps,$e]}")
	res[http_verdict,$e]=$(verdict "${res[http_ratio,$e]}")
	res[miss_ratio,$e]=$(calc "${res[miss_rps,$e]} / ${res[ngx_rps,$e]}")
done

# Prints one summary row: its label, then one cell per engine, the printf
# FORMAT applied to the results of the KEYs given for that engine.
row() {
	local label=$1 fmt=$2 e k cell line
	shift 2
	line=$(printf '%-46s' "$label")
	for e in "${engines[@]}"; do
		local args=()
		for k in "$@"; do
			args+=("${res[$k,$e]}")
		done
		# shellcheck disable=SC2059 # the format is the caller's
		cell=$(printf "$fmt" "${args[@]}")
		line+=$(printf ' | %-24s' "$cell")
	done
	echo "${line%"${line##*[! ]}"}"
}

echo
echo "======================================== benchmark summary ========================================"
head=$(printf '%-46s' "")
for e in "${engines[@]}"; do
	head+=$(printf ' | %-24s' "$(engine_label "$e")")
done
echo "${head%"${head##*[! ]}"}"
row "import $rows accounts, rows/s" '%.0f' imp_rps
row "  ratio to sqlite3 .import (>= 0.5)" '%.2f %s' imp_ratio imp_verdict
[ "$use_pg" = 1 ] && row "  ratio to psql \\copy (informational)" '%.2f' imp_copy_ratio
row "GET accounts?limit=50, req/s" '%.0f' adv_rps
row "  p99, ms" '%.2f' adv_p99
row "  ratio to nginx (>= 0.5)" '%.2f %s' http_ratio http_verdict
row "GET uncached (every request a miss), req/s" '%.0f' miss_rps
row "  p99, ms" '%.2f' miss_p99
row "  ratio to nginx (informational)" '%.2f' miss_ratio
echo "baselines:"
printf '  sqlite3 .import: %.0f rows/s (median %.3f s of %d runs)\n' "$sql_rps" "$sql_t" "$runs"
[ "$use_pg" = 1 ] &&
	printf '  psql \\copy into a bare table: %.0f rows/s (median %.3f s of %d runs)\n' \
		"$copy_rps" "$copy_t" "$runs"
for e in "${engines[@]}"; do
	printf '  nginx, static copy of the %s answer (%d bytes): %.0f req/s, p99 %.2f ms\n' \
		"$e" "${size[$e]}" "${res[ngx_rps,$e]}" "${res[ngx_p99,$e]}"
done
echo "==================================================================================================="
