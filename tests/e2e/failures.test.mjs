// The failure paths of signing in, as a customer meets them: a mistyped
// email, a wrong code, a link used twice, a page that does not exist. Each
// says what went wrong and how to go on, keeps what was typed, and passes
// the accessibility audit and the page budget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, audit, linkIn, mailCount, waitForMail } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('sign-in failures say what went wrong and lead back in', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = 'bob@example.com';

  // a mistyped address: the field says why, and keeps what was typed
  await page.goto(`${BASE}/portal/acme/login`);
  await page.getByLabel('Email address').fill('bob.example.com');
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByText('Enter a valid email address, like name@example.com.').waitFor();
  assert.equal(await page.getByLabel('Email address').inputValue(), 'bob.example.com');
  assert.equal(await page.getByLabel('Email address').getAttribute('aria-invalid'), 'true');
  await audit(page, 'the sign-in page with an invalid email');

  // the right address; then a wrong code
  const before = mailCount(email);
  await page.getByLabel('Email address').fill(email);
  await page.getByRole('button', { name: 'Email me a sign-in link' }).click();
  await page.getByRole('heading', { name: 'Check your email' }).waitFor();
  const mail = await waitForMail(email, before + 1);
  const code = mail.match(/\b\d{6}\b/)[0];
  await page.getByLabel('Sign-in code').fill(code === '000000' ? '111111' : '000000');
  await page.getByRole('button', { name: 'Sign in with code' }).click();
  await page.getByText('That code is not valid or has expired.').waitFor();
  await audit(page, 'the code form with a wrong code');

  // the link works once...
  const link = linkIn(mail, '/portal/acme/login/');
  await page.goto(link);
  await page.getByRole('button', { name: 'Continue to your account' }).click();
  await page.waitForURL(/\/subscriptions$/);

  // ...and a second time it says so, offering a new one for the same address
  const other = await context.browser().newContext();
  const late = await other.newPage();
  const response = await late.goto(link);
  assert.equal(response.status(), 410);
  await late.getByRole('heading', { name: 'This link has expired or was already used' }).waitFor();
  assert.equal(await late.getByLabel('Email address').inputValue(), email);
  await audit(late, 'the expired link page');
  await late.getByRole('button', { name: 'Email me a new link' }).click();
  await late.getByRole('heading', { name: 'Check your email' }).waitFor();
  await waitForMail(email, before + 2);
  await other.close();

  // a page that does not exist
  const missing = await page.goto(`${BASE}/portal/acme/no-such-page`);
  assert.equal(missing.status(), 404);
  await page.getByRole('heading', { name: 'Page not found' }).waitFor();
  await page.getByRole('link', { name: 'Go to your billing account' }).waitFor();
  await audit(page, 'the not-found page');
  // a malformed address is our page too, never the framework's text
  const malformed = await page.goto(`${BASE}/portal/acme/subscriptions/abc`);
  assert.equal(malformed.status(), 400);
  await page.getByRole('heading', { name: 'This request could not be read' }).waitFor();
  assert.ok(!(await page.content()).includes('Cannot parse'));
  await audit(page, 'the bad-request page');
  await context.close();
});
