#!/usr/bin/env bash
# The whole Go test suite with its real parts: starts an InfluxDB 1.8.10 on
# loopback (built once into .cache/bin) so the store conformance suite runs
# against it too, then runs every test with the race detector.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
cleanup() { scripts/influxd.sh stop "$work/influx" || true; rm -rf "$work"; }
trap cleanup EXIT
GREENHELP_TEST_INFLUX_URL="$(scripts/influxd.sh start "$work/influx")"
export GREENHELP_TEST_INFLUX_URL
echo "influxd 1.8.10 (Flux enabled) at $GREENHELP_TEST_INFLUX_URL"
go test -race -count=1 "$@" ./...
