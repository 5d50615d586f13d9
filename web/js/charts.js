// SPDX-License-Identifier: Apache-2.0
// Small SVG charts drawn here (no chart library): a fan chart of P10/P50/P90 per week with an
// optional capacity line. Text in the SVG is set with textContent.
const NS = 'http://www.w3.org/2000/svg';

function s(tag, attrs, text) {
    const el = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs || {})) {
        el.setAttribute(k, String(v));
    }
    if (text !== undefined) {
        el.textContent = text;
    }
    return el;
}

function xOf(p, i) {
    for (const k of ['week', 'w', 'x', 't']) {
        if (typeof p[k] === 'number') {
            return p[k];
        }
    }
    return i;
}

export function fanChart(points, title) {
    const W = 560;
    const H = 220;
    const m = { l: 48, r: 12, t: 12, b: 28 };
    const xs = points.map(xOf);
    const cap = points.map((p) => (typeof p.capacity === 'number' ? p.capacity : null));
    const ys = points.flatMap((p) => [p.p10, p.p50, p.p90].filter((v) => typeof v === 'number'))
        .concat(cap.filter((v) => v !== null));
    const x0 = Math.min(...xs);
    const x1 = Math.max(...xs, x0 + 1);
    const y1 = Math.max(1, ...ys) * 1.05;
    const X = (v) => m.l + ((v - x0) / (x1 - x0)) * (W - m.l - m.r);
    const Y = (v) => H - m.b - (v / y1) * (H - m.t - m.b);
    const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', class: 'fan' });
    svg.appendChild(s('title', null, title));
    const p10 = (p) => (typeof p.p10 === 'number' ? p.p10 : p.p50);
    const p90 = (p) => (typeof p.p90 === 'number' ? p.p90 : p.p50);
    const upper = points.map((p, i) => `${X(xs[i]).toFixed(1)},${Y(p90(p)).toFixed(1)}`);
    const lower = points.map((p, i) => `${X(xs[i]).toFixed(1)},${Y(p10(p)).toFixed(1)}`).reverse();
    svg.appendChild(s('polygon', { points: upper.concat(lower).join(' '), class: 'band' }));
    svg.appendChild(s('polyline', {
        points: points.map((p, i) => `${X(xs[i]).toFixed(1)},${Y(p.p50).toFixed(1)}`).join(' '),
        class: 'median' }));
    if (cap.some((v) => v !== null)) {
        svg.appendChild(s('polyline', {
            points: points.map((p, i) => (cap[i] === null ? null
                                          : `${X(xs[i]).toFixed(1)},${Y(cap[i]).toFixed(1)}`))
                .filter(Boolean).join(' '),
            class: 'capacity' }));
    }
    // Axes with a few ticks.
    svg.appendChild(s('line', { x1: m.l, y1: H - m.b, x2: W - m.r, y2: H - m.b, class: 'axis' }));
    svg.appendChild(s('line', { x1: m.l, y1: m.t, x2: m.l, y2: H - m.b, class: 'axis' }));
    // Whole numbers, unless the axis is so short that rounding would repeat labels (0, 0, 1, 1).
    const top = y1 / 1.05;
    const label = (v) => (top >= 4 ? Math.round(v).toLocaleString()
                                   : v.toLocaleString(undefined, { maximumFractionDigits: 2 }));
    for (let i = 0; i <= 4; i++) {
        const v = top * (i / 4);
        svg.appendChild(s('text', { x: m.l - 6, y: Y(v) + 4, class: 'tick', 'text-anchor': 'end' },
            label(v)));
    }
    const step = Math.max(1, Math.ceil((x1 - x0) / 8));
    for (let v = x0; v <= x1; v += step) {
        svg.appendChild(s('text', { x: X(v), y: H - m.b + 16, class: 'tick', 'text-anchor': 'middle' },
            String(v)));
    }
    return svg;
}
