#!/usr/bin/env bash
# analytics.sh — the research analytics benchmark (issue 6, "Benchmarks"):
#   1. bench/gen_responses writes N synthetic survey responses (BENCH_RESPONSES) to a CSV
#      in a temporary folder;
#   2. bench/analytics_pandas.py runs the full analytics suite with pandas, numpy, scipy,
#      statsmodels and scikit-learn on that CSV (its reading not timed), single-threaded;
#   3. bench/analytics runs the same suite with the engine (src/analytics/) on the same
#      responses, generated again in memory from the same seed, against a bare C pass over
#      the same columns, reports its peak memory, and prints its headline figures beside
#      pandas' (they must agree);
#   4. bench/analytics again at 2N, for the scaling.
# Then prints every figure against its target: suite / bare pass <= 3, pandas / suite >= 20,
# peak memory / raw columns <= 2, time at 2N / time at N <= 2.2, the figures agreeing; the
# suite is shown with and without its k-means (the slow part), the targets apply to it whole.
# usage: bench/analytics.sh [BENCH_DIR]   (the folder of the analytics and gen_responses
#        binaries; default: $ANALYTICS_BENCH_DIR, else build/bench). Builds nothing.
# Environment: BENCH_RESPONSES (1000000), BENCH_RUNS (5 runs of the C suite, the best
# kept), BENCH_PY_RUNS (2 runs of pandas, the best kept), BENCH_KEEP=1 keeps the temporary
# folder. Exit status 0 when every target is met, 1 otherwise (or on a failure), 2 for a
# usage error.
set -euo pipefail
shopt -s inherit_errexit # a failure inside $(…) stops the script too

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
dir=${1:-${ANALYTICS_BENCH_DIR:-$root/build/bench}}
case "$dir" in /*) ;; *) dir=$PWD/$dir ;; esac
n=${BENCH_RESPONSES:-1000000}
runs=${BENCH_RUNS:-5}
py_runs=${BENCH_PY_RUNS:-2}

case "$n$runs$py_runs" in
*[!0-9]*) echo "analytics.sh: BENCH_RESPONSES, BENCH_RUNS and BENCH_PY_RUNS are numbers" >&2; exit 2 ;;
esac
for b in analytics gen_responses; do
	[ -x "$dir/$b" ] || { echo "analytics.sh: $dir/$b not found; build first (ninja -C build)" >&2; exit 1; }
done
if ! python3 -c 'import pandas, numpy, scipy, statsmodels, sklearn' 2>/dev/null; then
	echo "analytics.sh: python3 with pandas, numpy, scipy, statsmodels and sklearn is needed" \
		"(scripts/setup.sh --bench)" >&2
	exit 1
fi

tmp=$(mktemp -d /tmp/advocate-analytics.XXXXXX)
cleanup() {
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "analytics.sh: files kept in $tmp" >&2
	else
		rm -rf "$tmp"
	fi
}
trap cleanup EXIT

# Evaluates an arithmetic expression with awk.
calc() { awk "BEGIN { print $1 }"; }

# Prints the arithmetic expression $2 with the printf format $1.
num() { awk "BEGIN { printf \"$1\", $2 }"; }

# The value of KEY in the "summary key=value …" line of the output $1.
field() {
	echo "$1" | awk -v k="$2" '/^summary / { for (i = 2; i <= NF; i++) { split($i, a, "=");
		if (a[1] == k) print a[2] } }'
}

# Runs bench/analytics with the arguments given; prints its output, which must end in a
# summary line (its exit status says whether its own targets were met: ignored here).
run_c() {
	local out
	out=$("$dir/analytics" "$@") || true
	if ! echo "$out" | grep -q '^summary '; then
		echo "$out"
		echo "analytics.sh: bench/analytics $* failed" >&2
		return 1
	fi
	echo "$out"
}

echo "== generating $n responses"
"$dir/gen_responses" "$n" "$tmp/responses.csv"
echo "file: $(du -h "$tmp/responses.csv" | cut -f1)"
echo "== pandas + numpy + scipy + statsmodels + scikit-learn ($py_runs runs)"
python3 "$here/analytics_pandas.py" "$tmp/responses.csv" "$tmp/pandas.txt" --runs "$py_runs"
echo "== the engine at N = $n ($runs runs)"
out1=$(run_c --responses "$n" --runs "$runs" --pandas "$tmp/pandas.txt")
echo "$out1"
echo "== the engine at 2N = $((2 * n)) ($runs runs)"
out2=$(run_c --responses "$((2 * n))" --runs "$runs")
echo "$out2" | grep -E '^  (suite|bare|peak)'

suite=$(field "$out1" suite_s)
nokm=$(field "$out1" suite_nokm_s)
kmeans=$(field "$out1" kmeans_s)
bare=$(field "$out1" bare_s)
pandas=$(field "$out1" pandas_s)
pandas_nokm=$(field "$out1" pandas_nokm_s)
peak=$(field "$out1" peak_kb)
raw=$(field "$out1" raw_kb)
figures=$(field "$out1" figures)
disagree=$(field "$out1" disagree)
suite2=$(field "$out2" suite_s)
nokm2=$(field "$out2" suite_nokm_s)

status=0
missed=()
# Prints one row of the table: label, value, target, and the verdict of the awk
# condition COND on the value (ok or MISSED, remembered).
row() {
	local label=$1 value=$2 target=$3 cond=$4 verdict
	if [ -z "$cond" ]; then
		verdict="(information)"
	elif [ "$(calc "($value $cond) ? 1 : 0")" = 1 ]; then
		verdict=ok
	else
		verdict=MISSED
		status=1
		missed+=("$label")
	fi
	printf '%-52s %12s   %-8s %s\n' "$label" "$value" "$target" "$verdict"
}

echo
echo "=================================== analytics benchmark summary ==================================="
printf '%-52s %12s   %-8s %s\n' "" "measured" "target" ""
row "suite at N = $n, ms (with k-means)" "$(num %.1f "$suite * 1000")" "" ""
row "  its k-means alone (k by silhouette 2..8), ms" "$(num %.1f "$kmeans * 1000")" "" ""
row "bare C pass over the same columns, ms" "$(num %.1f "$bare * 1000")" "" ""
row "suite / bare pass" "$(num %.2f "$suite / $bare")" "<= 3" "<= 3"
row "  without k-means" "$(num %.2f "$nokm / $bare")" "" ""
row "pandas & co., s" "$(num %.2f "$pandas")" "" ""
row "pandas / suite" "$(num %.1f "$pandas / $suite")" ">= 20" ">= 20"
row "  without k-means (on both sides)" "$(num %.1f "$pandas_nokm / $nokm")" "" ""
verdict=ok
[ "$disagree" = 0 ] || { verdict=MISSED; status=1; missed+=("figures agreeing with pandas"); }
printf '%-52s %12s   %-8s %s\n' "headline figures agreeing with pandas" \
	"$((figures - disagree))/$figures" "all" "$verdict"
row "peak memory, MB (raw columns $(num %.0f "$raw / 1024") MB)" \
	"$(num %.0f "$peak / 1024")" "" ""
row "peak memory / raw columns" "$(num %.2f "$peak / $raw")" "<= 2" "<= 2"
row "suite at 2N / at N" "$(num %.2f "$suite2 / $suite")" "<= 2.2" "<= 2.2"
row "  without k-means" "$(num %.2f "$nokm2 / $nokm")" "" ""
echo "===================================================================================================="
if [ "$status" = 0 ]; then
	echo "analytics: every target met"
else
	echo "analytics: targets missed: $(IFS=';'; echo "${missed[*]}")"
fi
exit "$status"
