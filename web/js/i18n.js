// SPDX-License-Identifier: Apache-2.0
// Strings live in /static/i18n/<lang>.json, one dictionary per language; the languages and their
// writing direction are listed in /static/i18n/languages.json. A missing key falls back to
// English, then to the key itself. The direction follows the language (Dari and Pashto are
// right-to-left) unless the user overrides it.

const state = { lang: 'en', dir: 'ltr', dict: {}, fallback: {}, languages: [] };

async function fetchJson(url) {
    const res = await fetch(url, { credentials: 'same-origin' });
    if (!res.ok) {
        throw new Error(`${url}: ${res.status}`);
    }
    return res.json();
}

function stored(key, def) {
    try {
        return localStorage.getItem(key) || def;
    } catch (e) {
        return def;
    }
}

function store(key, value) {
    try {
        localStorage.setItem(key, value);
    } catch (e) {
        // Private mode: the choice lasts for this page only.
    }
}

export async function initI18n() {
    state.languages = await fetchJson('/static/i18n/languages.json');
    state.fallback = await fetchJson('/static/i18n/en.json');
    await setLanguage(stored('hv.lang', 'en'), false);
}

export function languages() {
    return state.languages;
}

export function currentLanguage() {
    return state.lang;
}

export function directionOverride() {
    return stored('hv.dir', 'auto');
}

export async function setLanguage(code, remember = true) {
    const lang = state.languages.find((l) => l.code === code) || state.languages[0];
    state.dict = lang.code === 'en' ? state.fallback : await fetchJson(`/static/i18n/${lang.code}.json`);
    state.lang = lang.code;
    if (remember) {
        store('hv.lang', lang.code);
    }
    applyDirection();
}

export function setDirection(mode) {
    store('hv.dir', mode);
    applyDirection();
}

function applyDirection() {
    const lang = state.languages.find((l) => l.code === state.lang);
    const mode = directionOverride();
    state.dir = mode === 'ltr' || mode === 'rtl' ? mode : (lang && lang.dir) || 'ltr';
    document.documentElement.lang = state.lang;
    document.documentElement.dir = state.dir;
}

export function dir() {
    return state.dir;
}

export function t(key, vars) {
    let s = state.dict[key];
    if (s === undefined) {
        s = state.fallback[key];
    }
    if (s === undefined) {
        return key;
    }
    if (vars) {
        s = s.replace(/\{(\w+)\}/g, (m, name) => (vars[name] === undefined ? m : String(vars[name])));
    }
    return s;
}

// Numbers and dates in the user's language.
export function num(n) {
    return typeof n === 'number' ? n.toLocaleString(state.lang) : n;
}
