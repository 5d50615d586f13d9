// SPDX-License-Identifier: Apache-2.0
// Placement proposal review: list proposals, propose one for a day, open one (the families and
// the site each goes to, with the solver's reason), accept it (movements are planned) or reject
// it with a reason. When the server has no placement module (404 on /placement/*) the page says
// so instead of failing.
import { h, field, table, dl, show, link } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import { go, route, toast, errorText, can } from '../app.js';
import { pager, statusBadge, unavailable } from './common.js';
import { genericTable, scalarPairs } from './generic.js';

export async function renderPlacement(box, { params, user }) {
    const offset = Number(params.get('offset') || 0);
    let data;
    try {
        data = await api.get('/placement/plans', { limit: 25, offset });
    } catch (e) {
        if (e.status === 404) {
            unavailable(box, t('placement.title'), t('placement.unavailable'));
            return;
        }
        throw e;
    }
    box.append(h('h1', { tabindex: '-1' }, t('placement.title')));
    if (can(user, 'placement.write', ['planner', 'admin'])) {
        const day = field(t('placement.date'),
            h('input', { name: 'date', type: 'date', id: 'placement-date' }), t('placement.date_hint'));
        const form = h('form', { class: 'actions', id: 'placement-form' }, day.wrap,
            h('button', { type: 'submit', id: 'placement-create' }, t('placement.create')));
        form.addEventListener('submit', async (ev) => {
            ev.preventDefault();
            const button = form.querySelector('button');
            button.disabled = true;
            try {
                const body = day.input.value ? { date: day.input.value } : {};
                const r = await api.post('/placement/plans', body);
                toast(t('placement.created'));
                if (r && r.id !== undefined) {
                    go(`/placement/${api.seg(r.id)}`);
                } else {
                    route();
                }
            } catch (e) {
                toast(errorText(e), 'error');
            } finally {
                button.disabled = false;
            }
        });
        box.append(h('section', null, h('h2', null, t('placement.create')), form));
    }
    const items = data.items || [];
    if (!items.length) {
        box.append(h('p', { class: 'empty' }, t('placement.empty')));
        return;
    }
    box.append(h('div', { class: 'scroll' }, table(null, [
        { label: t('placement.col.plan'),
          render: (r) => link(`#/placement/${api.seg(r.id)}`, String(r.id), { class: 'plan-link' }) },
        { label: t('placement.col.created'), render: (r) => show(r.created_at || r.created) },
        { label: t('placement.col.status'), render: (r) => statusBadge(r.status) },
        { label: t('placement.col.families'), cls: 'num', render: (r) => show(r.families) },
        { label: t('placement.col.placed'), cls: 'num', render: (r) => show(r.placed) },
        { label: t('placement.col.objective'), cls: 'num', render: (r) => show(r.objective) },
    ], items, { rowHeader: true })), pager(data, (o) => go(`/placement?offset=${o}`)));
}

const SHOW = 50;

// The proposal's assignments: families per site first (what a planner checks), then the
// families one by one, 50 at a time (a weekly batch can hold thousands).
function assignments(rows) {
    const bySite = new Map();
    for (const r of rows) {
        const key = r.site_id || t('placement.unplaced');
        bySite.set(key, (bySite.get(key) || 0) + 1);
    }
    const summary = [...bySite.entries()].sort((a, b) => b[1] - a[1])
        .map(([site, n]) => ({ site, n }));
    const list = h('div', { class: 'scroll', id: 'plan-rows' });
    let shown = 0;
    const more = h('button', { type: 'button', class: 'secondary', id: 'plan-more' });
    const showMore = () => {
        const next = rows.slice(shown, shown + SHOW);
        shown += next.length;
        list.replaceChildren(genericTable(rows.slice(0, shown)));
        more.textContent = t('placement.more', { shown, total: rows.length });
        more.hidden = shown >= rows.length;
    };
    more.addEventListener('click', showMore);
    showMore();
    return h('section', { id: 'plan-assignments' }, h('h2', null, t('placement.assignments')),
        table(t('placement.by_site'), [
            { key: 'site', label: t('placement.col.site') },
            { key: 'n', label: t('placement.col.families'), cls: 'num' },
        ], summary, { rowHeader: true }),
        list, more);
}

export async function renderPlan(box, { id, user }) {
    let p;
    try {
        p = await api.get(`/placement/plans/${api.seg(id)}`);
    } catch (e) {
        if (e.status === 404) {
            unavailable(box, t('placement.plan', { id }), t('err.not_found'));
            return;
        }
        throw e;
    }
    box.append(h('h1', { tabindex: '-1' }, t('placement.plan', { id })), dl(scalarPairs(p)));
    const rows = p.rows || p.assignments;
    if (Array.isArray(rows) && rows.length) {
        box.append(assignments(rows));
    }
    for (const [key, value] of Object.entries(p)) {
        if (key === 'rows' || key === 'assignments') {
            continue;
        }
        if (Array.isArray(value) && value.length && typeof value[0] === 'object') {
            const title = key === 'rows' || key === 'assignments' ? t('placement.assignments')
                          : key === 'explanation' ? t('placement.explain') : key.replace(/_/g, ' ');
            box.append(h('section', { id: `plan-${key}` }, h('h2', null, title), genericTable(value)));
        } else if (Array.isArray(value) && value.length) {
            box.append(h('section', null, h('h2', null, key.replace(/_/g, ' ')),
                h('ul', null, value.map((v) => h('li', null, show(v))))));
        }
    }
    if ((!p.status || p.status === 'proposed') && can(user, 'placement.write', ['planner', 'admin'])) {
        const reason = field(t('placement.reason'), h('input', { name: 'reason', id: 'plan-reason' }));
        const decide = (what) => async () => {
            const body = {};
            if (what === 'reject') {
                body.reason = reason.input.value.trim();
                if (!body.reason) {
                    toast(t('review.reason_missing'), 'error');
                    reason.input.focus();
                    return;
                }
            }
            try {
                await api.post(`/placement/plans/${api.seg(id)}/${what}`, body);
                toast(t('placement.decided'));
                route();
            } catch (e) {
                toast(errorText(e), 'error');
            }
        };
        box.append(h('section', { id: 'plan-decision' }, h('h2', null, t('placement.decide')),
            reason.wrap,
            h('div', { class: 'buttons' },
              h('button', { type: 'button', id: 'plan-accept', onclick: decide('accept') },
                t('placement.accept')),
              h('button', { type: 'button', id: 'plan-reject', class: 'secondary',
                            onclick: decide('reject') }, t('placement.reject')))));
    }
}
