// SPDX-License-Identifier: Apache-2.0
// Sites dashboard (beds and occupancy per site and per country) and the site page (beds by kind,
// services, current stays, family check-in and check-out).
import { h, field, table, dl, show, link } from '../dom.js';
import * as api from '../api.js';
import { t, num } from '../i18n.js';
import { route, toast, errorText, can } from '../app.js';
import { occupancyBar } from './common.js';

function used(s) {
    if (typeof s.beds_used === 'number') {
        return s.beds_used;
    }
    const total = Number(s.beds_total || 0);
    const free = Number(s.beds_free || 0);
    return Math.max(0, total - free);
}

export async function renderSites(box) {
    const data = await api.get('/sites', { limit: 200 });
    const sites = data.items || [];
    box.append(h('h1', { tabindex: '-1' }, t('sites.title')));
    if (!sites.length) {
        box.append(h('p', { class: 'empty' }, t('sites.empty')));
        return;
    }
    const total = sites.reduce((a, s) => a + Number(s.beds_total || 0), 0);
    const inUse = sites.reduce((a, s) => a + used(s), 0);
    box.append(h('p', { class: 'count', id: 'sites-total' },
        t('sites.totals', { sites: num(sites.length), used: num(inUse), total: num(total) })));
    box.append(h('div', { class: 'scroll' }, table(null, [
        { label: t('sites.col.site'),
          render: (s) => link(`#/sites/${api.seg(s.id)}`, show(s.name || s.id), { class: 'site-link' }) },
        { key: 'country', label: t('sites.col.country') },
        { label: t('sites.col.beds'), cls: 'num', render: (s) => num(Number(s.beds_total || 0)) },
        { label: t('sites.col.free'), cls: 'num',
          render: (s) => h('span', { class: 'free' }, num(Number(s.beds_free || 0))) },
        { label: t('sites.col.occupancy'),
          render: (s) => occupancyBar(used(s), Number(s.beds_total || 0)) },
    ], sites, { rowHeader: true, rowAttrs: (s) => ({ 'data-site': s.id }) })));

    // Per country, summed from the site list (the same numbers /occupancy reports).
    const byCountry = new Map();
    for (const s of sites) {
        const c = byCountry.get(s.country) || { country: s.country, total: 0, used: 0 };
        c.total += Number(s.beds_total || 0);
        c.used += used(s);
        byCountry.set(s.country, c);
    }
    box.append(h('section', { id: 'by-country' }, h('h2', null, t('sites.by_country')),
        table(null, [
            { key: 'country', label: t('sites.col.country') },
            { label: t('sites.col.beds'), cls: 'num', render: (c) => num(c.total) },
            { label: t('sites.col.free'), cls: 'num', render: (c) => num(c.total - c.used) },
            { label: t('sites.col.occupancy'), render: (c) => occupancyBar(c.used, c.total) },
        ], [...byCountry.values()], { rowHeader: true })));
}

// Beds by kind: {kind: capacity} with {kind: in use} beside it, or [{kind, total, used}].
function bedsRows(s) {
    const beds = s.beds;
    if (!beds) {
        return [];
    }
    if (Array.isArray(beds)) {
        return beds;
    }
    const inUse = s.beds_in_use || {};
    return Object.entries(beds).map(([kind, v]) => {
        if (typeof v === 'object') {
            return { kind, ...v };
        }
        const usedBeds = Number(inUse[kind] || 0);
        return { kind, total: Number(v), used: usedBeds, free: Math.max(0, Number(v) - usedBeds) };
    });
}

export async function renderSite(box, { id, user }) {
    const s = await api.get(`/sites/${api.seg(id)}`);
    box.append(h('h1', { tabindex: '-1' }, t('site.title', { name: show(s.name || s.id) })));
    box.append(dl([
        [t('sites.col.country'), s.country],
        [t('sites.col.beds'), s.beds_total],
        [t('sites.col.free'), s.beds_free],
        [t('site.services'), s.services],
        [t('site.languages'), s.languages],
    ]));
    const beds = bedsRows(s);
    if (beds.length) {
        box.append(h('section', { id: 'beds' }, h('h2', null, t('site.beds')), table(null, [
            { label: t('site.kind'), render: (b) => String(b.kind).replace(/_/g, ' ') },
            { key: 'total', label: t('site.total'), cls: 'num' },
            { key: 'used', label: t('site.used'), cls: 'num' },
            { key: 'free', label: t('site.free'), cls: 'num' },
            { label: t('sites.col.occupancy'),
              render: (b) => (b.total !== undefined ? occupancyBar(Number(b.used || 0), Number(b.total))
                                                     : '—') },
        ], beds, { rowHeader: true })));
    }

    const stayAct = async (what, caseId) => {
        try {
            await api.post(`/sites/${api.seg(s.id)}/${what}`, { case_id: caseId });
            toast(t(what === 'checkin' ? 'site.checked_in' : 'site.checked_out', { case: caseId }));
            route();
        } catch (e) {
            toast(errorText(e), 'error');
        }
    };

    const stays = s.stays || [];
    const mayStay = can(user, 'site.stay', ['registrar', 'site_manager', 'admin']);
    const caseOf = (x) => x.case_id || x.case;
    box.append(h('section', { id: 'stays' }, h('h2', null, t('site.stays')), stays.length
        ? h('div', { class: 'scroll' }, table(null, [
            { label: t('site.stay.case'),
              render: (x) => (can(user, 'case.read', ['registrar', 'vetting', 'admin'])
                  ? link(`#/cases/${api.seg(caseOf(x))}`, show(caseOf(x))) : show(caseOf(x))) },
            { key: 'people', label: t('site.stay.people'), cls: 'num' },
            { label: t('site.stay.bed'),
              render: (x) => (x.kind ? `${String(x.kind).replace(/_/g, ' ')} ${show(x.bed)}`
                                     : show(x.bed)) },
            { label: t('site.stay.since'), render: (x) => show(x.check_in || x.since) },
            { label: t('site.checkout'),
              render: (x) => (mayStay
                  ? h('button', { type: 'button', class: 'secondary checkout',
                                  'aria-label': `${t('site.checkout')} ${caseOf(x)}`,
                                  onclick: () => stayAct('checkout', caseOf(x)) }, t('site.checkout'))
                  : '—') },
        ], stays, { rowAttrs: (x) => ({ 'data-case': caseOf(x) }) }))
        : h('p', { class: 'empty' }, t('site.no_stays'))));

    const caseField = field(t('site.checkin.case'),
        h('input', { name: 'case_id', id: 'checkin-case', required: true, autocomplete: 'off',
                     spellcheck: 'false' }));
    const form = h('form', { class: 'actions', id: 'checkin-form' }, caseField.wrap,
        h('button', { type: 'submit', id: 'checkin' }, t('site.checkin.submit')));
    form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        const v = caseField.input.value.trim();
        if (v) {
            stayAct('checkin', v);
        }
    });
    if (mayStay) {
        box.append(h('section', { id: 'checkin-section' }, h('h2', null, t('site.checkin')), form));
    }
}
