#!/usr/bin/env bash
# Fetches the ECharts build go-echarts expects (5.4.3) from the npm registry
# into charts/assets/ (not committed), where `go build` embeds it so that the
# pages work on a closed network. Without it, pages fall back to the public
# asset host with a warning.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
version=5.4.3
dst="$root/charts/assets/echarts.min.js"
stamp="$root/charts/assets/.echarts-version"
if [ -f "$dst" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; then exit 0; fi
if ! command -v npm >/dev/null; then
  echo "npm not found: pages will load ECharts from the public asset host" >&2; exit 0
fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
( cd "$tmp" && npm pack --silent "echarts@$version" >/dev/null 2>&1 && tar -xzf "echarts-$version.tgz" )
cp "$tmp/package/dist/echarts.min.js" "$dst"
echo "$version" > "$stamp"
echo "echarts $version → charts/assets/echarts.min.js ($(wc -c < "$dst") bytes, from the npm registry)" >&2
