// SPDX-License-Identifier: Apache-2.0
// Forecasts: list runs, start one, and show a run's series as fan charts (P10–P90 band, P50
// line, capacity when given). When the server has no forecast module yet (404) the page says so.
import { h, field, table, dl, show, link } from '../dom.js';
import * as api from '../api.js';
import { t, num } from '../i18n.js';
import { go, route, toast, errorText } from '../app.js';
import { pager, unavailable } from './common.js';
import { scalarPairs } from './generic.js';
import { fanChart } from '../charts.js';

export async function renderForecasts(box, { params }) {
    const offset = Number(params.get('offset') || 0);
    let data;
    try {
        data = await api.get('/forecasts', { limit: 25, offset });
    } catch (e) {
        if (e.status === 404) {
            unavailable(box, t('forecasts.title'), t('forecasts.unavailable'));
            return;
        }
        throw e;
    }
    box.append(h('h1', { tabindex: '-1' }, t('forecasts.title')));
    const scenario = field(t('forecasts.scenario'), h('input', { name: 'scenario', value: '2021' }),
        t('forecasts.scenario_hint'));
    const reps = field(t('forecasts.reps'),
        h('input', { name: 'reps', type: 'number', min: '1', max: '2000', value: '100' }));
    const weeks = field(t('forecasts.weeks'),
        h('input', { name: 'weeks', type: 'number', min: '1', max: '520', value: '52' }));
    const form = h('form', { class: 'actions', id: 'forecast-run' }, scenario.wrap, reps.wrap,
        weeks.wrap, h('button', { type: 'submit' }, t('forecasts.submit')));
    form.addEventListener('submit', async (ev) => {
        ev.preventDefault();
        try {
            const r = await api.post('/forecasts', { scenario: scenario.input.value.trim(),
                                                     reps: Number(reps.input.value),
                                                     weeks: Number(weeks.input.value) });
            toast(t('forecasts.created'));
            if (r && r.id !== undefined) {
                go(`/forecasts/${api.seg(r.id)}`);
            } else {
                route();
            }
        } catch (e) {
            toast(errorText(e), 'error');
        }
    });
    box.append(h('section', null, h('h2', null, t('forecasts.run')), form));
    const items = data.items || [];
    if (!items.length) {
        box.append(h('p', { class: 'empty' }, t('forecasts.empty')));
        return;
    }
    box.append(h('div', { class: 'scroll' }, table(null, [
        { label: t('forecasts.col.id'), render: (r) => link(`#/forecasts/${api.seg(r.id)}`, String(r.id)) },
        { key: 'scenario', label: t('forecasts.col.scenario') },
        { key: 'reps', label: t('forecasts.reps'), cls: 'num' },
        { key: 'weeks', label: t('forecasts.weeks'), cls: 'num' },
        { label: t('forecasts.col.created'), render: (r) => show(r.created_at || r.created) },
        { key: 'created_by', label: t('forecasts.col.by') },
    ], items, { rowHeader: true })), pager(data, (o) => go(`/forecasts?offset=${o}`)));
}

// Every array of points carrying p10/p50/p90 anywhere in the answer, with a name from its path.
export function findSeries(obj, path = [], out = []) {
    if (Array.isArray(obj)) {
        if (obj.length && obj.every((p) => p && typeof p === 'object' && typeof p.p50 === 'number')) {
            out.push({ name: path.join(' · '), points: obj });
            return out;
        }
        obj.forEach((v, i) => {
            const label = v && typeof v === 'object' ? (v.name || v.site || v.country || v.id || i) : i;
            findSeries(v, [...path.filter((x) => x !== 'series' && x !== 'points'), String(label)], out);
        });
    } else if (obj && typeof obj === 'object') {
        for (const [k, v] of Object.entries(obj)) {
            if (typeof v === 'object') {
                findSeries(v, k === 'series' || k === 'points' || k === 'weeks' ? path : [...path, k], out);
            }
        }
    }
    return out;
}

export async function renderForecast(box, { id }) {
    let f;
    try {
        f = await api.get(`/forecasts/${api.seg(id)}`);
    } catch (e) {
        if (e.status === 404) {
            unavailable(box, t('forecasts.forecast', { id }), `${t('err.not_found')} ${t('forecasts.unavailable')}`);
            return;
        }
        throw e;
    }
    box.append(h('h1', { tabindex: '-1' }, t('forecasts.forecast', { id })), dl(scalarPairs(f)),
        h('p', { class: 'hint' }, t('forecasts.band')));
    const figure = (points, name, note) => h('figure', { class: 'chart' }, fanChart(points, name),
        h('figcaption', null, h('strong', null, name), note ? h('span', { class: 'muted' }, ` · ${note}`) : null));
    if (Array.isArray(f.series) && f.series.some((s) => Array.isArray(s.beds))) {
        // The forecast module's shape: per series (all, each country, each site) weekly beds in
        // use as [P10, P50, P90], capacity, weeks over capacity and the clearance date.
        const charts = (list) => h('div', { class: 'charts' }, list.map((s) => figure(
            triples(s.beds, s.capacity), s.name || s.key,
            t('forecasts.note', { capacity: num(s.capacity || 0),
                                  over: show(s.weeks_over_capacity && s.weeks_over_capacity.p50),
                                  cleared: show(s.clearance && s.clearance.p50) }))));
        const main = f.series.filter((s) => s.kind !== 'site');
        const sites = f.series.filter((s) => s.kind === 'site');
        box.append(h('section', { id: 'forecast-beds' }, h('h2', null, t('forecasts.beds')), charts(main)));
        if (sites.length) {
            box.append(h('details', { id: 'forecast-sites' },
                h('summary', null, t('forecasts.by_site', { n: sites.length })), charts(sites)));
        }
        if (Array.isArray(f.over_statutory_clock) && f.over_statutory_clock.length) {
            box.append(h('section', { id: 'forecast-clock' }, h('h2', null, t('forecasts.over_clock')),
                h('div', { class: 'charts' }, figure(triples(f.over_statutory_clock),
                                                     t('forecasts.over_clock')))));
        }
        return;
    }
    const series = findSeries(f);
    box.append(h('div', { class: 'charts' }, series.slice(0, 12).map((s) =>
        figure(s.points, s.name || t('forecasts.title')))));
}

// [[p10, p50, p90], ...] per week → points for the fan chart (weeks counted from 1).
function triples(rows, capacity) {
    return rows.map((q, i) => ({ week: i + 1, p10: q[0], p50: q[1], p90: q[2],
                                 capacity: typeof capacity === 'number' && capacity > 0 ? capacity : undefined }));
}
