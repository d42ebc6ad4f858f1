#!/usr/bin/env bash
# responses_import.sh — the responses import benchmark (issue 6, "Benchmarks"):
#   1. bench/gen_responses writes N synthetic survey responses (BENCH_RESPONSES) to a CSV;
#      the columns the study has no question for (respondent_id, wave, revenue, churned)
#      are cut away, leaving account_id,nps,sat,intent,c1..c10,k1..k10;
#   2. a template SQLite database gets a workspace, its owner, the client companies the
#      file names (ids 1..max, `advocate import accounts`), six more loyalty components
#      (ten in all), a competitor and a study whose questions have those codes (recommend,
#      satisfaction, intention, ten components, the same ten for the competitor), made
#      over HTTP with `advocate serve` and curl;
#   3. `advocate import responses` of the file into a fresh copy of the template, timed,
#      against sqlite3's .import of the same file into a bare table of a new database
#      (target ratio >= 0.5), alternating, BENCH_RUNS runs each, medians compared;
#   4. the same import with the account_id column cut too (anonymous responses, which
#      become no assessment): the difference is the share of the time that goes to the
#      assessments every client's response becomes.
# usage: bench/responses_import.sh [ADVOCATE_BINARY [BENCH_DIR]]
#        (default: $ADVOCATE_BIN, else build/advocate; the folder of gen_responses:
#        $ANALYTICS_BENCH_DIR, else the binary's folder's bench/). Builds nothing.
# Environment: BENCH_RESPONSES (1000000), BENCH_RUNS (3), BENCH_KEEP=1 keeps the folder.
# Needs sqlite3, curl and python3. Exit status 0 when the target is met, 1 otherwise.
set -euo pipefail
shopt -s inherit_errexit # a failure inside $(…) stops the script too

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=${1:-${ADVOCATE_BIN:-$root/build/advocate}}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
dir=${2:-${ANALYTICS_BENCH_DIR:-$(dirname "$bin")/bench}}
case "$dir" in /*) ;; *) dir=$PWD/$dir ;; esac
n=${BENCH_RESPONSES:-1000000}
runs=${BENCH_RUNS:-3}
slug=bench
owner=owner@bench.test

case "$n$runs" in
*[!0-9]*) echo "responses_import.sh: BENCH_RESPONSES and BENCH_RUNS are numbers" >&2; exit 2 ;;
esac
for tool in sqlite3 curl python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "responses_import.sh: $tool is missing" >&2; exit 1; }
done
[ -x "$bin" ] || { echo "responses_import.sh: $bin not found; build first" >&2; exit 1; }
[ -x "$dir/gen_responses" ] || { echo "responses_import.sh: $dir/gen_responses not found" >&2; exit 1; }

tmp=$(mktemp -d /tmp/advocate-bench-responses.XXXXXX)
server=
cleanup() {
	if [ -n "$server" ]; then
		kill "$server" 2>/dev/null || true
		wait "$server" 2>/dev/null || true
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then echo "bench: files kept in $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT INT TERM

now() { date +%s.%N; }
calc() { awk "BEGIN { print $1 }"; }
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

echo "== setup: $n responses"
"$dir/gen_responses" "$n" "$tmp/raw.csv" 2>/dev/null
# respondent_id,account_id,wave,revenue,churned,nps,sat,intent,c1..c10,k1..k10 → keep 2, 6-.
cut -d, -f2,6- "$tmp/raw.csv" >"$tmp/responses.csv"
cut -d, -f3- "$tmp/raw.csv" | cut -d, -f4- >"$tmp/anonymous.csv"
head -1 "$tmp/responses.csv" | grep -qx 'account_id,nps,sat,intent,c1,c2,c3,c4,c5,c6,c7,c8,c9,c10,k1,k2,k3,k4,k5,k6,k7,k8,k9,k10' ||
	{ echo "bench: unexpected columns from gen_responses: $(head -1 "$tmp/responses.csv")" >&2; exit 1; }
accounts=$(tail -n +2 "$tmp/responses.csv" | cut -d, -f1 | sort -n | tail -1)
echo "file: $(du -h "$tmp/responses.csv" | cut -f1), $n rows, accounts 1..$accounts"

db=$tmp/template.db
"$bin" migrate --db "$db" >/dev/null
"$bin" workspace add --db "$db" --slug "$slug" --name "Bench" >/dev/null
echo "bench-password" | "$bin" user add --db "$db" --email "$owner" --name "Bench owner" \
	--role owner --workspace "$slug" --password-stdin >/dev/null
seq "$accounts" | awk 'BEGIN { print "name;external_id" } { printf "Client %d;C-%d\n", $1, $1 }' \
	>"$tmp/accounts.csv"
"$bin" import accounts "$tmp/accounts.csv" --workspace "$slug" --db "$db" >/dev/null
max_id=$(sqlite3 "$db" "SELECT MAX(id) FROM accounts")
[ "$max_id" = "$accounts" ] || { echo "bench: account ids are not 1..$accounts" >&2; exit 1; }

port=$(free_port)
token=$("$bin" token create --db "$db" --email "$owner" --label bench)
"$bin" serve --db "$db" --listen "127.0.0.1:$port" --no-access-log >"$tmp/serve.log" 2>&1 &
server=$!
for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
api="http://127.0.0.1:$port/api/v1/workspaces/$slug"
# POSTs JSON body $2 to $api$1 and prints the new object's id.
post() {
	curl -sf -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
		-d "$2" "$api$1" | python3 -c 'import json, sys; print(json.load(sys.stdin)["id"])'
}
for i in 5 6 7 8 9 10; do
	post /loyalty/components "{\"name\":{\"ru\":\"Компонент $i\"}}" >/dev/null
done
mapfile -t comps < <(sqlite3 "$db" "SELECT id FROM loyalty_components WHERE active = 1 ORDER BY position, id LIMIT 10")
[ "${#comps[@]}" = 10 ] || { echo "bench: expected 10 components, found ${#comps[@]}" >&2; exit 1; }
rival=$(post /competitors '{"name":"Конкурент"}')
sid=$(post /studies '{"name":"Bench survey","kind":"survey","status":"open"}')
q="/studies/$sid/questions"
post "$q" '{"kind":"recommend","code":"nps","text":{"ru":"Порекомендуете?"}}' >/dev/null
post "$q" '{"kind":"satisfaction","code":"sat","text":{"ru":"Удовлетворены?"}}' >/dev/null
post "$q" '{"kind":"intention","code":"intent","text":{"ru":"Продолжите?"}}' >/dev/null
for i in $(seq 10); do
	post "$q" "{\"kind\":\"component\",\"code\":\"c$i\",\"component_id\":${comps[$((i - 1))]},\"text\":{\"ru\":\"Оценка $i\"}}" >/dev/null
done
for i in $(seq 10); do
	post "$q" "{\"kind\":\"competitor_component\",\"code\":\"k$i\",\"component_id\":${comps[$((i - 1))]},\"competitor_id\":$rival,\"text\":{\"ru\":\"Конкурент $i\"}}" >/dev/null
done
kill "$server"
wait "$server" 2>/dev/null || true
server=

cat >"$tmp/sqlite_import.sql" <<EOF
CREATE TABLE t(account_id, nps, sat, intent, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10,
  k1, k2, k3, k4, k5, k6, k7, k8, k9, k10);
.mode csv
.import --skip 1 $tmp/responses.csv t
EOF

# Imports file $1 into a fresh copy of the template; prints the seconds taken.
time_import() {
	local t0 t1
	cp "$db" "$tmp/run.db"
	t0=$(now)
	if ! "$bin" import responses --study "$sid" "$1" --workspace "$slug" --db "$tmp/run.db" \
		>"$tmp/import.out" 2>&1; then
		echo "bench: advocate import responses failed:" >&2
		cat "$tmp/import.out" >&2
		return 1
	fi
	t1=$(now)
	rm -f "$tmp/run.db" "$tmp/run.db-wal" "$tmp/run.db-shm"
	calc "$t1 - $t0"
}

# sqlite3's .import of the file into a bare table of a new database; prints the seconds.
time_sqlite3() {
	local t0 t1
	rm -f "$tmp/base.db"
	t0=$(now)
	sqlite3 "$tmp/base.db" <"$tmp/sqlite_import.sql"
	t1=$(now)
	calc "$t1 - $t0"
}

echo "== import: advocate import responses vs sqlite3 .import ($runs runs each, alternating)"
adv=()
base=()
anon=()
for i in $(seq "$runs"); do
	a=$(time_import "$tmp/responses.csv")
	adv+=("$a")
	report=$(head -1 "$tmp/import.out")
	b=$(time_sqlite3)
	base+=("$b")
	c=$(time_import "$tmp/anonymous.csv")
	anon+=("$c")
	printf '  run %d: advocate %.3f s, sqlite3 .import %.3f s, advocate without clients %.3f s\n' \
		"$i" "$a" "$b" "$c"
done
a=$(median "${adv[@]}")
b=$(median "${base[@]}")
c=$(median "${anon[@]}")
ratio=$(calc "$b / $a")
ok=$(calc "($ratio >= 0.5) ? 1 : 0")
echo
echo "================================ responses import summary ================================"
printf '%-52s %s\n' "advocate import responses, $n rows:" "$(calc "$n / $a" | awk '{printf "%.0f", $1}') rows/s (median $(printf '%.3f' "$a") s)"
printf '%-52s %s\n' "  its report:" "$report"
printf '%-52s %s\n' "sqlite3 .import into a bare table:" "$(calc "$n / $b" | awk '{printf "%.0f", $1}') rows/s (median $(printf '%.3f' "$b") s)"
printf '%-52s %.2f %s\n' "ratio to sqlite3 .import (target >= 0.5):" "$ratio" "$([ "$ok" = 1 ] && echo ok || echo 'BELOW TARGET')"
printf '%-52s %s\n' "the same responses without clients (no assessments):" "$(calc "$n / $c" | awk '{printf "%.0f", $1}') rows/s (median $(printf '%.3f' "$c") s)"
printf '%-52s %.0f %%\n' "share of the time going to the assessments:" "$(calc "100 * ($a - $c) / $a")"
echo "=========================================================================================="
[ "$ok" = 1 ]
