// SPDX-License-Identifier: Apache-2.0
// Tiny DOM helpers. Text always goes in through textContent (never innerHTML), so data from the
// server can never become markup.

export function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    if (attrs) {
        for (const [k, v] of Object.entries(attrs)) {
            if (v === undefined || v === null || v === false) {
                continue;
            }
            if (k.startsWith('on') && typeof v === 'function') {
                el.addEventListener(k.slice(2), v);
            } else if (k === 'class') {
                el.className = v;
            } else if (k === 'text') {
                el.textContent = v;
            } else if (k === 'style' && typeof v === 'object') {
                Object.assign(el.style, v);
            } else if (v === true) {
                el.setAttribute(k, '');
            } else {
                el.setAttribute(k, String(v));
            }
        }
    }
    append(el, children);
    return el;
}

function append(el, children) {
    for (const c of children) {
        if (c === undefined || c === null || c === false) {
            continue;
        }
        if (Array.isArray(c)) {
            append(el, c);
        } else if (c instanceof Node) {
            el.appendChild(c);
        } else {
            el.appendChild(document.createTextNode(String(c)));
        }
    }
}

export function clear(el) {
    while (el.firstChild) {
        el.removeChild(el.firstChild);
    }
    return el;
}

// Values from the API may be strings, numbers, arrays or small objects; show them as text.
export function show(v) {
    if (v === undefined || v === null || v === '') {
        return '—';
    }
    if (Array.isArray(v)) {
        return v.length ? v.map(show).join(', ') : '—';
    }
    if (typeof v === 'object') {
        return Object.entries(v)
            .map(([k, x]) => `${k}: ${show(x)}`)
            .join('; ');
    }
    if (typeof v === 'number' && !Number.isInteger(v)) {
        return v.toFixed(3).replace(/0+$/, '').replace(/\.$/, '');
    }
    if (typeof v === 'string') {
        // UTC timestamps from the API: the day alone at midnight, else day and minute.
        const m = v.match(/^(\d{4}-\d\d-\d\d)T(\d\d:\d\d):\d\dZ$/);
        if (m) {
            return m[2] === '00:00' ? m[1] : `${m[1]} ${m[2]} UTC`;
        }
    }
    return String(v);
}

// A table from rows and column descriptors {key, label, render?}.
export function table(caption, columns, rows, opts = {}) {
    const thead = h('thead', null,
        h('tr', null, columns.map((c) => h('th', { scope: 'col' }, c.label))));
    const tbody = h('tbody', null, rows.map((r) => h('tr', opts.rowAttrs ? opts.rowAttrs(r) : null,
        columns.map((c, i) => {
            const content = c.render ? c.render(r) : show(r[c.key]);
            return i === 0 && opts.rowHeader ? h('th', { scope: 'row' }, content)
                                              : h('td', c.cls ? { class: c.cls } : null, content);
        }))));
    return h('table', { class: opts.cls || 'grid' },
        caption ? h('caption', null, caption) : null, thead, tbody);
}

// A definition list from [label, value] pairs.
export function dl(pairs) {
    return h('dl', { class: 'kv' },
        pairs.map(([k, v]) => [h('dt', null, k), h('dd', null, v instanceof Node ? v : show(v))]));
}

export function link(href, text, attrs = {}) {
    return h('a', { href, ...attrs }, text);
}

// A labelled form field; returns {wrap, input}.
let uid = 0;
export function field(label, input, hint) {
    uid += 1;
    const id = input.id || `f${uid}`;
    input.id = id;
    let hintEl = null;
    if (hint) {
        hintEl = h('small', { id: `${id}-hint`, class: 'hint' }, hint);
        input.setAttribute('aria-describedby', hintEl.id);
    }
    const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), input, hintEl);
    return { wrap, input };
}

export function select(options, value) {
    return h('select', null,
        options.map(([v, text]) => h('option', { value: v, selected: v === value }, text)));
}
