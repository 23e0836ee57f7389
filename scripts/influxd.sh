#!/usr/bin/env bash
# Builds (once, cached in .cache/bin) and starts a real InfluxDB 1.8.10 on
# loopback with Flux enabled, for the test suite. Prints the URL.
#   scripts/influxd.sh start DIR   → starts it with data in DIR, prints its URL
#   scripts/influxd.sh stop DIR
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.cache/bin/influxd"
cmd="${1:-}"; dir="${2:-}"
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
case "$cmd" in
start)
  if [ ! -x "$bin" ]; then
    echo "building influxd 1.8.10 (once; cached in .cache/bin)…" >&2
    GOBIN="$root/.cache/bin" GOFLAGS=-buildvcs=false go install github.com/influxdata/influxdb/cmd/influxd@v1.8.10 >&2
  fi
  mkdir -p "$dir"
  free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()' 2>/dev/null || echo $((20000 + RANDOM % 20000)); }
  http_port=$(free_port); bind_port=$(free_port)
  cat > "$dir/influxdb.conf" <<CONF
reporting-disabled = true
bind-address = "127.0.0.1:$bind_port"
[meta]
  dir = "$dir/meta"
[data]
  dir = "$dir/data"
  wal-dir = "$dir/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:$http_port"
  flux-enabled = true
  log-enabled = false
[monitor]
  store-enabled = false
CONF
  "$bin" -config "$dir/influxdb.conf" > "$dir/influxd.log" 2>&1 &
  echo $! > "$dir/influxd.pid"
  url="http://127.0.0.1:$http_port"
  for _ in $(seq 1 100); do
    if curl -fsS "$url/ping" >/dev/null 2>&1; then echo "$url"; exit 0; fi
    sleep 0.2
  done
  echo "influxd did not start; log:" >&2; cat "$dir/influxd.log" >&2; exit 1
  ;;
stop)
  [ -f "$dir/influxd.pid" ] && kill "$(cat "$dir/influxd.pid")" 2>/dev/null || true
  ;;
esac
