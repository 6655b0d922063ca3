// Shared helpers for the browser journeys: launch Chromium, audit with axe,
// and read the mail the server sent to the SMTP sink's Maildir.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';

export const BASE = process.env.BASE_URL;
const MAILDIR = process.env.TEST_MAILDIR;
if (!BASE || !MAILDIR) {
  throw new Error('run the browser tests through scripts/test (it starts the server and the SMTP sink and sets BASE_URL and TEST_MAILDIR)');
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

const BUDGET_BYTES = 60 * 1024;
const consoleErrors = new WeakMap();

/** Console errors of `page` from the first audit on. */
function watchConsole(page) {
  if (!consoleErrors.has(page)) {
    const seen = [];
    consoleErrors.set(page, seen);
    page.on('console', (msg) => {
      // a page answered 422 or 429 on purpose (form errors, limits) is not a fault
      const ownStatus = msg.text().startsWith('Failed to load resource') && msg.location().url === page.url();
      if (msg.type() === 'error' && !ownStatus) seen.push(`${msg.text()} (${msg.location().url})`);
    });
    page.on('pageerror', (err) => seen.push(String(err)));
  }
  return consoleErrors.get(page);
}

/**
 * The page budget: what this page transferred (document, CSS, scripts,
 * images) stays under 60 KB, nothing was requested from another host, and
 * the console stayed free of errors.
 */
async function budget(page, name) {
  const errors = watchConsole(page);
  const seen = await page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0];
    const resources = performance.getEntriesByType('resource');
    const urls = resources.map((r) => r.name).concat(nav ? [nav.name] : []);
    return {
      bytes: (nav ? nav.transferSize : 0) + resources.reduce((sum, r) => sum + (r.transferSize || 0), 0),
      foreign: urls.filter((u) => !u.startsWith(location.origin)),
    };
  });
  assert.ok(seen.bytes < BUDGET_BYTES, `${name} transferred ${seen.bytes} bytes (budget ${BUDGET_BYTES})`);
  assert.deepEqual(seen.foreign, [], `${name} requested other hosts`);
  assert.deepEqual(errors.splice(0), [], `console errors on ${name}`);
}

/** Fails with the list of axe violations on the current page, or when it breaks the page budget. */
export async function audit(page, name) {
  await budget(page, name);
  const results = await new AxeBuilder({ page }).analyze();
  const violations = results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(violations, [], `axe found violations on ${name}`);
}

function decode(body, encoding) {
  if (/base64/i.test(encoding)) return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (/quoted-printable/i.test(encoding)) {
    return Buffer.from(body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, h) => String.fromCharCode(parseInt(h, 16))), 'latin1').toString('utf8');
  }
  return body;
}

/** The text/plain part of a raw RFC 5322 message. */
function textPart(raw) {
  const parts = raw.split(/\r?\n--[^\r\n]+\r?\n/);
  for (const part of parts) {
    const [head, ...rest] = part.split(/\r?\n\r?\n/);
    if (/content-type:\s*text\/plain/i.test(head)) {
      const encoding = (head.match(/content-transfer-encoding:\s*(\S+)/i) || [])[1] || '7bit';
      return decode(rest.join('\n\n'), encoding);
    }
  }
  return raw;
}

function messagesTo(address) {
  const found = [];
  for (const sub of ['new', 'cur']) {
    const dir = path.join(MAILDIR, sub);
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir)) {
      const full = path.join(dir, file);
      const raw = fs.readFileSync(full, 'utf8');
      const to = (raw.match(/^To:\s*(.+)$/im) || [])[1] || '';
      if (to.includes(address)) found.push({ mtime: fs.statSync(full).mtimeMs, text: textPart(raw) });
    }
  }
  return found.sort((a, b) => a.mtime - b.mtime);
}

/** How many messages `address` has received so far. */
export function mailCount(address) {
  return messagesTo(address).length;
}

/** Waits for message number `count` to `address` and returns its text. */
export async function waitForMail(address, count) {
  for (let i = 0; i < 100; i += 1) {
    const all = messagesTo(address);
    if (all.length >= count) return all[count - 1].text;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${address} did not receive message #${count} within 10 s`);
}

export function linkIn(text, pathPart) {
  const link = text.split(/\s+/).find((w) => w.startsWith('http') && w.includes(pathPart));
  assert.ok(link, `no link with ${pathPart} in: ${text}`);
  return link;
}

/** Signs in through the emailed link, ending on the first section. */
export async function signIn(page, email, slug) {
  const before = mailCount(email);
  await page.goto(`${BASE}/portal/${slug}/login`);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  await page.goto(linkIn(await waitForMail(email, before + 1), `/portal/${slug}/login/`));
  await page.getByRole('button', { name: 'Continue to your account' }).click();
  await page.waitForURL(/\/subscriptions$/);
}

/**
 * Moves focus with Tab (at most 80 presses) until `locator` has it, the way a
 * keyboard user gets there; fails when it cannot be reached or shows no
 * visible focus.
 */
export async function tabTo(page, locator, what) {
  for (let i = 0; i < 80; i += 1) {
    await page.keyboard.press('Tab');
    const focused = await locator.evaluate((el) => el === document.activeElement).catch(() => false);
    if (focused) {
      const visible = await locator.evaluate((el) => el.matches(':focus-visible'));
      assert.ok(visible, `${what} has focus but shows no focus indicator`);
      return;
    }
  }
  throw new Error(`${what} cannot be reached with the Tab key on ${page.url()}`);
}

/** Signs in with the keyboard only: type the email, Enter, open the emailed link, Enter. */
export async function signInByKeyboard(page, email, slug) {
  const before = mailCount(email);
  await page.goto(`${BASE}/portal/${slug}/login`);
  await tabTo(page, page.getByLabel('Email address'), 'the email field');
  await page.keyboard.type(email);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  await page.goto(linkIn(await waitForMail(email, before + 1), `/portal/${slug}/login/`));
  await tabTo(page, page.getByRole('button', { name: 'Continue to your account' }), 'the continue button');
  await page.keyboard.press('Enter');
  await page.waitForURL(/\/subscriptions$/);
}

/** Adds a card with the keyboard only, through the gateway's form and its 3-D Secure page. */
export async function addCardByKeyboard(page, number) {
  await tabTo(page, page.getByRole('link', { name: 'Payment methods' }), 'the Payment methods menu entry');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Payment methods', level: 1 }).waitFor();
  await tabTo(page, page.getByRole('button', { name: 'Add a card' }), 'the Add a card button');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Add a card' }).waitFor();
  await tabTo(page, page.getByLabel('Card number'), 'the card number field');
  await page.keyboard.type(number);
  await tabTo(page, page.getByLabel('Expiry (MM/YY)'), 'the expiry field');
  await page.keyboard.type('12/34');
  await tabTo(page, page.getByLabel('Security code'), 'the security code field');
  await page.keyboard.type('123');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: "Confirm it's you" }).waitFor();
  await tabTo(page, page.getByRole('button', { name: 'Complete authentication' }), 'the authentication button');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Payment methods', level: 1 }).waitFor();
}

/** Adds a card through the gateway's form and its 3-D Secure page. */
export async function addCard(page, number, authenticate, check = async () => {}) {
  await page.getByRole('link', { name: 'Payment methods' }).click();
  await page.getByRole('button', { name: 'Add a card' }).click();
  await page.getByRole('heading', { name: 'Add a card' }).waitFor();
  assert.ok(page.url().startsWith(`${BASE}/sandbox/cards/`), 'card details are typed on the gateway page');
  await check('the sandbox card form');
  await page.getByLabel('Card number').fill(number);
  await page.getByLabel('Expiry (MM/YY)').fill('12/34');
  await page.getByLabel('Security code').fill('123');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: "Confirm it's you" }).waitFor();
  await check('the 3-D Secure page');
  await page.getByRole('button', { name: authenticate ? 'Complete authentication' : 'Fail authentication' }).click();
  await page.getByRole('heading', { name: 'Payment methods', level: 1 }).waitFor();
}

/** The demo console password, as `cargo loco start` prints it. */
export function consolePassword() {
  const log = fs.readFileSync(process.env.SERVER_LOG, 'utf8');
  const found = log.match(/owner@acme\.test \/ (\S+)\)/);
  assert.ok(found, 'the server printed the console password');
  return found[1];
}

export async function consoleSignIn(page, email = 'owner@acme.test') {
  await page.goto(`${BASE}/admin`);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(consolePassword());
  await page.getByRole('button', { name: /Sign in/ }).click();
  await page.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
}

async function openCustomerInConsole(page, email) {
  await consoleSignIn(page);
  await page.goto(`${BASE}/admin/acme/customers?q=${encodeURIComponent(email)}`);
  await page.getByRole('row').filter({ hasText: email }).getByRole('link').click();
}

/**
 * Opens a customer's portal read-only from the console ("View portal as
 * customer"): the banner says so.
 */
export async function viewPortalAs(page, email) {
  await openCustomerInConsole(page, email);
  await page.getByRole('button', { name: 'View portal as customer' }).click();
  await page.getByRole('button', { name: 'Continue to your account' }).click();
  await page.waitForURL(/\/subscriptions$/);
  await page.getByRole('note').getByText('It is read-only: nothing can be changed here.').waitFor();
}

/**
 * Signs in as the customer with a one-time link made in the console, for a
 * customer who signed in by email too often this hour (the sign-in limit
 * is real in the browser journeys).
 */
export async function signInFromConsole(page, email) {
  await openCustomerInConsole(page, email);
  await page.getByRole('button', { name: 'Create a one-time sign-in link' }).click();
  const link = await page.getByLabel('Portal link').inputValue();
  await page.goto(link);
  await page.getByRole('button', { name: 'Continue to your account' }).click();
  await page.waitForURL(/\/subscriptions$/);
}
