#!/bin/sh
# build.sh — builds the libFuzzer harnesses with clang (ASan + UBSan) and runs
# each for a bounded time on a copy of its seed corpus.
#
#   tests/fuzz/build.sh [SECONDS] [HARNESS...]
#
# SECONDS per harness defaults to 30; HARNESS names (fuzz_csv, fuzz_values,
# fuzz_table_csv, fuzz_input, fuzz_proxy, fuzz_attachment) default to all. Binaries and the
# working corpora go to $FUZZ_OUT (default ${TMPDIR:-/tmp}/advocate-fuzz), so
# new inputs never land in the repository. A crash stops the script with a
# non-zero status and leaves the reproducer (crash-*) in $FUZZ_OUT.
set -eu

secs=${1:-30}
[ $# -gt 0 ] && shift
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out=${FUZZ_OUT:-${TMPDIR:-/tmp}/advocate-fuzz}
cc=${CC_FUZZ:-clang}
max_len=16384

cflags="-std=c11 -D_GNU_SOURCE -g -O1 -Wall -Wextra -Wpedantic -Werror -Wno-unused-parameter
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -I$root/src"
util="$root/src/util/arena.c $root/src/util/buf.c $root/src/util/err.c $root/src/util/str.c"

# Sources and libraries of each harness beyond the common util files.
sources() {
	case $1 in
	fuzz_csv) echo "$root/src/io/encoding.c $root/src/io/csv.c -lcsv" ;;
	fuzz_values) echo "$root/src/util/num.c $root/src/util/date.c $root/src/core/inn.c -lm" ;;
	fuzz_table_csv) echo "$root/src/io/table_out.c $root/src/io/csv.c $root/src/util/date.c
		-lcsv $(pkg-config --libs xlsxwriter) -lm" ;;
	fuzz_input) echo "$root/src/core/listing.c $root/src/api/validate.c $root/src/http/resp.c
		$root/src/util/date.c -ljansson -lsodium -lm" ;;
	fuzz_proxy) echo "$root/src/http/proxy.c" ;;
	fuzz_attachment) echo "$root/src/core/attachment_file.c" ;;
	*) echo "unknown harness: $1" >&2; exit 2 ;;
	esac
}

# The seed corpus directory of each harness.
corpus() {
	case $1 in
	fuzz_csv) echo csv ;;
	fuzz_values) echo values ;;
	fuzz_table_csv) echo table_csv ;;
	fuzz_input) echo input ;;
	fuzz_proxy) echo proxy ;;
	fuzz_attachment) echo attachment ;;
	esac
}

[ $# -gt 0 ] || set -- fuzz_csv fuzz_values fuzz_table_csv fuzz_input fuzz_proxy fuzz_attachment
mkdir -p "$out"
for h in "$@"; do
	# shellcheck disable=SC2046 # word splitting of the source list is intended
	$cc $cflags "$here/$h.c" $util $(sources "$h") -o "$out/$h"
	work="$out/corpus-$h"
	mkdir -p "$work"
	seeds="$here/corpus/$(corpus "$h")"
	[ -d "$seeds" ] && cp -n "$seeds"/* "$work"/ 2>/dev/null || true
	dict=""
	[ -f "$here/$h.dict" ] && dict="-dict=$here/$h.dict"
	echo "== $h for ${secs}s"
	(cd "$out" && "./$h" -max_total_time="$secs" -max_len="$max_len" -print_final_stats=1 \
		$dict "$work")
done
