// SPDX-License-Identifier: Apache-2.0
// Haven's browser test in real headless Chromium (Debian's /usr/bin/chromium) driven by
// playwright-core: sign in, find a case by a misspelled name, open it, move it one pipeline step,
// decide a screening hit, check a family into a site and see the change on the dashboard; then
// the map, the crossings board, placement/forecast pages, the right-to-left switch, keyboard-only
// sign-in and sign-out. Screenshots go to $HV_ARTIFACTS. No request may leave the Haven server.
//
// Environment (set by ui.sh): HV_URL, HV_ARTIFACTS, HV_PLAYWRIGHT (path of playwright-core),
// HV_CHROMIUM, HV_USER_CASES / HV_USER_VETTING / HV_USER_SITES / HV_USER_PLANNER ("name:password"),
// HV_CASE_QUERY (a misspelled name), HV_CASE_ID (the case it must find), HV_SITE_ID,
// HV_HIT_CASE (the case whose hit is decided), HV_ADVANCE_EVIDENCE (evidence the step needs).
'use strict';
const path = require('path');
const fs = require('fs');

const env = (k, d) => process.env[k] || d;
const BASE = env('HV_URL', 'http://127.0.0.1:8080');
const OUT = env('HV_ARTIFACTS', path.join(process.cwd(), 'artifacts'));
const { chromium } = require(env('HV_PLAYWRIGHT', 'playwright-core'));

let passed = 0;
let failed = 0;
const started = Date.now();
function check(cond, what) {
    const at = `[${((Date.now() - started) / 1000).toFixed(1).padStart(4)} s]`;
    if (cond) {
        passed += 1;
        console.log(`ok   ${at} ${what}`);
    } else {
        failed += 1;
        console.log(`FAIL ${at} ${what}`);
    }
}

function creds(k) {
    const v = env(k, 'admin:admin');
    const i = v.indexOf(':');
    return { user: v.slice(0, i), pass: v.slice(i + 1) };
}

async function shot(page, name) {
    await page.screenshot({ path: path.join(OUT, `${name}.png`), fullPage: true });
}

async function signIn(page, who) {
    await page.goto(`${BASE}/`);
    await page.waitForSelector('form#login');
    await page.fill('input[name=username]', who.user);
    await page.fill('input[name=password]', who.pass);
    await page.click('#login-submit');
    await page.waitForSelector('#whoami');
}

async function signOut(page) {
    await page.click('#signout');
    await page.waitForSelector('form#login');
}

// The number of free beds the dashboard shows for one site.
async function freeBeds(page, site) {
    await page.goto(`${BASE}/#/sites`);
    const cell = page.locator(`tr[data-site="${site}"] .free`);
    await cell.waitFor();
    return Number((await cell.textContent()).replace(/[^0-9]/g, ''));
}

let page = null;
const consoleErrors = [];

async function main() {
    fs.mkdirSync(OUT, { recursive: true });
    const t0 = Date.now();
    const browser = await chromium.launch({
        executablePath: env('HV_CHROMIUM', '/usr/bin/chromium'),
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    page = await context.newPage();
    page.setDefaultTimeout(15000);

    // Nothing may be fetched from anywhere but Haven (no CDN, no tile server).
    const origin = new URL(BASE).origin;
    const foreign = [];
    await context.route('**/*', (route) => {
        const u = route.request().url();
        if (u.startsWith(origin) || u.startsWith('data:')) {
            return route.continue();
        }
        foreign.push(u);
        return route.abort();
    });
    page.on('console', (m) => {
        // Refused requests (401 before sign-in, 4xx the test provokes) are logged by Chromium.
        if (m.type() === 'error' && !/status of 4\d\d|ERR_INTERNET_DISCONNECTED/.test(m.text())) {
            consoleErrors.push(m.text());
        }
    });
    page.on('pageerror', (e) => consoleErrors.push(String(e)));

    // 1. Sign in (wrong password first: refused with a message).
    const cases = creds('HV_USER_CASES');
    await page.goto(`${BASE}/`);
    await page.waitForSelector('form#login');
    await shot(page, '01-sign-in');
    await page.fill('input[name=username]', cases.user);
    await page.fill('input[name=password]', `${cases.pass}-wrong`);
    await page.click('#login-submit');
    await page.waitForSelector('form#login .error:not([hidden])');
    check(true, 'a wrong password is refused with a message');
    await signIn(page, cases);
    check((await page.textContent('#whoami')).includes(cases.user), `signed in as ${cases.user}`);

    // 2. Find a case by a misspelled name.
    const query = env('HV_CASE_QUERY', 'Mohamad Naseer Ahmadzay');
    const caseId = env('HV_CASE_ID', 'T-0001');
    await page.goto(`${BASE}/#/cases`);
    await page.waitForSelector('#case-q');
    await page.fill('#case-q', query);
    await page.click('#case-search');
    await page.waitForSelector('#case-results');
    const ids = await page.locator('#case-results a.case-link').allTextContents();
    check(ids.includes(caseId), `"${query}" finds ${caseId} (found: ${ids.slice(0, 5).join(', ')})`);
    await shot(page, '02-case-search');

    // 3. Open it.
    await page.click(`#case-results a.case-link:text-is("${caseId}")`);
    await page.waitForSelector('#case-step');
    check((await page.textContent('h1')).includes(caseId), 'the case page opens');
    const people = await page.locator('#people tbody tr').count();
    check(people >= 1, `the case page lists its people (${people})`);
    await shot(page, '03-case');

    // 4. Move it one pipeline step.
    const before = (await page.textContent('#case-step')).trim();
    const eventsBefore = await page.locator('#timeline li').count();
    await page.fill('#advance-note', 'browser test: application package complete');
    const evidence = env('HV_ADVANCE_EVIDENCE', '');
    if (evidence) {
        // This step needs evidence: without it the move is refused and the refusal is shown.
        await page.click('#advance');
        await page.waitForSelector('#toast.error');
        const refusal = await page.textContent('#toast');
        check(/evidence/i.test(refusal), `moving without evidence is refused: "${refusal.trim()}"`);
        check((await page.textContent('#case-step')).trim() === before, 'and the step is unchanged');
        await page.fill('#advance-evidence', evidence);
    }
    await page.click('#advance');
    await page.waitForFunction((b) => {
        const el = document.querySelector('#case-step');
        return el && el.textContent.trim() !== b;
    }, before);
    const after = (await page.textContent('#case-step')).trim();
    check(after !== before, `the case moved one step: ${before} -> ${after}`);
    const eventsAfter = await page.locator('#timeline li').count();
    check(eventsAfter === eventsBefore + 1, `the timeline gained the step (${eventsBefore} -> ${eventsAfter})`);
    await shot(page, '04-case-advanced');
    await signOut(page);

    // 5. Decide a screening hit.
    const vetting = creds('HV_USER_VETTING');
    await signIn(page, vetting);
    await page.goto(`${BASE}/#/review/hits`);
    await page.waitForSelector('#hit-list');
    const hitCase = env('HV_HIT_CASE', 'T-0003');
    const row = page.locator('#hit-list tbody tr', { hasText: hitCase }).first();
    const hitId = (await row.locator('a.hit-link').textContent()).trim();
    check(hitId.length > 0, `an open hit for ${hitCase} is in the queue (hit ${hitId})`);
    await shot(page, '05-hits-queue');
    await row.locator('a.hit-link').click();
    await page.waitForSelector('#hit-decision');
    check(await page.locator('.sides article').count() === 2, 'the hit is shown side by side');
    await shot(page, '06-hit');
    await page.click('#decide-false_positive');
    check(await page.locator('#hit-decision .error:not([hidden])').count() === 1,
          'a decision without a reason is refused in the page');
    await page.fill('#decision-reason', 'different father and birth year');
    await page.click('#decide-false_positive');
    await page.waitForFunction(() => location.hash === '#/review/hits');
    await page.waitForSelector('#hit-list, #hits-empty');
    const remaining = await page.locator(`#hit-list a.hit-link:text-is("${hitId}")`).count();
    check(remaining === 0, `hit ${hitId} left the open queue after the decision`);
    await shot(page, '07-hit-decided');
    await signOut(page);

    // 6. Check a family into a site and see it on the dashboard.
    const sitesUser = creds('HV_USER_SITES');
    await signIn(page, sitesUser);
    const site = env('HV_SITE_ID', 'LOC-SITE-UZ-AIRITOM');
    const checkinCase = env('HV_CHECKIN_CASE', caseId);
    const freeBefore = await freeBeds(page, site);
    await shot(page, '08-dashboard-before');
    await page.click(`tr[data-site="${site}"] a.site-link`);
    await page.waitForSelector('#checkin-form');
    await page.fill('#checkin-case', checkinCase);
    await page.click('#checkin');
    await page.waitForSelector(`#stays tr[data-case="${checkinCase}"]`);
    check(true, `${checkinCase} is listed among the site's stays`);
    await shot(page, '09-site-checked-in');
    const freeAfter = await freeBeds(page, site);
    check(freeAfter < freeBefore, `the dashboard shows fewer free beds at ${site}: ${freeBefore} -> ${freeAfter}`);
    await shot(page, '10-dashboard-after');
    // A case at another site is refused to this site manager, with a clear message.
    await page.goto(`${BASE}/#/cases/${env('HV_OTHER_CASE', 'T-0003')}`);
    await page.waitForSelector('main [role=alert]');
    const refused = await page.textContent('main [role=alert]');
    check(/not allowed|not found/i.test(refused), `another site's case is refused: "${refused.trim()}"`);
    await shot(page, '10b-other-site-refused');

    await signOut(page);

    // 7. Map of sites and crossings, with shipped outlines and no tile server (as a planner).
    await signIn(page, creds('HV_USER_PLANNER'));
    await page.goto(`${BASE}/#/map`);
    await page.waitForSelector('.leaflet-container');
    await page.waitForSelector('path.site-marker');
    const outlines = await page.locator('.leaflet-overlay-pane path').count();
    const siteMarkers = await page.locator('path.site-marker').count();
    const crossingMarkers = await page.locator('path.crossing-marker').count();
    check(siteMarkers >= 1 && outlines > siteMarkers,
          `the map draws country outlines and sites (${outlines} paths, ${siteMarkers} sites, ${crossingMarkers} crossings)`);
    await shot(page, '11-map');

    // 8. Crossings board and one crossing's history.
    await page.goto(`${BASE}/#/crossings`);
    const tiles = page.locator('#crossing-board li');
    await tiles.first().waitFor();
    check(await tiles.count() >= 1, `the crossings board lists ${await tiles.count()} crossings`);
    await shot(page, '12-crossings');
    await tiles.first().locator('a').click();
    await page.waitForSelector('#history tbody tr');
    const historyBefore = await page.locator('#history tbody tr').count();
    check(historyBefore >= 1, `a crossing shows its status history (${historyBefore} changes)`);
    // A planner records a change with its source; the history grows.
    await page.selectOption('#crossing-status select', 'restricted');
    await page.fill('#crossing-status input[name=note]', 'browser test: trucks only');
    await page.fill('#crossing-status input[name=source]', 'browser test');
    await page.click('#crossing-status button[type=submit]');
    await page.waitForFunction((n) => document.querySelectorAll('#history tbody tr').length > n,
        historyBefore);
    check(true, 'a recorded status change appears in the history');
    await shot(page, '13-crossing-history');

    // 9. Placement and forecasts: propose a placement and accept it, run a small forecast and
    // see its fan charts; or, on a server without those modules, a clear "not available".
    await page.goto(`${BASE}/#/placement`);
    await page.waitForSelector('main h1');
    if (await page.locator('#unavailable').count()) {
        check(true, 'placement: the page says the module is not available');
    } else {
        await page.fill('#placement-date', env('HV_PLACEMENT_DAY', '2021-08-26'));
        await page.click('#placement-create');
        await page.waitForSelector('#plan-assignments, #toast.error', { timeout: 60000 });
        const placed = await page.locator('#plan-rows tbody tr').count();
        check(placed >= 1, `placement: a proposal assigns families to sites (${placed} shown)`);
        await shot(page, '14-placement-proposal');
        await page.click('#plan-accept');
        await page.waitForFunction(() => !document.querySelector('#plan-decision') &&
            /accepted/.test(document.querySelector('main').textContent), null, { timeout: 30000 });
        check(true, 'placement: the proposal is accepted');
    }
    await shot(page, '14-placement');
    await page.goto(`${BASE}/#/forecasts`);
    await page.waitForSelector('main h1');
    if (await page.locator('#unavailable').count()) {
        check(true, 'forecasts: the page says the module is not available');
    } else {
        await page.fill('input[name=reps]', '10');
        await page.fill('input[name=weeks]', '12');
        await page.click('#forecast-run button[type=submit]');
        await page.waitForSelector('#forecast-beds svg.fan, #toast.error', { timeout: 60000 });
        const charts = await page.locator('svg.fan').count();
        check(charts >= 1, `forecasts: a run shows ${charts} fan charts (P10-P90, P50, capacity)`);
    }
    await shot(page, '15-forecasts');

    // 9b. A dropped connection: a page seen before in this session opens from memory under a
    // banner; one never loaded says the server could not be reached, and Retry loads it once
    // the connection is back.
    await context.setOffline(true);
    await page.click('nav#nav a[href="#/sites"]');
    await page.waitForSelector('tr[data-site]', { timeout: 20000 });
    await page.waitForSelector('#net:not([hidden])');
    check(/copy loaded earlier/.test(await page.textContent('#net')),
          'offline: the sites page seen before opens from memory, under a banner saying so');
    await shot(page, '15b-offline-copy');
    await page.locator('a.site-link').first().click();
    await page.waitForSelector('main [role=alert] button', { timeout: 20000 });
    check((await page.textContent('main [role=alert]')).includes('could not be reached'),
          'offline: a page never loaded says the server could not be reached, with Retry');
    await shot(page, '15c-offline');
    await context.setOffline(false);
    await page.click('main [role=alert] button');
    await page.waitForSelector('#stays');
    check(await page.locator('#net').isHidden(), 'back online: Retry loads the page and the banner goes');

    // 10. Right-to-left: the switch mirrors the layout (navigation moves to the right).
    await page.goto(`${BASE}/#/sites`);
    await page.waitForSelector('tr[data-site]');
    await page.selectOption('#dir', 'rtl');
    check(await page.evaluate(() => document.documentElement.dir) === 'rtl', 'the direction switch sets dir=rtl');
    const nav = await page.locator('nav#nav').boundingBox();
    const main = await page.locator('main').boundingBox();
    check(nav.x > main.x, 'in right-to-left the navigation sits on the right');
    await shot(page, '16-rtl');
    await page.reload();
    await page.waitForSelector('tr[data-site]');
    check(await page.evaluate(() => document.documentElement.dir) === 'rtl', 'the direction choice survives a reload');
    await page.selectOption('#dir', 'auto');
    check(await page.evaluate(() => document.documentElement.dir) === 'ltr', 'back to the language direction (English: ltr)');

    // 11. Another language from its dictionary (Russian), then back to English.
    await page.selectOption('#lang', 'ru');
    await page.waitForFunction(() => document.querySelector('main h1') &&
        document.querySelector('main h1').textContent === 'Пункты размещения');
    check(await page.evaluate(() => document.documentElement.lang) === 'ru', 'the language switch loads Russian (lang=ru)');
    await shot(page, '17-russian');
    await page.selectOption('#lang', 'en');
    await page.waitForFunction(() => document.querySelector('main h1') &&
        document.querySelector('main h1').textContent === 'Sites');
    check(true, 'and back to English');

    // 12. Sign out, then sign in with the keyboard only.
    await signOut(page);
    check(await page.locator('#whoami').count() === 0, 'signed out');
    await page.focus('input[name=username]');
    await page.keyboard.type(cases.user);
    await page.keyboard.press('Tab');
    await page.keyboard.type(cases.pass);
    await page.keyboard.press('Enter');
    await page.waitForSelector('#whoami');
    check(true, 'sign-in works with the keyboard alone');
    const unlabelled = await page.evaluate(() => [...document.querySelectorAll('input, select, textarea')]
        .filter((e) => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).length);
    check(unlabelled === 0, `every form control has a label (${unlabelled} without)`);

    check(foreign.length === 0, `no request left Haven (${foreign.slice(0, 3).join(', ')})`);
    check(consoleErrors.length === 0, `no script errors (${consoleErrors.slice(0, 3).join(' | ')})`);
    await browser.close();
    console.log(`browser flow took ${((Date.now() - t0) / 1000).toFixed(1)} s; screenshots in ${OUT}`);
}

main().then(() => {
    console.log(`${passed} passed, ${failed} failed`);
    process.exit(failed ? 1 : 0);
}, async (e) => {
    console.log(`FAIL ${e && e.stack ? e.stack : e}`);
    if (page) {
        // What the page showed when the flow stopped, and any message it gave.
        const toastText = await page.textContent('#toast', { timeout: 1000 }).catch(() => '');
        const alertText = await page.textContent('[role=alert]:not([hidden])', { timeout: 1000 }).catch(() => '');
        console.log(`     page: ${page.url()} toast: ${toastText || '-'} alert: ${alertText || '-'}`);
        console.log(`     script errors: ${consoleErrors.join(' | ') || '-'}`);
        await page.screenshot({ path: path.join(OUT, '99-failure.png'), fullPage: true }).catch(() => null);
    }
    console.log(`${passed} passed, ${failed + 1} failed`);
    process.exit(1);
});
