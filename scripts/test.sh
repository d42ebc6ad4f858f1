#!/usr/bin/env bash
# `make test`: installs what is missing, builds twice (plain, and with
# AddressSanitizer + UndefinedBehaviorSanitizer), runs the unit and API suites
# on both builds, the browser tests in Chromium, and a bounded fuzzing run,
# then prints one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --test || { echo "0 passed, 1 failed"; exit 1; }
tally=$(mktemp)
export ADVOCATE_TEST_TALLY=$tally
fail_step() { echo "$1: FAILED"; echo "0 1" >>"$tally"; }

if make --no-print-directory build; then
  python3 scripts/run_tests.py build plain
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
else
  fail_step "sanitizer build"
fi

if [ -x tests/e2e/run.sh ] && [ -x build/advocate ]; then
  e2e_out=$(tests/e2e/run.sh build/advocate 2>&1)
  e2e_rc=$?
  ok=$(grep -c '^ok ' <<<"$e2e_out")
  bad=$(grep -c '^not ok ' <<<"$e2e_out")
  grep -E '^not ok ' <<<"$e2e_out"
  if [ "$e2e_rc" -ne 0 ] && [ "$bad" -eq 0 ]; then
    bad=1
    tail -30 <<<"$e2e_out"
  fi
  echo "browser: $ok passed, $bad failed"
  echo "$ok $bad" >>"$tally"
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
rm -f "$tally"
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
