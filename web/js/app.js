// SPDX-License-Identifier: Apache-2.0
// The application shell: sign-in, navigation by role, the hash router, the language and
// direction switch, the connection banner and the status toast.
import { h, clear } from './dom.js';
import * as api from './api.js';
import { initI18n, t, languages, currentLanguage, setLanguage, directionOverride,
         setDirection } from './i18n.js';
import { renderLogin } from './views/login.js';
import { renderCases, renderCase } from './views/cases.js';
import { renderDedupList, renderDedupPair, renderHitList, renderHit } from './views/review.js';
import { renderSites, renderSite } from './views/sites.js';
import { renderCrossings, renderCrossing } from './views/crossings.js';
import { renderMap } from './views/map.js';
import { renderPlacement, renderPlan } from './views/placement.js';
import { renderForecasts, renderForecast } from './views/forecasts.js';

// Navigation entries with the policy action each needs. The server sends the signed-in user's
// actions (login and /me); an older server without them falls back to the roles listed here.
// Either way the server checks every request itself.
const NAV = [
    { path: '/cases', key: 'nav.cases', action: 'case.list', roles: ['registrar', 'vetting', 'admin'] },
    { path: '/review/duplicates', key: 'nav.review_duplicates', action: 'dedup.read',
      roles: ['vetting', 'admin'] },
    { path: '/review/hits', key: 'nav.review_hits', action: 'hit.read', roles: ['vetting', 'admin'] },
    { path: '/sites', key: 'nav.sites', action: 'site.read',
      roles: ['registrar', 'site_manager', 'planner', 'admin'] },
    { path: '/crossings', key: 'nav.crossings', action: 'crossing.read',
      roles: ['registrar', 'planner', 'admin'] },
    { path: '/map', key: 'nav.map', action: 'site.read',
      roles: ['registrar', 'site_manager', 'planner', 'admin'] },
    { path: '/placement', key: 'nav.placement', action: 'placement.read', roles: ['planner', 'admin'] },
    { path: '/forecasts', key: 'nav.forecasts', action: 'forecast.read', roles: ['planner', 'admin'] },
];

// Whether the user may do an action (for showing buttons; the server decides).
export function can(user, action, roles) {
    if (user && Array.isArray(user.actions)) {
        return user.actions.includes(action);
    }
    return Boolean(user && roles && roles.includes(user.role));
}

function navFor(user) {
    return NAV.filter((n) => can(user, n.action, n.roles));
}

const ROUTES = [
    [/^\/cases$/, renderCases],
    [/^\/cases\/([^/]+)$/, renderCase],
    [/^\/review\/duplicates$/, renderDedupList],
    [/^\/review\/duplicates\/([^/]+)$/, renderDedupPair],
    [/^\/review\/hits$/, renderHitList],
    [/^\/review\/hits\/([^/]+)$/, renderHit],
    [/^\/sites$/, renderSites],
    [/^\/sites\/([^/]+)$/, renderSite],
    [/^\/crossings$/, renderCrossings],
    [/^\/crossings\/([^/]+)$/, renderCrossing],
    [/^\/map$/, renderMap],
    [/^\/placement$/, renderPlacement],
    [/^\/placement\/([^/]+)$/, renderPlan],
    [/^\/forecasts$/, renderForecasts],
    [/^\/forecasts\/([^/]+)$/, renderForecast],
];

const el = {};

export function go(path) {
    if (location.hash === `#${path}`) {
        route();
    } else {
        location.hash = `#${path}`;
    }
}

export function toast(message, kind = 'ok') {
    const box = el.toast;
    clear(box);
    box.className = `toast ${kind}`;
    box.appendChild(h('span', null, message));
    clearTimeout(box.timer);
    box.timer = setTimeout(() => {
        box.className = 'toast';
        clear(box);
    }, kind === 'ok' ? 5000 : 12000);
}

// The message for an ApiError, in the user's language.
export function errorText(e) {
    const code = e && e.code;
    const known = ['unauthenticated', 'forbidden', 'not_found', 'too_large', 'limit', 'network',
                   'timeout'];
    if (known.includes(code)) {
        return t(`err.${code}`);
    }
    if (code === 'conflict' || code === 'invalid') {
        return t(`err.${code}`, { message: e.message });
    }
    return t('err.generic', { code: code || '?', message: (e && e.message) || '' });
}

export function homeFor(user) {
    const first = navFor(user)[0];
    return first ? first.path : '/sites';
}

function parseHash() {
    const raw = location.hash.replace(/^#/, '') || '/';
    const [path, qs] = raw.split('?');
    return { path, params: new URLSearchParams(qs || '') };
}

function renderHeader() {
    const user = api.currentUser();
    clear(el.header);
    const langSel = h('select', { id: 'lang', 'aria-label': t('app.language') },
        languages().map((l) => h('option', { value: l.code, lang: l.code,
                                             selected: l.code === currentLanguage() }, l.name)));
    langSel.addEventListener('change', async () => {
        await setLanguage(langSel.value);
        renderHeader();
        route();
    });
    const dirSel = h('select', { id: 'dir', 'aria-label': t('app.direction') },
        ['auto', 'ltr', 'rtl'].map((d) => h('option', { value: d,
                                                         selected: d === directionOverride() },
                                            t(`app.direction.${d}`))));
    dirSel.addEventListener('change', () => {
        setDirection(dirSel.value);
    });
    el.header.append(
        h('a', { class: 'brand', href: user ? `#${homeFor(user)}` : '#/' }, t('app.name')),
        h('div', { class: 'prefs' },
            h('label', { class: 'visually-hidden', for: 'lang' }, t('app.language')), langSel,
            h('label', { class: 'visually-hidden', for: 'dir' }, t('app.direction')), dirSel),
        user ? h('div', { class: 'who' },
                 h('span', { id: 'whoami' },
                   t('app.signed_in_as', { user: user.username, role: t(`role.${user.role}`) })),
                 h('button', { type: 'button', id: 'signout', class: 'link',
                               onclick: async () => {
                                   await api.logout().catch(() => null);
                                   showLogin();
                               } }, t('app.sign_out')))
             : null);
    renderNav();
}

function renderNav() {
    const user = api.currentUser();
    clear(el.nav);
    el.nav.setAttribute('aria-label', t('nav.label'));
    if (!user) {
        el.nav.hidden = true;
        return;
    }
    el.nav.hidden = false;
    const { path } = parseHash();
    el.nav.appendChild(h('ul', null, navFor(user).map((n) => {
        const current = path === n.path || path.startsWith(`${n.path}/`);
        return h('li', null, h('a', { href: `#${n.path}`, 'aria-current': current ? 'page' : null },
                                t(n.key)));
    })));
}

function showLogin() {
    api.setSession(null);
    renderHeader();
    renderLogin(el.main, async () => {
        renderHeader();
        const { path } = parseHash();
        if (path === '/' || path === '/login') {
            go(homeFor(api.currentUser()));
        } else {
            route();
        }
    });
}

let routeSeq = 0;
let lastPath = null;

export async function route() {
    const user = api.currentUser();
    if (!user) {
        showLogin();
        return;
    }
    const { path, params } = parseHash();
    if (path === '/' || path === '/login') {
        go(homeFor(user));
        return;
    }
    renderNav();
    routeSeq += 1;
    const seq = routeSeq;
    for (const [re, fn] of ROUTES) {
        const m = path.match(re);
        if (m) {
            clear(el.main);
            el.main.appendChild(h('p', { class: 'loading', role: 'status' }, t('app.loading')));
            try {
                // Each view builds into a fresh container; a later navigation wins.
                const box = h('div');
                await fn(box, { params, id: m[1] ? decodeURIComponent(m[1]) : undefined, user });
                if (seq === routeSeq) {
                    clear(el.main);
                    el.main.appendChild(box);
                    const title = box.querySelector('h1');
                    document.title = title ? `${title.textContent} · ${t('app.name')}` : t('app.name');
                    // After a navigation, move focus to the new page's heading so keyboard and
                    // screen-reader users start there (not on the first load, nor on a refresh
                    // of the same page after an action).
                    if (title && path !== lastPath && lastPath !== null) {
                        title.focus();
                    }
                    lastPath = path;
                }
            } catch (e) {
                if (seq === routeSeq) {
                    clear(el.main);
                    // Retrying helps after a network failure or a server error, not a refusal.
                    const retry = !e.status || e.status >= 500 || e.status === 429;
                    el.main.appendChild(h('div', { class: 'error', role: 'alert' }, errorText(e),
                        retry ? [' ', h('button', { type: 'button', onclick: () => route() },
                                        t('app.retry'))] : null));
                }
            }
            return;
        }
    }
    clear(el.main);
    el.main.appendChild(h('p', { role: 'alert' }, t('app.not_found')));
}

async function boot() {
    el.header = document.getElementById('top');
    el.nav = document.getElementById('nav');
    el.main = document.getElementById('main');
    el.toast = document.getElementById('toast');
    el.net = document.getElementById('net');
    await initI18n();
    document.querySelector('.skip').textContent = t('app.skip');
    api.onUnauthenticated(() => {
        toast(t('err.unauthenticated'), 'error');
        showLogin();
    });
    api.onNetwork((ok, stale) => {
        el.net.hidden = ok;
        el.net.textContent = ok ? '' : t(stale ? 'app.offline_stale' : 'app.offline');
    });
    window.addEventListener('online', () => {
        el.net.hidden = true;
    });
    window.addEventListener('offline', () => {
        el.net.hidden = false;
        el.net.textContent = t('app.offline');
    });
    try {
        await api.me();
    } catch (e) {
        api.setSession(null);
    }
    renderHeader();
    window.addEventListener('hashchange', route);
    await route();
    document.body.dataset.ready = '1';
}

boot();
