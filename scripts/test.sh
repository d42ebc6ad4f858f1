#!/usr/bin/env bash
# `make test`: installs what is missing, builds twice (plain, and with
# AddressSanitizer + UndefinedBehaviorSanitizer), runs the unit and API suites
# on both builds, the API suite again on a throwaway PostgreSQL server
# (scripts/pg_temp.sh), the browser tests in Chromium, the deployment tests,
# and a bounded fuzzing run, then prints one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test || { echo "0 passed, 1 failed"; exit 1; }
tally=$(mktemp)
tmpdir=$(mktemp -d)
export ADVOCATE_TEST_TALLY=$tally
fail_step() { echo "$1: FAILED"; echo "0 1" >>"$tally"; }

# The throwaway PostgreSQL server: its folder must be reachable by the
# `postgres` user the server runs as when we are root.
chmod 711 "$tmpdir"
pg_dir=$tmpdir/pg
pg_ctl_script=$(pwd)/scripts/pg_temp.sh
pg_url=""
cleanup() {
  [ -d "$pg_dir" ] && "$pg_ctl_script" stop "$pg_dir" >/dev/null
  rm -rf "$tmpdir" "$tally"
}
trap cleanup EXIT
if ! pg_url=$("$pg_ctl_script" start "$pg_dir"); then
  pg_url=""
  fail_step "PostgreSQL test server"
fi

# Runs the API suite of build directory $1 on the PostgreSQL server, labelled $2
# (resumed first, in case an outage test left it paused).
run_api_pg() {
  [ -n "$pg_url" ] || return 0
  "$pg_ctl_script" resume "$pg_dir" || { fail_step "$2 (PostgreSQL test server)"; return 0; }
  ADVOCATE_TEST_PG=$pg_url ADVOCATE_TEST_PG_DIR=$pg_dir ADVOCATE_TEST_PG_CTL=$pg_ctl_script \
    python3 scripts/run_tests.py "$1" "$2" --suite api
}

if make --no-print-directory build; then
  python3 scripts/run_tests.py build plain
  run_api_pg build plain-postgres
else
  fail_step "build"
fi

if [ ! -d build-asan ]; then
  meson setup build-asan -Db_sanitize=address,undefined -Db_lundef=false --buildtype=debug >/dev/null
fi
if ninja -C build-asan -j2 --quiet; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    python3 scripts/run_tests.py build-asan sanitizers
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    run_api_pg build-asan sanitizers-postgres
else
  fail_step "sanitizer build"
fi

# Runs a TAP-printing command (the rest of the arguments) and tallies its
# "ok"/"not ok" lines under label $1; a non-zero exit without a "not ok" line
# counts as one failure.
run_tap() {
  local label=$1 out rc ok bad
  shift
  out=$("$@" 2>&1)
  rc=$?
  ok=$(grep -c '^ok ' <<<"$out")
  bad=$(grep -c '^not ok ' <<<"$out")
  grep -E '^not ok ' <<<"$out"
  if [ "$rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
    bad=1
    tail -30 <<<"$out"
  fi
  echo "$label: $ok passed, $bad failed"
  echo "$ok $bad" >>"$tally"
}

if [ -x tests/e2e/run.sh ] && [ -x build/advocate ]; then
  run_tap browser tests/e2e/run.sh build/advocate
fi

if [ -x tests/deploy/run.sh ] && [ -x build/advocate ]; then
  if [ -n "$pg_url" ]; then
    ADVOCATE_TEST_PG=$pg_url ADVOCATE_TEST_PG_DIR=$pg_dir ADVOCATE_TEST_PG_CTL=$pg_ctl_script \
      run_tap deploy tests/deploy/run.sh "$(pwd)/build/advocate"
  else
    echo "deploy: not run (no PostgreSQL test server; counted above)"
  fi
fi

if [ -x tests/fuzz/build.sh ]; then
  if tests/fuzz/build.sh "${FUZZ_SECONDS:-15}" >/tmp/advocate-fuzz.log 2>&1; then
    echo "fuzz: 1 passed, 0 failed (each harness ran ${FUZZ_SECONDS:-15} s without a crash)"
    echo "1 0" >>"$tally"
  else
    tail -20 /tmp/advocate-fuzz.log
    fail_step "fuzz"
  fi
fi

read -r p f < <(awk '{p+=$1; f+=$2} END {print p+0, f+0}' "$tally")
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
