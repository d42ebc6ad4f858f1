#!/usr/bin/env bash
# Installs what this machine lacks to build and run Advocate (Debian 12), and
# the web UI's npm packages. Idempotent and quiet when everything is there.
#   scripts/setup.sh          build and run
#   scripts/setup.sh --test   also what the tests need (Chromium, clang for fuzzing, PostgreSQL)
#   scripts/setup.sh --bench  also what the benchmarks need (wrk, nginx, PostgreSQL, pandas & co.)
set -euo pipefail
cd "$(dirname "$0")/.."

pkgs=(gcc make pkg-config python3 meson ninja-build sqlite3
      libmicrohttpd-dev libjansson-dev libsqlite3-dev libsodium-dev libxlsxwriter-dev
      libcsv-dev libpq-dev libgsl-dev libreadstat-dev libcurl4-openssl-dev libcmocka-dev
      libstemmer-dev
      nodejs npm)
for arg in "$@"; do
  case "$arg" in
    --test) pkgs+=(chromium clang libclang-rt-14-dev postgresql nginx curl openssl) ;;
    --bench) pkgs+=(wrk nginx postgresql python3-pandas python3-statsmodels python3-scipy python3-sklearn) ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${pkgs[@]}"; do
  if [ "$p" = nodejs ] || [ "$p" = npm ]; then
    command -v "${p/nodejs/node}" >/dev/null 2>&1 && continue
  fi
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

npm_install() {
  local dir=$1
  [ -f "$dir/package-lock.json" ] || return 0
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "setup: npm packages in $dir"
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
  fi
}
npm_install web
for arg in "$@"; do
  [ "$arg" = --test ] && npm_install tests/e2e
done
exit 0
