// SPDX-License-Identifier: Apache-2.0
// The JSON API client. The session lives in the HttpOnly cookie set at sign-in; mutating
// requests carry the CSRF value the server returned with the session. Errors come back as
// ApiError with the server's stable code. GETs are retried once after a network failure, and
// every request has a time limit, because field connections drop.

const BASE = '/api/v1';
const TIMEOUT_MS = 20000;

const session = { csrf: null, user: null, onUnauthenticated: null, onNetwork: null };

// The last answer to each GET, in memory only (never in browser storage: it holds personal
// data), so a page seen before still opens when the connection drops. Cleared at sign-out.
const CACHE_MAX = 64;
const cache = new Map();

function remember(path, data) {
    cache.delete(path);
    cache.set(path, data);
    if (cache.size > CACHE_MAX) {
        cache.delete(cache.keys().next().value);
    }
}

export class ApiError extends Error {
    constructor(status, code, message) {
        super(message || code);
        this.status = status;
        this.code = code;
    }
}

export function setSession(data) {
    if (!data) {
        cache.clear();
    }
    session.csrf = (data && data.csrf) || null;
    // /login and /me answer {user:{...}, csrf}; accept a flat user object too.
    session.user = (data && (data.user || (data.username ? data : null))) || null;
}

export function currentUser() {
    return session.user;
}

export function onUnauthenticated(fn) {
    session.onUnauthenticated = fn;
}

export function onNetwork(fn) {
    session.onNetwork = fn;
}

function query(params) {
    if (!params) {
        return '';
    }
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
        if (v !== undefined && v !== null && v !== '') {
            q.set(k, v);
        }
    }
    const s = q.toString();
    return s ? `?${s}` : '';
}

async function once(method, path, body) {
    const headers = { Accept: 'application/json' };
    if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
    }
    if (method !== 'GET' && session.csrf) {
        headers['X-Haven-CSRF'] = session.csrf;
    }
    const ctl = new AbortController();
    const timer = setTimeout(() => ctl.abort(), TIMEOUT_MS);
    let res;
    try {
        res = await fetch(BASE + path, {
            method,
            headers,
            body: body === undefined ? undefined : JSON.stringify(body),
            credentials: 'same-origin',
            signal: ctl.signal,
        });
    } catch (e) {
        throw new ApiError(0, e.name === 'AbortError' ? 'timeout' : 'network', e.message);
    } finally {
        clearTimeout(timer);
    }
    let data = null;
    const text = await res.text();
    if (text) {
        try {
            data = JSON.parse(text);
        } catch (e) {
            data = null;
        }
    }
    if (!res.ok) {
        const err = (data && data.error) || {};
        throw new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText);
    }
    return data;
}

function online(ok, stale) {
    if (session.onNetwork) {
        session.onNetwork(ok, stale);
    }
}

async function request(method, path, body) {
    try {
        const data = await once(method, path, body);
        online(true, false);
        if (method === 'GET') {
            remember(path, data);
        }
        return data;
    } catch (e) {
        if (e.status === 0) {
            online(false, false);
        }
        if (e.status === 0 && method === 'GET') {
            // One retry after a pause; then the copy seen before, if there is one.
            await new Promise((r) => setTimeout(r, 1500));
            try {
                const data = await once(method, path, body);
                online(true, false);
                remember(path, data);
                return data;
            } catch (e2) {
                if (e2.status === 0 && cache.has(path)) {
                    online(false, true);
                    return cache.get(path);
                }
                throw e2;
            }
        }
        if (e.status === 401 && path !== '/login' && path !== '/me' && session.onUnauthenticated) {
            session.onUnauthenticated();
        }
        throw e;
    }
}

export function get(path, params) {
    return request('GET', path + query(params));
}

export function post(path, body) {
    return request('POST', path, body === undefined ? {} : body);
}

export function seg(id) {
    return encodeURIComponent(String(id));
}

export async function login(username, password) {
    const data = await post('/login', { username, password });
    setSession(data);
    return data;
}

export async function me() {
    const data = await get('/me');
    setSession(data);
    return data;
}

export async function logout() {
    try {
        await post('/logout');
    } finally {
        setSession(null);
    }
}
