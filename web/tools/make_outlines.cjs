// SPDX-License-Identifier: Apache-2.0
// Writes web/geo/central-asia.geojson: country outlines for the map, from Natural Earth (public
// domain) as packaged in the npm package world-atlas 2.0.2, converted with topojson-client 3.1.0.
// The programme's countries come from the 1:50m file; the large neighbours that only frame the
// map (Russia, China, India, Mongolia …) from the 1:110m file. Coordinates are rounded to 0.01°.
// Run from a directory where `npm install world-atlas@2.0.2 topojson-client@3.1.0` was done:
//   node path/to/make_outlines.cjs > web/geo/central-asia.geojson
'use strict';
const path = require('path');
const topo = require(path.resolve('node_modules/topojson-client'));
const w50 = require(path.resolve('node_modules/world-atlas/countries-50m.json'));
const w110 = require(path.resolve('node_modules/world-atlas/countries-110m.json'));

// ISO 3166 numeric → alpha-2.
const detailed = { '004': 'AF', '860': 'UZ', '762': 'TJ', '398': 'KZ', '795': 'TM', '417': 'KG',
                   '586': 'PK', '364': 'IR' };
const framing = { '643': 'RU', '156': 'CN', '356': 'IN', '496': 'MN', '031': 'AZ', '368': 'IQ',
                  '792': 'TR', '051': 'AM', '268': 'GE', '524': 'NP', '682': 'SA', '784': 'AE',
                  '512': 'OM' };
// Only the part of the world the map shows.
const box = { w: 40, e: 95, s: 20, n: 58 };

const r = (v) => Math.round(v * 100) / 100;
const rnd = (c) => (Array.isArray(c[0]) ? c.map(rnd) : [r(c[0]), r(c[1])]);
const dedup = (ring) => ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1][0] || p[1] !== ring[i - 1][1]);
const inBox = (ring) => ring.some(([x, y]) => x >= box.w && x <= box.e && y >= box.s && y <= box.n);

function features(world, ids) {
    return topo.feature(world, world.objects.countries).features.filter((f) => ids[f.id]).map((f) => {
        const g = f.geometry;
        let polys = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
        polys = polys.map((p) => rnd(p).map(dedup).filter((ring) => ring.length >= 4))
            .filter((p) => p.length && inBox(p[0]));
        return { type: 'Feature', properties: { iso2: ids[f.id], name: f.properties.name },
                 geometry: { type: 'MultiPolygon', coordinates: polys } };
    }).filter((f) => f.geometry.coordinates.length);
}

const out = { type: 'FeatureCollection',
              features: [...features(w110, framing), ...features(w50, detailed)] };
process.stdout.write(JSON.stringify(out));
