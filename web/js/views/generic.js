// SPDX-License-Identifier: Apache-2.0
// Rendering of answers whose exact fields belong to modules still growing (placement,
// forecast): scalar fields as a definition list, arrays of objects as tables.
import { h, table, show } from '../dom.js';

export function scalarPairs(obj) {
    return Object.entries(obj || {})
        .filter(([, v]) => v === null || typeof v !== 'object')
        .map(([k, v]) => [k.replace(/_/g, ' '), show(v)]);
}

export function genericTable(rows) {
    const keys = [];
    for (const r of rows) {
        for (const k of Object.keys(r)) {
            if (!keys.includes(k)) {
                keys.push(k);
            }
        }
    }
    return h('div', { class: 'scroll' },
        table(null, keys.map((k) => ({ key: k, label: k.replace(/_/g, ' ') })), rows.slice(0, 500)));
}
