// SPDX-License-Identifier: Apache-2.0
// Map of sites and crossings on country outlines shipped with the app (Natural Earth, public
// domain, simplified). Leaflet is loaded only when this page opens; no tile server is used, so
// the map works with no connection beyond Haven itself.
import { h } from '../dom.js';
import * as api from '../api.js';
import { t, num } from '../i18n.js';

let leafletLoading = null;

function loadLeaflet() {
    if (window.L) {
        return Promise.resolve(window.L);
    }
    if (!leafletLoading) {
        leafletLoading = new Promise((resolve, reject) => {
            const css = document.createElement('link');
            css.rel = 'stylesheet';
            css.href = '/static/vendor/leaflet/leaflet.css';
            document.head.appendChild(css);
            const s = document.createElement('script');
            s.src = '/static/vendor/leaflet/leaflet.js';
            s.onload = () => resolve(window.L);
            s.onerror = () => {
                leafletLoading = null;
                reject(new Error('leaflet'));
            };
            document.head.appendChild(s);
        });
    }
    return leafletLoading;
}

const STATUS_COLOUR = { open: '#1b7f3b', restricted: '#b26a00', closed: '#b3261e' };
const HOSTS = ['UZ', 'TJ', 'KZ'];

function occColour(frac) {
    if (frac >= 0.95) {
        return '#b3261e';
    }
    if (frac >= 0.8) {
        return '#b26a00';
    }
    return '#1f5fa8';
}

export async function renderMap(box) {
    const [L, outlines, sites, crossings] = await Promise.all([
        loadLeaflet().catch(() => null),
        fetch('/static/geo/central-asia.geojson', { credentials: 'same-origin' }).then((r) => r.json()),
        api.get('/sites', { limit: 200 }),
        api.get('/crossings', { limit: 200 }).catch(() => ({ items: [] })),
    ]);
    box.append(h('h1', { tabindex: '-1' }, t('map.title')));
    if (!L) {
        box.append(h('p', { class: 'error', role: 'alert' }, t('map.unavailable')));
        return;
    }
    const mapEl = h('div', { id: 'map', class: 'map', role: 'region', 'aria-label': t('map.title') });
    box.append(mapEl,
        h('ul', { class: 'legend' },
          h('li', null, h('span', { class: 'dot site' }), t('map.legend.site')),
          h('li', null, h('span', { class: 'dot crossing' }), t('map.legend.crossing'))),
        h('p', { class: 'hint' }, t('map.note')));

    // The map needs its element in the document to measure it; the router attaches the page
    // right after this function returns.
    requestAnimationFrame(() => {
        const map = L.map(mapEl, { attributionControl: true, zoomSnap: 0.25, preferCanvas: false });
        map.attributionControl.setPrefix(false);
        map.attributionControl.addAttribution('Natural Earth');
        const land = L.geoJSON(outlines, {
            style: (f) => ({
                color: '#666', weight: 1, fillOpacity: 1,
                fillColor: HOSTS.includes(f.properties.iso2) ? '#eef3e6'
                           : f.properties.iso2 === 'AF' ? '#f6efe2' : '#f1f1f1',
            }),
            onEachFeature: (f, layer) => layer.bindTooltip(h('span', null, f.properties.name), { sticky: true }),
        });
        // Leaflet needs a view before vector layers are added.
        map.fitBounds(land.getBounds(), { animate: false });
        land.addTo(map);
        const points = [];
        for (const s of sites.items || []) {
            if (typeof s.lat !== 'number' || typeof s.lon !== 'number') {
                continue;
            }
            const total = Number(s.beds_total || 0);
            const usedBeds = Math.max(0, total - Number(s.beds_free || 0));
            const frac = total > 0 ? usedBeds / total : 0;
            const m = L.circleMarker([s.lat, s.lon], {
                radius: 5 + Math.min(14, Math.sqrt(total) / 4), color: '#fff', weight: 1.5,
                fillColor: occColour(frac), fillOpacity: 0.9, className: 'site-marker',
            }).addTo(map);
            // Leaflet reads a string popup as HTML: pass an element so names stay text.
            m.bindPopup(h('span', null, `${s.name || s.id}: ${num(usedBeds)} / ${num(total)}`));
            points.push([s.lat, s.lon]);
        }
        for (const x of crossings.items || []) {
            if (typeof x.lat !== 'number' || typeof x.lon !== 'number') {
                continue;
            }
            const m = L.circleMarker([x.lat, x.lon], {
                radius: 7, color: '#000', weight: 2, dashArray: '2 2',
                fillColor: STATUS_COLOUR[x.status] || '#555', fillOpacity: 1,
                className: 'crossing-marker',
            }).addTo(map);
            m.bindPopup(h('span', null, `${x.name || x.id}: ${t(`status.${x.status}`)}`));
            points.push([x.lat, x.lon]);
        }
        if (points.length) {
            map.fitBounds(L.latLngBounds(points).pad(0.3), { maxZoom: 6, animate: false });
        }
    });
}
