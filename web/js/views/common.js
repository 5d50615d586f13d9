// SPDX-License-Identifier: Apache-2.0
// Pieces shared by several pages.
import { h } from '../dom.js';
import { t, num } from '../i18n.js';

// Previous/next for a list answer {items,total,limit,offset}.
export function pager(data, goTo) {
    const total = Number(data.total || 0);
    const limit = Number(data.limit || (data.items || []).length || 1);
    const offset = Number(data.offset || 0);
    const to = Math.min(total, offset + (data.items || []).length);
    return h('nav', { class: 'pager', 'aria-label': 'pagination' },
        h('button', { type: 'button', disabled: offset <= 0,
                      onclick: () => goTo(Math.max(0, offset - limit)) }, t('app.prev')),
        h('span', null, t('app.page', { from: num(total ? offset + 1 : 0), to: num(to),
                                        total: num(total) })),
        h('button', { type: 'button', disabled: to >= total, onclick: () => goTo(offset + limit) },
          t('app.next')));
}

export function statusBadge(s) {
    if (s === undefined || s === null || s === '') {
        return '—';
    }
    const label = t(`status.${s}`);
    return h('span', { class: `badge s-${String(s).replace(/[^a-z_]/gi, '')}` },
        label === `status.${s}` ? String(s).replace(/_/g, ' ') : label);
}

// An occupancy bar with its numbers as text (the bar alone would not be accessible).
export function occupancyBar(used, total) {
    const pct = total > 0 ? Math.round((100 * used) / total) : 0;
    const level = pct >= 95 ? 'full' : pct >= 80 ? 'high' : 'ok';
    return h('div', { class: 'occ' },
        h('div', { class: `bar ${level}`, role: 'meter', 'aria-valuemin': '0',
                   'aria-valuemax': String(total), 'aria-valuenow': String(used),
                   'aria-label': `${used} / ${total}` },
          h('span', { style: { width: `${Math.min(100, pct)}%` } })),
        h('span', { class: 'pct' }, used > 0 && pct === 0 ? '<1%' : `${pct}%`));
}

// A "not available" panel for modules the server does not offer yet (404 on their routes).
export function unavailable(box, title, message) {
    box.append(h('h1', { tabindex: '-1' }, title),
        h('div', { class: 'card unavailable', role: 'status', id: 'unavailable' }, message));
}
