// SPDX-License-Identifier: Apache-2.0
// Crossings board: every crossing with its current status, and each one's dated status history
// with a form to record a change (planners and admins).
import { h, field, select, table, show, link } from '../dom.js';
import * as api from '../api.js';
import { t } from '../i18n.js';
import { route, toast, errorText, can } from '../app.js';
import { statusBadge } from './common.js';

export async function renderCrossings(box) {
    const data = await api.get('/crossings', { limit: 200 });
    const items = data.items || [];
    box.append(h('h1', { tabindex: '-1' }, t('crossings.title')));
    if (!items.length) {
        box.append(h('p', { class: 'empty' }, t('crossings.empty')));
        return;
    }
    box.append(h('ul', { class: 'board', id: 'crossing-board' }, items.map((x) => h('li', {
        class: `tile s-${x.status}`, 'data-crossing': x.id },
        h('h2', null, link(`#/crossings/${api.seg(x.id)}`, show(x.name || x.id))),
        h('p', null, statusBadge(x.status), ' ', h('span', { class: 'muted' }, show(x.since))),
        h('p', { class: 'muted' }, show(x.countries))))));
}

function historyRows(data) {
    if (Array.isArray(data)) {
        return data;
    }
    return (data && (data.items || data.history)) || [];
}

export async function renderCrossing(box, { id, user }) {
    const [list, hist] = await Promise.all([api.get('/crossings', { limit: 200 }),
                                            api.get(`/crossings/${api.seg(id)}/history`)]);
    const x = (list.items || []).find((c) => String(c.id) === String(id)) || { id };
    box.append(h('h1', { tabindex: '-1' }, show(x.name || x.id)),
        h('p', null, statusBadge(x.status), ' ', h('span', { class: 'muted' }, show(x.since)),
          ' · ', show(x.countries)));
    const rows = historyRows(hist);
    box.append(h('section', { id: 'history' }, h('h2', null, t('crossings.history')),
        h('div', { class: 'scroll' }, table(null, [
            { label: t('crossings.at'), render: (r) => show(r.at || r.since || r.from) },
            { label: t('crossings.col.status'), render: (r) => statusBadge(r.status) },
            { key: 'note', label: t('crossings.note') },
            { key: 'source', label: t('crossings.source') },
        ], rows))));

    if (can(user, 'crossing.write', ['planner', 'admin'])) {
        const st = field(t('crossings.status'),
            select(['open', 'restricted', 'closed'].map((s) => [s, t(`status.${s}`)]), x.status));
        const note = field(t('crossings.note'), h('input', { name: 'note' }));
        const source = field(t('crossings.source'), h('input', { name: 'source', required: true }));
        const at = field(t('crossings.when'), h('input', { name: 'at', type: 'date' }),
            t('crossings.when_hint'));
        const form = h('form', { class: 'actions', id: 'crossing-status' }, st.wrap, at.wrap,
            note.wrap, source.wrap, h('button', { type: 'submit' }, t('crossings.submit')));
        form.addEventListener('submit', async (ev) => {
            ev.preventDefault();
            try {
                const body = { status: st.input.value, note: note.input.value.trim(),
                               source: source.input.value.trim() };
                if (at.input.value) {
                    body.at = at.input.value;
                }
                await api.post(`/crossings/${api.seg(id)}/status`, body);
                toast(t('crossings.recorded'));
                route();
            } catch (e) {
                toast(errorText(e), 'error');
            }
        });
        box.append(h('section', null, h('h2', null, t('crossings.set')), form));
    }
}
