#!/usr/bin/env bash
# make bench: the workloads generated deterministically and measured with
# their references in the same run (internal/bench), against a real
# influxd 1.8.10 and a real PostgreSQL 15 on loopback; prints `bench <name> <value> <unit>` lines
# and writes BENCHMARKS.md.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
work="$(mktemp -d)"
cleanup() { scripts/influxd.sh stop "$work/influx" || true; scripts/postgres.sh stop "$work/postgres" || true; rm -rf "$work"; }
trap cleanup EXIT
GREENHELP_TEST_INFLUX_URL="$(scripts/influxd.sh start "$work/influx")"
GREENHELP_TEST_POSTGRES_DSN="$(scripts/postgres.sh start "$work/postgres")"
export GREENHELP_TEST_INFLUX_URL GREENHELP_TEST_POSTGRES_DSN GREENHELP_BENCH=1
GREENHELP_BENCH_OUT="${GREENHELP_BENCH_OUT:-$root/BENCHMARKS.md}"
export GREENHELP_BENCH_OUT
go test -count=1 -timeout 80m -run '^TestHarness$' -v ./internal/bench | grep -E "^(bench |--- FAIL|FAIL|ok)|generated:|Error|Messages|expected|actual"
echo "written: $GREENHELP_BENCH_OUT"
