#!/usr/bin/env bash
# The whole Go test suite with its real parts: starts an InfluxDB 1.8.10 on
# loopback (built once into .cache/bin) and a PostgreSQL 15 (Debian's
# package, scripts/postgres.sh) so the store conformance suite runs against
# them too, then runs every test with the race detector.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
# Pages are checked in a real headless Chromium (Debian's package).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing chromium (Debian package) for the browser tests…"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "chromium not installed and not root: the browser tests will be skipped" >&2
  fi
fi
# Exports are opened in a real LibreOffice Calc (headless conversion).
if ! command -v soffice >/dev/null 2>&1; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing LibreOffice Calc (Debian package) for the spreadsheet tests…"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends libreoffice-calc >/dev/null
  else
    echo "soffice not installed and not root: the spreadsheet test will be skipped" >&2
  fi
fi
work="$(mktemp -d)"
cleanup() { scripts/influxd.sh stop "$work/influx" || true; scripts/postgres.sh stop "$work/postgres" || true; rm -rf "$work"; }
trap cleanup EXIT
GREENHELP_TEST_INFLUX_URL="$(scripts/influxd.sh start "$work/influx")"
export GREENHELP_TEST_INFLUX_URL
echo "influxd 1.8.10 (Flux enabled) at $GREENHELP_TEST_INFLUX_URL"
GREENHELP_TEST_POSTGRES_DSN="$(scripts/postgres.sh start "$work/postgres")"
export GREENHELP_TEST_POSTGRES_DSN
echo "PostgreSQL 15 at ${GREENHELP_TEST_POSTGRES_DSN%%\?*}" | sed 's#//greenhelp:[^@]*@#//greenhelp:***@#'
export GREENHELP_SCREENSHOTS="${GREENHELP_SCREENSHOTS:-$root/.cache/screenshots}"
# central alone takes 8–10 min under -race on 2 cores (its browser, fault and
# results-exactness tests): past go test's default 10 min per package.
go test -race -count=1 -timeout 30m "$@" ./...
echo "page screenshots: $GREENHELP_SCREENSHOTS"
