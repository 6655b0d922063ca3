// A customer signs in through the emailed link and edits her profile;
// every page on the way passes an axe audit.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, audit, waitForMail, mailCount, linkIn } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('ada signs in through the emailed link and edits her profile', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(BASE)) external.push(r.url()); });

  await page.goto(`${BASE}/portal/acme/login`);
  assert.equal(await page.title(), 'Sign in · Acme Cloud');
  await audit(page, 'the login page');

  const before = mailCount('ada@example.com');
  await page.getByLabel('Email address').fill('ada@example.com');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  await audit(page, 'the check-your-email page');

  const link = linkIn(await waitForMail('ada@example.com', before + 1), '/portal/acme/login/');
  await page.goto(link);
  await page.getByRole('heading', { name: 'Continue to your account' }).waitFor();
  await audit(page, 'the continue page');
  await page.getByRole('button', { name: 'Continue to your account' }).click();

  await page.waitForURL(`${BASE}/portal/acme/subscriptions`);
  await page.getByRole('heading', { name: 'Subscriptions', level: 1 }).waitFor();
  await audit(page, 'the subscriptions page');
  const menu = await page.getByRole('navigation', { name: 'Account' }).getByRole('link').allTextContents();
  assert.deepEqual(menu, ['Subscriptions', 'Payment methods', 'Billing history', 'Profile']);

  await page.getByRole('link', { name: 'Profile' }).click();
  await page.getByRole('heading', { name: 'Profile', level: 1 }).waitFor();
  await audit(page, 'the profile page');

  // a mistake is explained on the field and nothing typed is lost
  await page.getByLabel('Name', { exact: true }).fill('Ada King, Countess of Lovelace');
  await page.getByLabel('Email address', { exact: true }).fill('ada.example.com');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Enter a valid email address, like name@example.com.').waitFor();
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Ada King, Countess of Lovelace');
  await audit(page, 'the profile page with an error');

  await page.getByLabel('Email address', { exact: true }).fill('ada@example.com');
  // the country is picked from a list by name, stored as its code
  await page.getByLabel('Country').selectOption({ label: 'United Kingdom' });
  await page.getByLabel('City').fill('Cambridge');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.getByText('Your changes are saved.').waitFor();
  await page.reload();
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), 'Ada King, Countess of Lovelace');
  assert.equal(await page.getByLabel('City').inputValue(), 'Cambridge');
  assert.equal(await page.getByLabel('Country').inputValue(), 'GB');
  assert.deepEqual(external, [], 'no request leaves the server');
  await context.close();
});

test('pages render in German for a German browser', async () => {
  const context = await browser.newContext({ locale: 'de-DE' });
  const page = await context.newPage();
  await page.goto(`${BASE}/portal/globex/login`);
  await page.getByRole('heading', { name: 'Melden Sie sich bei Ihrem Abrechnungskonto an' }).waitFor();
  await audit(page, 'the German login page');
  await context.close();
});
