#!/usr/bin/env bash
# sse.sh — the live events benchmark (issue 7): bench/sse (built by meson from bench/sse.c)
# starts one server node in-process on a fresh SQLite database with a workspace, opens
# BENCH_SSE_CLIENTS Server-Sent Events streams to it (1,000 by default) on raw sockets,
# then times BENCH_SSE_ROUNDS changes (PATCH of an account) from the write until every
# client has received it (p50 and p99), and measures the changes per second one writer
# makes with every stream open against the same with none (a ratio). Prints the figures.
# usage: bench/sse.sh [SSE_BINARY]   (default: $SSE_BIN, else build/bench/sse). Builds
#        nothing. Not part of the test suite.
# Environment: BENCH_SSE_CLIENTS (1000), BENCH_SSE_ROUNDS (20), BENCH_SSE_SECONDS (5 s of
# writes each way), BENCH_KEEP=1 keeps the temporary folder. Exit status 0 when the run
# completed (every client served every change), 1 otherwise, 2 for a usage error.
set -euo pipefail
shopt -s inherit_errexit # a failure inside $(…) stops the script too

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
bin=${1:-${SSE_BIN:-$root/build/bench/sse}}
case "$bin" in /*) ;; *) bin=$PWD/$bin ;; esac
clients=${BENCH_SSE_CLIENTS:-1000}
rounds=${BENCH_SSE_ROUNDS:-20}
seconds=${BENCH_SSE_SECONDS:-5}

[ -x "$bin" ] || { echo "sse.sh: $bin not found; build first (ninja -C build)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/advocate-sse.XXXXXX)
cleanup() {
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "kept $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

# The benchmark raises its own soft limit to the hard one; say so when that is too low.
need=$((clients * 2 + 256))
hard=$(ulimit -Hn)
if [ "$hard" != unlimited ] && [ "$hard" -lt "$need" ]; then
	echo "sse.sh: the hard open-file limit ($hard) is below the $need needed" >&2
	exit 1
fi
"$bin" "$tmp/sse.db" --clients "$clients" --rounds "$rounds" --seconds "$seconds"
