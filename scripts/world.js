// Converts world-atlas's countries-110m TopoJSON to the GeoJSON ECharts
// registers as the 'world' map (scripts/assets.sh runs it):
//   node scripts/world.js TOPOJSON_CLIENT_JS COUNTRIES_110M_JSON ATLAS_VERSION TOPO_VERSION > world.js
const topojson = require(process.argv[2]);
const topo = require(process.argv[3]);
const geo = topojson.feature(topo, topo.objects.countries);
// Coordinates to 0.01° (the 1:110m boundaries are coarser than that).
const round = (c) => Array.isArray(c[0]) ? c.map(round) : [Math.round(c[0] * 100) / 100, Math.round(c[1] * 100) / 100];
geo.features.forEach((f) => { f.geometry.coordinates = round(f.geometry.coordinates); f.properties = { name: f.properties.name }; });
process.stdout.write(`/* Natural Earth 1:110m country boundaries (public domain), via world-atlas ${process.argv[4]} (ISC), converted with topojson-client ${process.argv[5]} (ISC) by scripts/assets.sh */\n`);
process.stdout.write("echarts.registerMap('world', " + JSON.stringify(geo) + ");\n");
