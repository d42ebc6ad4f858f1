#!/usr/bin/env bash
# portfolio.sh — the loyalty portfolio benchmark (issue 4) on each database engine:
# bench/portfolio (built by meson from bench/portfolio.c) generates 100k clients with 1M
# component scores in a fresh database and times the portfolio computation against a
# bare SELECT scan of the same scores on the same engine (target ratio ≤ 2), first on a
# SQLite file, then on a throwaway PostgreSQL server (scripts/pg_temp.sh); prints both.
# usage: bench/portfolio.sh [PORTFOLIO_BINARY]   (default: $PORTFOLIO_BIN, else
#        build/bench/portfolio). Builds nothing.
# Environment: BENCH_ENGINES ("sqlite postgres"; one of them to run only it),
# BENCH_CLIENTS (100000), BENCH_SCORES (1000000), BENCH_RUNS (7), BENCH_KEEP=1 keeps the
# temporary folder (and PostgreSQL's data). Exit status 0 when every engine meets the
# target, 1 otherwise, 2 for a usage error.
set -euo pipefail
shopt -s inherit_errexit # a failure inside $(…) stops the script too

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=${1:-${PORTFOLIO_BIN:-$root/build/bench/portfolio}}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
clients=${BENCH_CLIENTS:-100000}
scores=${BENCH_SCORES:-1000000}
runs=${BENCH_RUNS:-7}
read -r -a engines <<<"${BENCH_ENGINES:-sqlite postgres}"

[ "${#engines[@]}" -gt 0 ] || { echo "portfolio.sh: BENCH_ENGINES is empty" >&2; exit 2; }
for e in "${engines[@]}"; do
	case "$e" in
	sqlite | postgres) ;;
	*) echo "portfolio.sh: unknown engine '$e' in BENCH_ENGINES (sqlite, postgres)" >&2; exit 2 ;;
	esac
done
[ -x "$bin" ] || { echo "portfolio.sh: $bin not found; build first (ninja -C build)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/advocate-portfolio.XXXXXX)
# As root, PostgreSQL runs as postgres and must reach its folder inside this one.
chmod 755 "$tmp"
pgdir=$tmp/pg
pg_started=0
cleanup() {
	if [ "$pg_started" = 1 ]; then
		if [ "${BENCH_KEEP:-0}" = 1 ]; then
			"$root/scripts/pg_temp.sh" pause "$pgdir" || true
		else
			"$root/scripts/pg_temp.sh" stop "$pgdir" || true
		fi
	fi
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

status=0
results=()
for e in "${engines[@]}"; do
	if [ "$e" = sqlite ]; then
		url=$tmp/portfolio.db
	else
		url=$("$root/scripts/pg_temp.sh" start "$pgdir")
		pg_started=1
	fi
	echo "== $e: $clients clients, $scores component scores, $runs runs" >&2
	if out=$("$bin" "$url" --clients "$clients" --scores "$scores" --runs "$runs"); then
		:
	else
		status=1
	fi
	echo "$out"
	results+=("$e: $(echo "$out" | grep -o 'ratio .*' || echo 'failed')")
done
echo "== portfolio over the bare scan of the same scores (target <= 2.0)"
for r in "${results[@]}"; do
	echo "  $r"
done
exit "$status"
