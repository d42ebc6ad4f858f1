#!/usr/bin/env bash
# tests/deploy/run.sh — tests deploy/nginx.conf itself: two `advocate serve` nodes on one
# database behind nginx (TLS with a self-signed certificate), driven over HTTPS with curl.
#
#   tests/deploy/run.sh PATH/TO/advocate
#
# Environment:
#   ADVOCATE_TEST_PG       maintenance URL of a running throwaway PostgreSQL server
#                          (scripts/pg_temp.sh start DIR prints it). A fresh database is
#                          created in it and dropped at the end. When unset, both nodes share
#                          one SQLite file (WAL mode allows that on one machine).
#   ADVOCATE_TEST_PG_CTL   with ADVOCATE_TEST_PG_DIR: scripts/pg_temp.sh and its DIR; when both
#   ADVOCATE_TEST_PG_DIR   are set, the server is also paused and resumed (an outage).
#   ADVOCATE_DEPLOY_KEEP=1 keeps the temporary folder (logs, generated configuration).
#
# The runnable nginx configuration is deploy/nginx.conf with only the node ports, the listen
# ports, the certificate paths and the log folder substituted (each substitution must match
# exactly as often as expected, and the result must differ from the file in those lines only),
# included from a small main nginx.conf in a temporary folder. Prints TAP; exits 1 on failure.
set -uo pipefail

if [ $# -ne 1 ] || [ ! -x "$1" ]; then
	echo "usage: tests/deploy/run.sh PATH/TO/advocate" >&2
	exit 2
fi
BIN=$(realpath "$1")
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CONF=$ROOT/deploy/nginx.conf
HOST=advocate.example.com
WS=demo

for tool in nginx openssl curl python3; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "1..0 # SKIP $tool is not installed"
		exit 1
	fi
done

T=$(mktemp -d /tmp/advocate-deploy.XXXXXX) || exit 1
# nginx's worker processes (an unprivileged user when we are root) must reach the temp folders.
chmod 755 "$T"
mkdir -p "$T/nginx/tmp" "$T/nginx/logs" "$T/tls"

n=0
failed=0
PIDS=()
PGDB=""
NGINX_PID=""

ok() {
	n=$((n + 1))
	echo "ok $n - $*"
}
not_ok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $*"
}
# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
	local d=$1
	shift
	if "$@"; then ok "$d"; else not_ok "$d"; fi
}
diag() { sed 's/^/# /'; }

show_logs() {
	local f
	for f in "$T"/node-*.log "$T/nginx/logs/error.log" "$T/nginx/logs/advocate.access.log"; do
		[ -f "$f" ] || continue
		echo "--- $f (last lines)" | diag
		tail -n 15 "$f" | diag
	done
}

cleanup() {
	local p
	[ -n "$NGINX_PID" ] && kill -QUIT "$NGINX_PID" 2>/dev/null
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}" $NGINX_PID; do
		for _ in $(seq 1 150); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
	done
	if [ -n "$PGDB" ]; then
		psql "$ADVOCATE_TEST_PG" -qX -v ON_ERROR_STOP=1 \
			-c "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null 2>&1 ||
			echo "# could not drop the test database $PGDB"
	fi
	if [ "${ADVOCATE_DEPLOY_KEEP:-0}" = 1 ]; then
		echo "# kept $T"
	else
		rm -rf "$T"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

bail() {
	not_ok "$1"
	show_logs
	echo "Bail out! $1"
	exit 1
}

# A TCP port on 127.0.0.1 that nothing listens on now.
free_port() {
	local p
	for _ in $(seq 1 100); do
		p=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

# jget FILE PATH: a field of a JSON file ("a.b.0.c"), printed as text; fails when absent.
jget() {
	python3 - "$1" "$2" <<'EOF' 2>/dev/null
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
for k in sys.argv[2].split("."):
    d = d[int(k)] if isinstance(d, list) else d[k]
print(json.dumps(d, ensure_ascii=False) if isinstance(d, (dict, list)) else d)
EOF
}

# The value of a header of the last answer (first occurrence; case-insensitive name).
hdr() {
	tr -d '\r' <"$T/hdr" | awk -v n="$1" 'BEGIN { n = tolower(n) ":" }
		tolower(substr($0, 1, length(n))) == n { sub(/^[^:]*:[ \t]*/, ""); print; exit }'
}
# How many times a header occurs in the last answer.
hdr_count() {
	tr -d '\r' <"$T/hdr" | awk -v n="$1" 'BEGIN { n = tolower(n) ":"; c = 0 }
		tolower(substr($0, 1, length(n))) == n { c++ } END { print c }'
}

JAR=$T/cookies
: >"$JAR"
CSRF=""

# req METHOD URL [CURL ARGS...]: one request through nginx (the cookie jar, the test CA,
# advocate.example.com resolved to 127.0.0.1). Sets ST (status, 000 when none), RID (the
# X-Request-Id a node sent) and TAG (its first 8 hex digits: which node answered);
# the answer is in $T/body and $T/hdr.
req() {
	local m=$1 u=$2
	shift 2
	ST=$(curl -sS --max-time 30 --cacert "$T/tls/cert.pem" \
		--resolve "$HOST:$HTTPS_PORT:127.0.0.1" --resolve "$HOST:$HTTP_PORT:127.0.0.1" \
		-b "$JAR" -c "$JAR" -X "$m" -D "$T/hdr" -o "$T/body" -w '%{http_code}' \
		"$@" "$u" 2>"$T/curl.err")
	[ -n "$ST" ] || ST=000
	RID=$(hdr x-request-id)
	TAG=${RID:0:8}
}
API=""

# write_req METHOD PATH BODY [CURL ARGS...]: a request that changes data, signed in by cookie:
# a JSON body (or @FILE) and the CSRF header.
write_req() {
	local m=$1 p=$2 b=$3
	shift 3
	req "$m" "$API$p" -H 'Content-Type: application/json' -H "X-CSRF-Token: $CSRF" \
		--data-binary "$b" "$@"
}

# ---------------------------------------------------------------------------------------------
# The database.

if [ -n "${ADVOCATE_TEST_PG:-}" ]; then
	PGDB=advocate_deploy_$$_$RANDOM
	if ! psql "$ADVOCATE_TEST_PG" -qX -v ON_ERROR_STOP=1 -c "CREATE DATABASE $PGDB ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0" >"$T/psql.log" 2>&1; then
		diag <"$T/psql.log"
		PGDB=""
		bail "create a PostgreSQL database in ADVOCATE_TEST_PG"
	fi
	# The maintenance URL with its database name replaced: scheme://who@host/NAME?params.
	base=${ADVOCATE_TEST_PG%%\?*}
	query=${ADVOCATE_TEST_PG#"$base"}
	rest=${base#*://}
	if [[ $rest == */* ]]; then base=${base%/*}; fi
	DB_URL=$base/$PGDB$query
	echo "# nodes share the PostgreSQL database $PGDB"
else
	DB_URL=sqlite:$T/advocate.db
	echo "# ADVOCATE_TEST_PG is not set: both nodes share one SQLite file (WAL) on this machine"
fi

if "$BIN" --db "$DB_URL" migrate >"$T/migrate.log" 2>&1; then
	ok "advocate migrate on a fresh database: $(head -1 "$T/migrate.log")"
else
	diag <"$T/migrate.log"
	bail "advocate migrate on a fresh database"
fi
if "$BIN" --db "$DB_URL" demo >"$T/demo.log" 2>&1; then
	ok "advocate demo seeds the demo workspace"
else
	diag <"$T/demo.log"
	bail "advocate demo seeds the demo workspace"
fi

# ---------------------------------------------------------------------------------------------
# Two nodes, each on a port of its own choosing.

# start_node NAME: sets NODE_PID and NODE_PORT.
start_node() {
	local log=$T/node-$1.log
	"$BIN" --db "$DB_URL" serve --listen 127.0.0.1:0 --threads 2 --tls-proxy --trusted-proxy 127.0.0.1 2>"$log" &
	NODE_PID=$!
	PIDS+=("$NODE_PID")
	NODE_PORT=""
	for _ in $(seq 1 100); do
		NODE_PORT=$(sed -n 's/^advocate: listening on .* (port \([0-9]*\))$/\1/p' "$log" | head -1)
		[ -n "$NODE_PORT" ] && return 0
		kill -0 "$NODE_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# The tag (first 8 hex digits of X-Request-Id) of the node at port $1, asked directly.
node_tag() {
	curl -sS --max-time 5 -D - -o /dev/null "http://127.0.0.1:$1/healthz" | tr -d '\r' |
		awk 'tolower($1) == "x-request-id:" { print substr($2, 1, 8) }'
}

start_node a || bail "node A starts"
PID_A=$NODE_PID PORT_A=$NODE_PORT
start_node b || bail "node B starts"
PID_B=$NODE_PID PORT_B=$NODE_PORT
TAG_A=$(node_tag "$PORT_A")
TAG_B=$(node_tag "$PORT_B")
if [ -n "$TAG_A" ] && [ -n "$TAG_B" ] && [ "$TAG_A" != "$TAG_B" ]; then
	ok "two nodes serve: A on port $PORT_A (request ids $TAG_A…), B on port $PORT_B ($TAG_B…)"
else
	bail "two nodes serve with distinct request-id tags (got '$TAG_A' and '$TAG_B')"
fi

# ---------------------------------------------------------------------------------------------
# nginx with deploy/nginx.conf.

HTTPS_PORT=$(free_port) && HTTP_PORT=$(free_port) || bail "find free ports for nginx"
[ "$HTTPS_PORT" != "$HTTP_PORT" ] || HTTP_PORT=$(free_port)
API=https://$HOST:$HTTPS_PORT/api/v1

if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
	-subj "/CN=$HOST" -addext "subjectAltName=DNS:$HOST" \
	-keyout "$T/tls/key.pem" -out "$T/tls/cert.pem" >"$T/tls/openssl.log" 2>&1; then
	diag <"$T/tls/openssl.log"
	bail "make a self-signed certificate"
fi
chmod 600 "$T/tls/key.pem"

GEN=$T/nginx/advocate.conf
cp "$CONF" "$GEN"
subst_total=0
subst_err=""
# subst FROM TO COUNT: replaces the literal text FROM by TO, which must occur on COUNT lines.
subst() {
	local from=$1 to=$2 want=$3 got
	got=$(grep -cF -- "$from" "$GEN")
	if [ "$got" != "$want" ]; then
		subst_err+="'$from' is on $got lines of deploy/nginx.conf, expected $want; "
		return
	fi
	FROM=$from TO=$to python3 - "$GEN" <<'EOF'
import os, sys
p = sys.argv[1]
s = open(p, encoding="utf-8").read()
open(p, "w", encoding="utf-8").write(s.replace(os.environ["FROM"], os.environ["TO"]))
EOF
	subst_total=$((subst_total + want))
}
subst "server 127.0.0.1:8081 " "server 127.0.0.1:$PORT_A " 1
subst "server 127.0.0.1:8082 " "server 127.0.0.1:$PORT_B " 1
subst "listen 80;" "listen 127.0.0.1:$HTTP_PORT;" 1
subst "listen 443 ssl" "listen 127.0.0.1:$HTTPS_PORT ssl" 1
subst "/etc/ssl/advocate/fullchain.pem" "$T/tls/cert.pem" 1
subst "/etc/ssl/advocate/privkey.pem" "$T/tls/key.pem" 1
subst "/var/log/nginx/" "$T/nginx/logs/" 2
changed=$(diff "$CONF" "$GEN" | grep -c '^>')
if [ -z "$subst_err" ] && [ "$changed" -eq "$subst_total" ]; then
	ok "the tested configuration is deploy/nginx.conf with $subst_total port/path lines substituted"
else
	not_ok "the tested configuration is deploy/nginx.conf with only port/path lines substituted"
	echo "$subst_err" | diag
	diff "$CONF" "$GEN" | diag
fi

# The guide quotes the file part by part: each quoted block must be a verbatim part of it.
if quote_out=$(python3 - "$ROOT/docs/deploy.md" "$CONF" <<'EOF' 2>&1
import re, sys
doc = open(sys.argv[1], encoding="utf-8").read()
conf = open(sys.argv[2], encoding="utf-8").read()
blocks = re.findall(r"^```nginx\n(.*?)^```", doc, re.S | re.M)
bad = [b.splitlines()[0] for b in blocks if b not in conf]
if bad or not blocks:
    sys.exit("no nginx blocks" if not blocks else "not in the file: " + " | ".join(bad))
print(f"{len(blocks)} blocks")
EOF
); then
	ok "every nginx block quoted in docs/deploy.md is part of deploy/nginx.conf ($quote_out)"
else
	not_ok "every nginx block quoted in docs/deploy.md is part of deploy/nginx.conf"
	echo "$quote_out" | diag
fi

cat >"$T/nginx/nginx.conf" <<EOF
# The main configuration around deploy/nginx.conf, as Debian's /etc/nginx/nginx.conf is.
worker_processes 1;
events { worker_connections 512; }
http {
    default_type application/octet-stream;
    client_body_temp_path $T/nginx/tmp/client_body;
    proxy_temp_path $T/nginx/tmp/proxy;
    fastcgi_temp_path $T/nginx/tmp/fastcgi;
    uwsgi_temp_path $T/nginx/tmp/uwsgi;
    scgi_temp_path $T/nginx/tmp/scgi;
    access_log off;
    include $GEN;
}
EOF
NGINX_ARGS=(-p "$T/nginx/" -e "$T/nginx/logs/error.log" -c "$T/nginx/nginx.conf"
	-g "daemon off; pid $T/nginx/nginx.pid; error_log $T/nginx/logs/error.log;")
if nginx "${NGINX_ARGS[@]}" -t >"$T/nginx/t.log" 2>&1; then
	ok "nginx -t accepts the configuration"
else
	diag <"$T/nginx/t.log"
	bail "nginx -t accepts the configuration"
fi
nginx "${NGINX_ARGS[@]}" 2>>"$T/nginx/logs/error.log" &
NGINX_PID=$!
up=""
for _ in $(seq 1 100); do
	if (exec 3<>"/dev/tcp/127.0.0.1/$HTTPS_PORT") 2>/dev/null; then
		up=1
		break
	fi
	kill -0 "$NGINX_PID" 2>/dev/null || break
	sleep 0.1
done
[ -n "$up" ] || bail "nginx starts"
ok "nginx serves HTTPS on port $HTTPS_PORT and HTTP on port $HTTP_PORT"

NGLOG=$T/nginx/logs/advocate.access.log

# ---------------------------------------------------------------------------------------------
# Through nginx.

req GET "https://$HOST:$HTTPS_PORT/healthz"
check "GET /healthz over HTTPS answers 200 {\"status\":\"ok\"} (status $ST)" \
	test "$ST" = 200 -a "$(jget "$T/body" status)" = ok

req GET "https://$HOST:$HTTPS_PORT/healthz" --tlsv1.2 --tls-max 1.2
check "TLS 1.2 handshake (status $ST)" test "$ST" = 200
req GET "https://$HOST:$HTTPS_PORT/healthz" --tlsv1.3
check "TLS 1.3 handshake (status $ST)" test "$ST" = 200
req GET "https://$HOST:$HTTPS_PORT/healthz" --tlsv1.1 --tls-max 1.1 --ciphers DEFAULT@SECLEVEL=0
check "TLS 1.1 is refused (status $ST)" test "$ST" = 000

req GET "https://$HOST:$HTTPS_PORT/healthz"
check "one Strict-Transport-Security header, nginx's (max-age=63072000)" \
	test "$(hdr_count strict-transport-security)" = 1 -a \
	"$(hdr strict-transport-security)" = "max-age=63072000"

req GET "http://$HOST:$HTTP_PORT/api/v1/me?x=1"
check "plain HTTP is redirected: 301 to https://$HOST/api/v1/me?x=1 (got $ST $(hdr location))" \
	test "$ST" = 301 -a "$(hdr location)" = "https://$HOST/api/v1/me?x=1"

req GET "https://$HOST:$HTTPS_PORT/metrics"
check "GET /metrics through nginx is 404 (each node is scraped directly) (status $ST)" \
	test "$ST" = 404

# Sign in, then use the session on following requests, which land on both nodes.
req POST "$API/auth/login" -H 'Content-Type: application/json' \
	--data-binary '{"email":"demo@advocate.local","password":"demo-password"}'
CSRF=$(jget "$T/body" csrf_token)
cookie=$(hdr set-cookie)
if [ "$ST" = 200 ] && [ -n "$CSRF" ] && [[ $cookie == advocate_session=*Secure* ]]; then
	ok "sign-in answers 200 with a Secure session cookie and a CSRF token"
else
	not_ok "sign-in answers 200 with a Secure session cookie and a CSRF token (status $ST, cookie '$cookie')"
fi

me_ok=0 tags=""
for _ in $(seq 1 8); do
	req GET "$API/me"
	[ "$ST" = 200 ] && [ "$(jget "$T/body" user.email)" = demo@advocate.local ] && me_ok=$((me_ok + 1))
	tags+=" $TAG"
done
check "the session cookie works on 8 following requests ($me_ok of 8 answered 200 as demo@)" \
	test "$me_ok" = 8
spread() { [[ $1 == *"$TAG_A"* ]] && [[ $1 == *"$TAG_B"* ]]; }
check "those requests were served by both nodes (request ids:$tags)" spread "$tags"
check "both nodes' access logs show GET /api/v1/me" \
	test "$(grep -c '"route":"/api/v1/me"' "$T/node-a.log")" -gt 0 -a \
	"$(grep -c '"route":"/api/v1/me"' "$T/node-b.log")" -gt 0
check "nginx's access log names both nodes as upstreams" \
	test "$(grep -c "\"upstream_addr\":\"127.0.0.1:$PORT_A\"" "$NGLOG")" -gt 0 -a \
	"$(grep -c "\"upstream_addr\":\"127.0.0.1:$PORT_B\"" "$NGLOG")" -gt 0

# A write on one node, read back on both (each node keeps its own answer cache).
name="Deploy check $$ $RANDOM"
q="Deploy%20check%20$$"
for _ in 1 2; do req GET "$API/workspaces/$WS/accounts?q=$q"; done
write_req POST "/workspaces/$WS/accounts" "{\"name\":\"$name\",\"status\":\"active\"}"
acc_id=$(jget "$T/body" id)
if [ "$ST" = 201 ] && [ -n "$acc_id" ]; then
	ok "create an account through nginx: 201, id $acc_id (node $TAG)"
else
	not_ok "create an account through nginx: 201 (status $ST)"
	diag <"$T/body"
fi
read_ok=0 tags=""
for _ in $(seq 1 8); do
	req GET "$API/workspaces/$WS/accounts/$acc_id"
	[ "$ST" = 200 ] && [ "$(jget "$T/body" name)" = "$name" ] && read_ok=$((read_ok + 1))
	tags+=" $TAG"
done
check "reading it back: $read_ok of 8 reads found it" test "$read_ok" = 8
check "those reads were served by both nodes" spread "$tags"
list_ok=0 tags=""
for _ in $(seq 1 6); do
	req GET "$API/workspaces/$WS/accounts?q=$q"
	[ "$ST" = 200 ] && [ "$(jget "$T/body" items.0.id)" = "$acc_id" ] && list_ok=$((list_ok + 1))
	tags+=" $TAG"
done
check "the account list (cached before the write on both nodes) shows it: $list_ok of 6" \
	test "$list_ok" = 6
check "those lists were served by both nodes" spread "$tags"

req GET "$API/workspaces/$WS/accounts?limit=200" --compressed -H 'Accept-Encoding: gzip'
check "a JSON list is gzip-compressed by nginx (status $ST, Content-Encoding '$(hdr content-encoding)')" \
	test "$ST" = 200 -a "$(hdr content-encoding)" = gzip

# Body limits: 1 MiB of JSON, 64 MiB on the import route.
# json_of_size N: an account body of exactly N bytes (its name far too long).
json_of_size() {
	python3 -c 'import sys; n = int(sys.argv[1]); sys.stdout.write("{\"name\":\"" + "a" * (n - 11) + "\"}")' "$1"
}
json_of_size $((1024 * 1024)) >"$T/1m.json"
write_req POST "/workspaces/$WS/accounts" "@$T/1m.json" --http1.1 -H 'Expect: 100-continue'
check "a JSON body of exactly 1 MiB passes nginx and the node's limit (422 for the long name: $ST)" \
	test "$ST" = 422 -a -n "$TAG"
json_of_size $((1024 * 1024 + 1)) >"$T/big.json"
write_req POST "/workspaces/$WS/accounts" "@$T/big.json" --http1.1 -H 'Expect: 100-continue'
check "a JSON body of 1 MiB + 1 byte is refused 413 by nginx, as a problem document (status $ST)" \
	test "$ST" = 413 -a "$(hdr content-type)" = "application/problem+json; charset=utf-8" -a \
	"$(jget "$T/body" status)" = 413
head -c $((2 * 1024 * 1024)) /dev/zero | tr '\0' 'x' >"$T/2m.csv"
req POST "$API/workspaces/$WS/imports/accounts?dry_run=true" -H 'Content-Type: text/csv' \
	-H "X-CSRF-Token: $CSRF" --data-binary "@$T/2m.csv"
check "a 2 MiB CSV import passes nginx and is answered by a node (status $ST, node $TAG)" \
	test "$ST" != 413 -a "$ST" != 000 -a -n "$TAG"
truncate -s $((64 * 1024 * 1024 + 1)) "$T/big.csv"
req POST "$API/workspaces/$WS/imports/accounts?dry_run=true" -H 'Content-Type: text/csv' \
	-H "X-CSRF-Token: $CSRF" --data-binary "@$T/big.csv" --http1.1 -H 'Expect: 100-continue'
check "a CSV import of 64 MiB + 1 byte is refused 413 by nginx (status $ST)" test "$ST" = 413
rm -f "$T/big.csv" "$T/2m.csv" "$T/big.json" "$T/1m.json"

# ---------------------------------------------------------------------------------------------
# A PostgreSQL outage (when the test may pause the server).

if [ -n "${ADVOCATE_TEST_PG:-}" ] && [ -n "${ADVOCATE_TEST_PG_CTL:-}" ] &&
	[ -n "${ADVOCATE_TEST_PG_DIR:-}" ]; then
	if "$ADVOCATE_TEST_PG_CTL" pause "$ADVOCATE_TEST_PG_DIR" >"$T/pg.log" 2>&1; then
		req GET "$API/me"
		during=$ST during_ra=$(hdr retry-after)
		direct=$(curl -sS --max-time 10 -o /dev/null -w '%{http_code}' \
			"http://127.0.0.1:$PORT_B/healthz")
		"$ADVOCATE_TEST_PG_CTL" resume "$ADVOCATE_TEST_PG_DIR" >>"$T/pg.log" 2>&1 ||
			bail "resume PostgreSQL"
		check "while PostgreSQL is down: 502, or 503 with Retry-After, through nginx ($during, Retry-After '$during_ra'); node /healthz 503 ($direct)" \
			test "$direct" = 503 -a \( \( "$during" = 503 -a -n "$during_ra" \) -o "$during" = 502 \)
		back=""
		for i in $(seq 1 40); do
			req GET "$API/me"
			if [ "$ST" = 200 ]; then
				back=$i
				break
			fi
			sleep 1
		done
		check "after PostgreSQL is back, the same session works again (after ${back:-?} tries)" \
			test -n "$back"
		write_req POST "/workspaces/$WS/accounts" "{\"name\":\"After outage $$\"}"
		check "and writes succeed (status $ST)" test "$ST" = 201
	else
		diag <"$T/pg.log"
		not_ok "pause PostgreSQL"
	fi
fi

# ---------------------------------------------------------------------------------------------
# Node A stops (SIGTERM) while a slow upload keeps it draining: it answers 503 meanwhile.

head -c 65536 /dev/zero | tr '\0' 'x' >"$T/slow.csv"
curl -sS --max-time 40 -o /dev/null -H 'Expect:' -H 'Content-Type: text/csv' --limit-rate 2K \
	--data-binary "@$T/slow.csv" \
	"http://127.0.0.1:$PORT_A/api/v1/workspaces/$WS/imports/accounts?dry_run=true" 2>/dev/null &
SLOW_PID=$!
PIDS+=("$SLOW_PID")
sleep 1
log_mark=$(wc -l <"$NGLOG")
kill -TERM "$PID_A"
draining=""
for _ in $(seq 1 50); do
	grep -q 'SIGTERM received, draining' "$T/node-a.log" && draining=1 && break
	sleep 0.1
done
check "node A drains after SIGTERM (a slow upload is in flight)" test -n "$draining"

post_503="" post_other_ok=1
for _ in 1 2 3 4; do
	write_req POST "/workspaces/$WS/accounts" "{\"name\":\"During drain $$ $RANDOM\"}"
	if [ "$ST" = 503 ]; then
		post_503=$RID
		break
	fi
	{ [ "$ST" = 201 ] && [ "$TAG" = "$TAG_B" ]; } || post_other_ok=""
done
check "a POST that reached draining node A is answered 503 by A, not resent to B" \
	test -n "$post_503" -a "${post_503:0:8}" = "$TAG_A" -a -n "$post_other_ok" -a \
	"$(grep -F "\"request_id\":\"$post_503\"" "$NGLOG" | grep -c '"upstream_status":"503"')" = 1
get_ok=0
for _ in $(seq 1 6); do
	req GET "$API/me"
	[ "$ST" = 200 ] && get_ok=$((get_ok + 1))
done
check "GET requests while A drains: $get_ok of 6 answered 200" test "$get_ok" = 6
retried=$(tail -n +"$((log_mark + 1))" "$NGLOG" | grep '"method":"GET"' |
	grep -c "\"upstream_addr\":\"127.0.0.1:$PORT_A, 127.0.0.1:$PORT_B\",\"upstream_status\":\"503, 200\"")
check "nginx resent GETs that A answered 503 to B ($retried in its log)" test "$retried" -gt 0

gone=""
for _ in $(seq 1 200); do
	kill -0 "$PID_A" 2>/dev/null || {
		gone=1
		break
	}
	sleep 0.1
done
wait "$PID_A" 2>/dev/null
rc_a=$?
check "node A exits with status 0 within its 10 s drain (status $rc_a)" test -n "$gone" -a "$rc_a" = 0
kill "$SLOW_PID" 2>/dev/null

get_ok=0 tags=""
for _ in $(seq 1 6); do
	req GET "$API/me"
	[ "$ST" = 200 ] && get_ok=$((get_ok + 1))
	tags+=" $TAG"
done
check "with A stopped, GET requests succeed through nginx: $get_ok of 6 (all from B)" \
	test "$get_ok" = 6 -a -z "$(tr ' ' '\n' <<<"$tags" | grep -v "^$TAG_B\$" | grep -v '^$')"
write_req POST "/workspaces/$WS/accounts" "{\"name\":\"After stop $$\"}"
check "with A stopped, a write succeeds (status $ST)" test "$ST" = 201

# An acknowledged message of the dialog window survives its node being killed (SIGKILL) at once:
# five rounds of a node that answers a reply 201 and is killed right after, then the thread is
# read through nginx.
TOKEN=$("$BIN" --db "$DB_URL" token create --email demo@advocate.local --label deploy 2>>"$T/token.log")
req GET "$API/workspaces/$WS/requests?limit=1"
req_id=$(jget "$T/body" items.0.id)
acked=0
for round in 1 2 3 4 5; do
	start_node "kill-$round" || break
	st=$(curl -sS --max-time 10 -o "$T/reply.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
		-H 'Content-Type: application/json' --data-binary "{\"body\":\"Acknowledged $$ $round\"}" \
		"http://127.0.0.1:$NODE_PORT/api/v1/workspaces/$WS/requests/$req_id/messages")
	kill -KILL "$NODE_PID" 2>/dev/null
	wait "$NODE_PID" 2>/dev/null
	[ "$st" = 201 ] && acked=$((acked + 1))
done
req GET "$API/workspaces/$WS/requests/$req_id"
found=$(grep -o "Acknowledged $$ [0-9]" "$T/body" | sort -u | wc -l)
check "replies acknowledged by a node killed right after answering are all kept: $found of $acked" \
	test -n "$req_id" -a "$acked" = 5 -a "$found" = 5

# Sign-in throttling per client address at nginx (bodies that serve rejects as invalid).
n429=0
for _ in $(seq 1 15); do
	req POST "$API/auth/login" -H 'Content-Type: application/json' --data-binary '{}'
	if [ "$ST" = 429 ]; then
		n429=$((n429 + 1))
		ct=$(hdr content-type)
	fi
done
check "nginx throttles rapid sign-in attempts from one address: $n429 of 15 answered 429 (problem document)" \
	test "$n429" -gt 0 -a "${ct:-}" = "application/problem+json; charset=utf-8"

kill -TERM "$PID_B"
wait "$PID_B" 2>/dev/null
rc_b=$?
check "node B stops on SIGTERM with status 0 (status $rc_b)" test "$rc_b" = 0

echo "1..$n"
if [ "$failed" -gt 0 ]; then
	show_logs
	echo "# $failed of $n failed"
	exit 1
fi
exit 0
