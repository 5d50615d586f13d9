// SPDX-License-Identifier: Apache-2.0
// Review queues: duplicate pairs and screening hits, each side by side with the engine's
// explanation, and a decision that needs a reason.
import { h, field, table, dl, show, link } from '../dom.js';
import * as api from '../api.js';
import { t, num } from '../i18n.js';
import { go, toast, errorText } from '../app.js';
import { pager, statusBadge } from './common.js';

const PAGE = 25;

function decisionForm(id, choices, onDecide) {
    const reason = field(t('review.reason'),
        h('textarea', { name: 'reason', id: 'decision-reason', rows: '2', required: true }));
    const msg = h('p', { class: 'error', role: 'alert', hidden: true });
    const buttons = choices.map(([value, label, cls]) => h('button', {
        type: 'button', class: cls, id: `decide-${value}`, 'data-decision': value,
        onclick: async (ev) => {
            const r = reason.input.value.trim();
            if (!r) {
                msg.textContent = t('review.reason_missing');
                msg.hidden = false;
                reason.input.focus();
                return;
            }
            msg.hidden = true;
            for (const b of buttons) {
                b.disabled = true;
            }
            try {
                await onDecide(value, r);
            } catch (e) {
                msg.textContent = errorText(e);
                msg.hidden = false;
            } finally {
                for (const b of buttons) {
                    b.disabled = false;
                }
            }
            ev.preventDefault();
        } }, label));
    return h('form', { class: 'decision', id, onsubmit: (ev) => ev.preventDefault() }, reason.wrap,
        msg, h('div', { class: 'buttons' }, buttons));
}

export async function renderDedupList(box, { params }) {
    const offset = Number(params.get('offset') || 0);
    const data = await api.get('/dedup/pairs', { status: 'review', limit: PAGE, offset });
    box.append(h('h1', { tabindex: '-1' }, t('dedup.title')));
    const items = data.items || [];
    if (!items.length) {
        box.append(h('p', { class: 'empty' }, t('dedup.empty')));
        return;
    }
    box.append(h('div', { class: 'scroll' }, table(null, [
        { label: t('dedup.col.pair'),
          render: (r) => link(`#/review/duplicates/${api.seg(r.id)}`, String(r.id)) },
        { key: 'a', label: t('dedup.col.a') },
        { key: 'b', label: t('dedup.col.b') },
        { key: 'score', label: t('dedup.col.score'), cls: 'num' },
        { label: t('review.status'), render: (r) => statusBadge(r.status) },
    ], items, { rowHeader: true })), pager(data, (o) => go(`/review/duplicates?offset=${o}`)));
}

function personCard(title, p) {
    const fields = p && typeof p === 'object' ? Object.entries(p) : [];
    return h('article', { class: 'card side' }, h('h3', null, title),
        dl(fields.map(([k, v]) => [k.replace(/_/g, ' '), v])));
}

export async function renderDedupPair(box, { id }) {
    const p = await api.get(`/dedup/pairs/${api.seg(id)}`);
    box.append(h('h1', { tabindex: '-1' }, t('dedup.pair', { id })),
        h('p', { class: 'score' }, t('hits.score', { score: show(p.score) }), ' ',
          statusBadge(p.status)));
    box.append(h('div', { class: 'sides' }, personCard(t('dedup.col.a'), p.a),
        personCard(t('dedup.col.b'), p.b)));
    const cmp = p.comparisons || [];
    if (cmp.length) {
        box.append(h('div', { class: 'scroll' }, table(t('dedup.comparison'), [
            { key: 'field', label: t('dedup.field') },
            { label: t('dedup.col.a'), render: (r) => h('span', { dir: 'auto' }, show(r.a)) },
            { label: t('dedup.col.b'), render: (r) => h('span', { dir: 'auto' }, show(r.b)) },
            { label: t('dedup.weight'), cls: 'num',
              render: (r) => h('span', { class: Number(r.weight) < 0 ? 'neg' : 'pos' },
                               show(r.weight)) },
            { key: 'explanation', label: t('dedup.explanation') },
        ], cmp, { rowHeader: true })));
    }
    if (!p.status || p.status === 'review') {
        box.append(decisionForm('dedup-decision', [
            ['accept', t('dedup.accept'), ''],
            ['reject', t('dedup.reject'), 'secondary'],
        ], async (decision, reason) => {
            await api.post(`/dedup/pairs/${api.seg(id)}/decision`, { decision, reason });
            toast(t('dedup.decided'));
            go('/review/duplicates');
        }));
    }
}

export async function renderHitList(box, { params }) {
    const offset = Number(params.get('offset') || 0);
    const data = await api.get('/hits', { status: 'open', limit: PAGE, offset });
    box.append(h('h1', { tabindex: '-1' }, t('hits.title')));
    const items = data.items || [];
    if (!items.length) {
        box.append(h('p', { class: 'empty', id: 'hits-empty' }, t('hits.empty')));
        return;
    }
    box.append(h('p', { class: 'count' }, num(data.total)),
        h('div', { class: 'scroll', id: 'hit-list' }, table(null, [
            { label: t('hits.col.hit'),
              render: (r) => link(`#/review/hits/${api.seg(r.id)}`, String(r.id),
                                  { class: 'hit-link' }) },
            { key: 'person_id', label: t('hits.col.person') },
            { label: t('hits.col.case'),
              render: (r) => (r.case_id ? link(`#/cases/${api.seg(r.case_id)}`, String(r.case_id))
                                        : '—') },
            { key: 'list', label: t('hits.col.list') },
            { key: 'entry_id', label: t('hits.col.entry') },
            { key: 'score', label: t('hits.col.score'), cls: 'num' },
        ], items, { rowHeader: true })), pager(data, (o) => go(`/review/hits?offset=${o}`)));
}

export async function renderHit(box, { id }) {
    const x = await api.get(`/hits/${api.seg(id)}`);
    const e = x.entry || {};
    box.append(h('h1', { tabindex: '-1' }, t('hits.hit', { id })),
        h('p', { class: 'score' }, t('hits.score', { score: show(x.score) }), ' ',
          statusBadge(x.status)));
    const entryCard = h('article', { class: 'card side' }, h('h3', null, t('hits.entry')),
        dl([[t('hits.names'), h('ul', { class: 'plain' }, namesOf(e.names).map((n) =>
                h('li', null, h('span', { dir: 'auto' }, n.name), n.kind ? h('span', { class: 'muted' }, ` (${n.kind})`) : null)))],
            [t('hits.dob'), e.dob], [t('hits.nationality'), e.nationality],
            [t('hits.ref'), e.ref],
            ...Object.entries(e).filter(([k]) => !['names', 'dob', 'nationality', 'ref'].includes(k))
                .map(([k, v]) => [k.replace(/_/g, ' '), v])]));
    box.append(h('div', { class: 'sides' }, personCard(t('hits.person'), x.person), entryCard));
    if (x.explanation) {
        box.append(h('section', { id: 'explanation' }, h('h2', null, t('hits.explanation')),
            explain(x.explanation)));
    }
    if (!x.status || x.status === 'open') {
        box.append(decisionForm('hit-decision', [
            ['false_positive', t('hits.false_positive'), ''],
            ['true_match', t('hits.true_match'), 'danger'],
        ], async (decision, reason) => {
            await api.post(`/hits/${api.seg(id)}/decision`, { decision, reason });
            toast(t('hits.decided'));
            go('/review/hits');
        }));
    }
}

// Entry names as [{name, kind}] whether the server sends strings or objects.
function namesOf(names) {
    if (!names) {
        return [];
    }
    return (Array.isArray(names) ? names : [names]).map((n) => (typeof n === 'object' ? n : { name: n }));
}

// The engine's explanation: its scalar facts as a list, tables for lists of records, and the
// deeper detail (name-part alignment, qualifiers) folded away but readable.
function explain(ex) {
    if (Array.isArray(ex)) {
        return ex.length && typeof ex[0] === 'object' ? h('div', { class: 'scroll' }, objectRows(ex))
                                                      : h('ul', null, ex.map((v) => h('li', null, show(v))));
    }
    if (typeof ex !== 'object') {
        return h('p', null, show(ex));
    }
    const scalars = Object.entries(ex).filter(([, v]) => v === null || typeof v !== 'object');
    const nested = Object.entries(ex).filter(([, v]) => v !== null && typeof v === 'object');
    return [
        dl(scalars.map(([k, v]) => [k.replace(/_/g, ' '), v])),
        nested.map(([k, v]) => (Array.isArray(v) && v.length && typeof v[0] === 'object'
            ? h('div', { class: 'scroll' }, objectRows(v))
            : h('details', null, h('summary', null, k.replace(/_/g, ' ')),
                h('pre', { class: 'detail' }, JSON.stringify(v, null, 1))))),
    ];
}

function objectRows(rows) {
    const keys = [];
    for (const r of rows) {
        for (const k of Object.keys(r)) {
            if (!keys.includes(k)) {
                keys.push(k);
            }
        }
    }
    return table(null, keys.map((k) => ({ label: k.replace(/_/g, ' '),
                                          render: (r) => h('span', { dir: 'auto' }, show(r[k])) })),
                 rows);
}
