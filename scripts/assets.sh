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
if ! command -v npm >/dev/null; then
  echo "npm not found: pages will load ECharts from the public asset host" >&2; exit 0
fi
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT
if ! { [ -f "$dst" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$version" ]; }; then
  ( cd "$tmp" && npm pack --silent "echarts@$version" >/dev/null 2>&1 && tar -xzf "echarts-$version.tgz" )
  cp "$tmp/package/dist/echarts.min.js" "$dst"
  echo "$version" > "$stamp"
  echo "echarts $version → charts/assets/echarts.min.js ($(wc -c < "$dst") bytes, from the npm registry)" >&2
fi

# The world's country boundaries for the group page's map: Natural Earth
# 1:110m (public domain) as packaged by world-atlas (ISC), converted from
# TopoJSON with topojson-client (ISC), both from the npm registry, into
# charts/assets/world.js (echarts.registerMap('world', …); not committed).
atlas=2.0.2 topo=3.1.0
wdst="$root/charts/assets/world.js"
wstamp="$root/charts/assets/.world-version"
if [ -f "$wdst" ] && [ "$(cat "$wstamp" 2>/dev/null)" = "$atlas/$topo" ]; then exit 0; fi
if ! command -v node >/dev/null; then
  echo "node not found: the group page's map shows sites without country boundaries" >&2; exit 0
fi
wtmp="$(mktemp -d)"; trap 'rm -rf "$tmp" "$wtmp"' EXIT
( cd "$wtmp" && npm pack --silent "world-atlas@$atlas" "topojson-client@$topo" >/dev/null 2>&1 \
  && mkdir w t && tar -xzf "world-atlas-$atlas.tgz" -C w && tar -xzf "topojson-client-$topo.tgz" -C t )
node "$root/scripts/world.js" "$wtmp/t/package/dist/topojson-client.js" "$wtmp/w/package/countries-110m.json" "$atlas" "$topo" > "$wdst.tmp"
mv "$wdst.tmp" "$wdst"
echo "$atlas/$topo" > "$wstamp"
echo "world-atlas $atlas + topojson-client $topo → charts/assets/world.js ($(wc -c < "$wdst") bytes, from the npm registry)" >&2
