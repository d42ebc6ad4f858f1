#!/usr/bin/env bash
# Browser tests of the web UI against a real server with demo data.
#   tests/e2e/run.sh [path/to/advocate]     (default: build/advocate)
# Starts `advocate serve --demo` on a free loopback port with a throwaway database (the client
# portal frameable by pages of 127.0.0.1 and localhost, for the widget's test page), waits for
# /healthz, runs ui.test.mjs (the staff UI) then portal.test.mjs (the client portal and its
# widget) — one "ok - name" / "not ok - name" line per case, each file's count as a "# file:"
# comment, then "N passed, N failed" for both — stops the server, and exits non-zero when a case
# failed.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
BIN="${1:-build/advocate}"

if [ ! -d "$HERE/node_modules/playwright-core" ]; then
  (cd "$HERE" && npm ci --no-audit --no-fund --loglevel=error) || { echo "not ok - install playwright-core"; exit 1; }
fi

TMP="$(mktemp -d)"
PORT="$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2>/dev/null
    wait "$SERVER_PID" 2>/dev/null
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

if [ ! -x "$BIN" ] && [ -x "$ROOT/$BIN" ]; then BIN="$ROOT/$BIN"; fi
if [ ! -x "$BIN" ]; then echo "not ok - server binary $BIN not found"; echo "0 passed, 1 failed"; exit 1; fi
PORTAL_FA="http://127.0.0.1:* http://localhost:*"
"$BIN" serve --db "$TMP/e2e.db" --listen "127.0.0.1:$PORT" --demo --portal-frame-ancestors "$PORTAL_FA" >"$TMP/server.log" 2>&1 &
SERVER_PID=$!

up=0
for _ in $(seq 1 150); do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then break; fi
  if node -e 'fetch(process.argv[1]).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))' "http://127.0.0.1:$PORT/healthz"; then up=1; break; fi
  sleep 0.2
done
if [ "$up" != 1 ]; then
  echo "not ok - server did not come up on 127.0.0.1:$PORT"
  sed 's/^/  # /' "$TMP/server.log" | tail -20
  echo "0 passed, 1 failed"
  exit 1
fi

# Runs one test file, its closing count turned into a comment; the total comes last.
run_file() {
  local f=$1
  BASE_URL="http://127.0.0.1:$PORT" PORTAL_FRAME_ANCESTORS="$PORTAL_FA" node "$HERE/$f" | tee "$TMP/$f.out" |
    sed -u -E "s/^([0-9]+ passed, [0-9]+ failed)$/# $f: \1/"
  return "${PIPESTATUS[0]}"
}
rc=0
run_file ui.test.mjs || rc=1
run_file portal.test.mjs || rc=1
ok=$(cat "$TMP"/*.out | grep -c '^ok ')
bad=$(cat "$TMP"/*.out | grep -c '^not ok ')
if [ "$rc" != 0 ] && [ "$bad" = 0 ]; then bad=1; fi
echo "$ok passed, $bad failed"
if [ "$rc" != 0 ]; then
  echo "  # server log (last lines):"
  tail -20 "$TMP/server.log" | sed 's/^/  # /'
fi
exit "$rc"
