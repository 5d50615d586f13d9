// SPDX-License-Identifier: Apache-2.0
// Case search and list; the case page (people, documents, employment evidence, pipeline
// timeline with clocks, holds, screening hits, likely duplicates) with advance/hold/release.
import { h, field, select, table, dl, show, link } from '../dom.js';
import * as api from '../api.js';
import { t, num } from '../i18n.js';
import { go, route, toast, errorText, can } from '../app.js';
import { pager, statusBadge } from './common.js';

const PAGE = 25;
const STATUSES = ['open', 'on_hold', 'closed', 'travelled', 'withdrawn'];

export async function renderCases(box, { params }) {
    const by = params.get('doc') ? 'doc' : 'q';
    const term = params.get('doc') || params.get('q') || '';
    const status = params.get('status') || '';
    const offset = Number(params.get('offset') || 0);

    const bySel = select([['q', t('cases.by_name')], ['doc', t('cases.by_doc')]], by);
    const byField = field(t('cases.search_by'), bySel);
    const q = field(t('cases.search_label'),
        h('input', { type: 'search', name: 'q', value: term, id: 'case-q', autocomplete: 'off',
                     spellcheck: 'false' }), t('cases.search_hint'));
    const st = field(t('cases.status'),
        select([['', t('cases.any')], ...STATUSES.map((s) => [s, s])], status));
    const form = h('form', { class: 'search', role: 'search' }, byField.wrap, q.wrap, st.wrap,
        h('button', { type: 'submit', id: 'case-search' }, t('cases.search')));
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const p = new URLSearchParams();
        const v = q.input.value.trim();
        if (v) {
            p.set(bySel.value, v);
        }
        if (st.input.value) {
            p.set('status', st.input.value);
        }
        go(`/cases${p.toString() ? `?${p}` : ''}`);
    });

    const query = { limit: PAGE, offset, status };
    if (term) {
        query[by] = term;
    }
    const data = await api.get('/cases', query);
    const items = data.items || [];
    box.append(h('h1', { tabindex: '-1' }, t('cases.title')), form);
    if (!items.length) {
        box.append(h('p', { class: 'empty', id: 'case-results' }, t('cases.empty')));
        return;
    }
    box.append(
        h('p', { class: 'count', id: 'case-count' }, t('cases.count', { total: num(data.total) })),
        h('div', { class: 'scroll', id: 'case-results' }, table(null, [
            { label: t('cases.col.id'),
              render: (r) => link(`#/cases/${api.seg(r.id)}`, String(r.id), { class: 'case-link' }) },
            { key: 'principal_name', label: t('cases.col.principal') },
            { key: 'people', label: t('cases.col.people'), cls: 'num' },
            { key: 'step', label: t('cases.col.step') },
            { label: t('cases.col.status'), render: (r) => statusBadge(r.status) },
            { key: 'risk', label: t('cases.col.risk'), cls: 'num' },
            { key: 'site', label: t('cases.col.site') },
            { label: t('cases.col.held'), render: (r) => (r.held ? t('app.yes') : t('app.no')) },
        ], items, { rowHeader: true })),
        pager(data, (o) => {
            const p = new URLSearchParams(params);
            p.set('offset', String(o));
            go(`/cases?${p}`);
        }));
}

function section(id, title, content) {
    return h('section', { id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title),
        content);
}

function objectsTable(rows) {
    // Documents and employment evidence: show whatever fields the server sends, ids first.
    if (!rows || !rows.length) {
        return h('p', { class: 'empty' }, t('app.none'));
    }
    const keys = [];
    for (const r of rows) {
        for (const k of Object.keys(r)) {
            if (!keys.includes(k)) {
                keys.push(k);
            }
        }
    }
    return h('div', { class: 'scroll' },
        table(null, keys.map((k) => ({ key: k, label: k.replace(/_/g, ' ') })), rows));
}

function restricted(v) {
    // The server leaves out what the role may not see; say so instead of showing an empty list.
    return v === undefined || v === null;
}

function clocksView(clocks) {
    if (restricted(clocks)) {
        return h('p', { class: 'empty' }, t('case.restricted'));
    }
    const pairs = Object.entries(clocks).map(([k, v]) => {
        const label = t(`case.clocklabel.${k}`);
        let value = v;
        if (typeof v === 'boolean') {
            value = v ? t('app.yes') : t('app.no');
        } else if (typeof v === 'number') {
            value = num(Math.round(v * 10) / 10);
        }
        return [label === `case.clocklabel.${k}` ? k.replace(/_/g, ' ') : label, value];
    });
    const out = [dl(pairs)];
    const gov = Number(clocks.government_days);
    const lim = Number(clocks.statutory_days);
    if (Number.isFinite(gov) && Number.isFinite(lim) && lim > 0) {
        const pct = Math.min(100, Math.round((100 * gov) / lim));
        const over = gov > lim;
        out.push(h('div', { class: `bar clock${over ? ' over' : ''}`, role: 'img',
                            'aria-label': over ? t('case.clock.over', { days: gov - lim })
                                               : t('case.clock.within', { days: lim - gov }) },
            h('span', { style: { width: `${pct}%` } })),
        h('p', { class: over ? 'warn' : 'hint' },
            over ? t('case.clock.over', { days: num(gov - lim) })
                 : t('case.clock.within', { days: num(lim - gov) })));
    }
    return out;
}

export async function renderCase(box, { id, user }) {
    const c = await api.get(`/cases/${api.seg(id)}`);
    const people = c.people || [];
    box.append(h('h1', { tabindex: '-1' }, t('case.title', { id: c.id })));

    box.append(section('summary', t('case.summary'), dl([
        [t('case.status'), statusBadge(c.status)],
        [t('case.step'), h('span', { id: 'case-step' }, show(c.step))],
        [t('case.risk'), c.risk],
        [t('case.site'), c.site],
    ])));

    // Pipeline actions (registrar and admin move cases; the server decides in the end).
    if (can(user, 'case.advance', ['registrar', 'admin'])) {
        const note = field(t('case.note'), h('input', { name: 'note', id: 'advance-note' }));
        const evidence = field(t('case.evidence'),
            h('input', { name: 'evidence', id: 'advance-evidence', spellcheck: 'false' }),
            t('case.evidence_hint'));
        const to = field(t('case.to'),
            h('input', { name: 'to', id: 'advance-to', placeholder: t('case.to_next'),
                         spellcheck: 'false' }));
        const act = async (what, body) => {
            try {
                const r = await api.post(`/cases/${api.seg(c.id)}/${what}`, body);
                if (what === 'advance') {
                    const from = (r && r.from) || c.step;
                    const dest = (r && (r.to || r.step)) || '';
                    toast(t('case.advanced', { from, to: dest }));
                } else {
                    toast(t(what === 'hold' ? 'case.held' : 'case.released'));
                }
                route();
            } catch (e) {
                toast(errorText(e), 'error');
            }
        };
        const form = h('form', { class: 'actions', id: 'pipeline-actions' }, note.wrap,
            evidence.wrap, to.wrap,
            h('div', { class: 'buttons' },
                h('button', { type: 'submit', id: 'advance' }, t('case.advance')),
                h('button', { type: 'button', id: 'hold', class: 'secondary',
                              onclick: () => act('hold', { reason: note.input.value.trim() }) },
                  t('case.hold')),
                h('button', { type: 'button', id: 'release', class: 'secondary',
                              onclick: () => act('release', {}) },
                  t('case.release'))));
        form.addEventListener('submit', (ev) => {
            ev.preventDefault();
            const body = { note: note.input.value.trim() };
            if (to.input.value.trim()) {
                body.to = to.input.value.trim();
            }
            const refs = evidence.input.value.split(',').map((x) => x.trim()).filter(Boolean);
            if (refs.length) {
                body.evidence = refs;
            }
            act('advance', body);
        });
        box.append(section('actions', t('case.actions'), form));
    }

    box.append(section('people', t('case.people'), h('div', { class: 'scroll' }, table(null, [
        { key: 'relation', label: t('case.person.relation') },
        { key: 'given', label: t('case.person.given') },
        { key: 'family', label: t('case.person.family') },
        { key: 'father', label: t('case.person.father') },
        { key: 'grandfather', label: t('case.person.grandfather') },
        { label: t('case.person.native'),
          render: (p) => h('span', { dir: 'auto', lang: 'fa' }, show(p.native)) },
        { key: 'sex', label: t('case.person.sex') },
        { key: 'birth', label: t('case.person.birth') },
        { key: 'nationality', label: t('case.person.nationality') },
        { key: 'needs', label: t('case.person.needs') },
    ], people))));

    box.append(section('documents', t('case.documents'),
        restricted(c.documents) ? h('p', { class: 'empty' }, t('case.restricted'))
                                : objectsTable(c.documents)));
    box.append(section('employment', t('case.employment'),
        restricted(c.employment) ? h('p', { class: 'empty' }, t('case.restricted'))
                                 : objectsTable(c.employment)));

    const timeline = c.timeline || [];
    box.append(section('timeline', t('case.timeline'), timeline.length
        ? h('ol', { class: 'timeline' }, timeline.map((e) => h('li', null,
            h('time', null, show(e.at)), ' ',
            h('strong', null, `${show(e.from)} → ${show(e.to)}`),
            e.actor ? h('span', { class: 'muted' }, ` · ${e.actor}`) : null,
            e.note ? h('div', { class: 'note' }, e.note) : null)))
        : h('p', { class: 'empty' }, t('app.none'))));
    box.append(section('clocks', t('case.clocks'), clocksView(c.clocks)));
    box.append(section('holds', t('case.holds'),
        c.holds && c.holds.length ? objectsTable(c.holds) : h('p', { class: 'empty' }, t('app.none'))));

    box.append(section('hits', t('case.hits'), restricted(c.hits)
        ? h('p', { class: 'empty' }, t('case.restricted'))
        : c.hits.length ? table(null, [
            { label: 'ID', render: (x) => link(`#/review/hits/${api.seg(x.id)}`, String(x.id)) },
            { key: 'person_id', label: t('hits.col.person') },
            { key: 'entry', label: t('case.hit.entry') },
            { key: 'score', label: t('case.hit.score'), cls: 'num' },
            { label: t('case.hit.status'), render: (x) => statusBadge(x.status) },
        ], c.hits) : h('p', { class: 'empty' }, t('app.none'))));

    box.append(section('duplicates', t('case.duplicates'), restricted(c.duplicates)
        ? h('p', { class: 'empty' }, t('case.restricted'))
        : c.duplicates.length ? table(null, [
            { label: 'ID',
              render: (x) => link(`#/review/duplicates/${api.seg(x.pair_id)}`, String(x.pair_id)) },
            { key: 'person_id', label: t('hits.col.person') },
            { key: 'other_person_id', label: t('case.dup.other') },
            { key: 'score', label: t('case.hit.score'), cls: 'num' },
            { label: t('case.hit.status'), render: (x) => statusBadge(x.status) },
        ], c.duplicates) : h('p', { class: 'empty' }, t('app.none'))));
}
