// Every page a customer or a merchant reaches, as each of them sees it on a
// small phone (320 px), a common phone (390 px) and a laptop (1280 px), in
// light and dark mode: no page scrolls sideways, no header is taller than
// what it holds, and axe finds nothing. The pages are found by following
// the links of the portal (ada, in English; a globex customer, in German)
// and of the console (the acme owner), plus the pages before sign-in and the
// error pages. A screenshot of each view is kept in $SCREENSHOT_DIR.
// (It switches pause and plan changes on, so it runs last.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BASE, launch, audit, consoleSignIn, viewPortalAs } from './support.mjs';

const WIDTHS = [320, 390, 1280];
const SCHEMES = ['light', 'dark'];
const SHOTS = process.env.SCREENSHOT_DIR || path.join(os.tmpdir(), 'portal-screenshots');
/** At most this many pages of one shape (`/customers/{id}`) are checked. */
const PER_SHAPE = 3;
/** What each test found wrong: all of it is reported at once. */
let problems = [];

let browser;
before(async () => {
  browser = await launch();
  fs.mkdirSync(SHOTS, { recursive: true });
});
after(async () => { await browser?.close(); });

function reportProblems() {
  const found = problems;
  problems = [];
  assert.deepEqual(found, [], `${found.length} views are wrong`);
}

/** `/admin/acme/customers/3f2a…` → `/admin/acme/customers/{id}`. */
function shape(url) {
  return new URL(url).pathname
    .split('/')
    .map((part) => (/^\d+$|^[0-9a-f-]{20,}$/i.test(part) ? '{id}' : part))
    .join('/');
}

/**
 * What a person sees on `page` now, in every width and scheme: fails on a
 * page wider than the screen, a header taller than its content, or an axe
 * violation; keeps a screenshot of each.
 */
async function checkViews(page, name) {
  for (const scheme of SCHEMES) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const width of WIDTHS) {
      await page.setViewportSize({ width, height: 800 });
      const view = `${name} at ${width} px, ${scheme}`;
      const measured = await page.evaluate(() => {
        const root = document.documentElement;
        const headers = [...document.querySelectorAll('body > div > header, body > header')].map((h) => {
          const style = getComputedStyle(h);
          const inner = [...h.children].map((c) => c.getBoundingClientRect()).filter((r) => r.height > 0);
          const content = inner.length ? Math.max(...inner.map((r) => r.bottom)) - Math.min(...inner.map((r) => r.top)) : 0;
          const chrome = ['paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth']
            .reduce((sum, p) => sum + parseFloat(style[p]), 0);
          return { height: h.getBoundingClientRect().height, needed: content + chrome };
        });
        // the outermost elements sticking out, outside any scroll container
        const clipped = (el) => {
          for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
            if (getComputedStyle(p).overflowX !== 'visible') return true;
          }
          return false;
        };
        const wide = [...document.querySelectorAll('body *')]
          .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1 && !clipped(el))
          .filter((el, _, all) => !all.includes(el.parentElement))
          .slice(0, 3)
          .map((el) => `${el.tagName.toLowerCase()}${el.className ? `.${String(el.className).split(' ')[0]}` : ''}`);
        return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, headers, wide };
      });
      if (measured.scrollWidth > measured.clientWidth) {
        problems.push(`${view} scrolls sideways: ${measured.scrollWidth} px of content in ${measured.clientWidth} px (widest: ${measured.wide.join(', ')})`);
      }
      for (const header of measured.headers) {
        if (header.height > header.needed + 2) {
          problems.push(`${view}: the header is ${Math.round(header.height)} px tall for ${Math.round(header.needed)} px of content`);
        }
      }
      await page.screenshot({ path: path.join(SHOTS, `${name.replace(/[^a-z0-9]+/gi, '-')}-${width}-${scheme}.png`), fullPage: true });
      await audit(page, view).catch((err) => problems.push(err.message.split('\n')[0] + ' ' + JSON.stringify(err.actual ?? '')));
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1280, height: 800 });
}

/**
 * Visits `start` and every page linked from it under `prefix` (following
 * links from those too), checking each view; returns the shapes seen.
 */
async function crawl(page, start, prefix, label, skip) {
  const queue = [start];
  const visited = new Set();
  const perShape = new Map();
  while (queue.length) {
    const url = queue.shift();
    if (visited.has(url)) continue;
    visited.add(url);
    const key = shape(url);
    if ((perShape.get(key) || 0) >= PER_SHAPE) continue;
    perShape.set(key, (perShape.get(key) || 0) + 1);
    const response = await page.goto(url);
    assert.equal(response.status(), 200, `${url} answers 200`);
    await checkViews(page, `${label} ${new URL(url).pathname}`);
    const links = await page.evaluate(() => [...document.querySelectorAll('a[href]')]
      .filter((a) => !a.hasAttribute('download'))
      .map((a) => a.href));
    for (const link of links) {
      const u = new URL(link);
      if (u.origin !== new URL(BASE).origin || !u.pathname.startsWith(prefix) || u.search || skip.test(u.pathname)) continue;
      u.hash = '';
      if (!visited.has(u.href)) queue.push(u.href);
    }
  }
  return [...perShape.keys()];
}

test('the pages before sign-in and the error pages', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  for (const [url, status] of [
    ['/portal/acme/login', 200], ['/portal/globex/login', 200], ['/admin', 200], ['/admin/forgot', 200],
    ['/portal/acme/no-such-page', 404], ['/portal/acme/subscriptions/abc', 400], ['/admin/acme/no-such-page', 404],
  ]) {
    const response = await page.goto(`${BASE}${url}`);
    assert.equal(response.status(), status, url);
    await checkViews(page, `public ${url}`);
  }
  await context.close();
  reportProblems();
});

test('every page of the portal, in English and in German', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  // every decision page is reachable: pause and plan changes on
  await consoleSignIn(page);
  await page.goto(`${BASE}/admin/acme/settings`);
  for (const label of ['Pause a subscription (from the end of the paid period)', 'Switch to another plan marked as switchable']) {
    await page.getByLabel(label).check();
  }
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Saved. Customers see the change on their next page load.').waitFor();
  await viewPortalAs(page, 'ada@example.com');
  const shapes = await crawl(page, `${BASE}/portal/acme/subscriptions`, '/portal/acme/', 'ada', /\/(logout|theme\.css|logo)$/);
  for (const expected of ['/subscriptions', '/subscriptions/{id}', '/subscriptions/{id}/cancel', '/subscriptions/{id}/pause',
    '/subscriptions/{id}/change', '/payment-methods', '/payment-methods/{id}/remove', '/billing', '/profile']) {
    assert.ok(shapes.includes(`/portal/acme${expected}`), `the crawl reached ${expected} (saw ${shapes.join(', ')})`);
  }
  await context.close();

  const german = await browser.newContext({ locale: 'de-DE' });
  const gpage = await german.newPage();
  await consoleSignIn(gpage, 'owner@globex.test');
  await gpage.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Customers', exact: true }).click();
  await gpage.getByRole('table').getByRole('link').first().click();
  await gpage.getByRole('button', { name: 'View portal as customer' }).click();
  await gpage.getByRole('button', { name: 'Weiter zu meinem Konto' }).click();
  await gpage.waitForURL(/\/portal\/globex\//);
  await crawl(gpage, gpage.url(), '/portal/globex/', 'globex', /\/(logout|theme\.css|logo)$/);
  await german.close();
  reportProblems();
});

test('every page of the console', async () => {
  const context = await browser.newContext({ locale: 'en-US' });
  const page = await context.newPage();
  await consoleSignIn(page);
  const shapes = await crawl(page, `${BASE}/admin/acme`, '/admin/acme', 'console', /\/portal-link$/);
  for (const expected of ['', '/settings', '/catalog', '/catalog/products/{id}', '/catalog/prices/{id}', '/plans', '/branding', '/customers', '/customers/{id}', '/subscriptions', '/charges',
    '/team', '/api-keys', '/webhooks']) {
    assert.ok(shapes.includes(`/admin/acme${expected}`), `the crawl reached ${expected} (saw ${shapes.join(', ')})`);
  }
  await context.close();
  reportProblems();
});
