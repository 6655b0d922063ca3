// The owner of Acme signs in to the console with the password the server
// printed, switches the Payment methods section off, and a signed-in
// customer's next page load no longer shows it (its URL is a 404); then
// switches it back on. Every console page is audited with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, audit, signIn, consoleSignIn, consolePassword } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function setPaymentMethods(page, on) {
  await page.goto(`${BASE}/admin/acme/settings`);
  const box = page.getByLabel('Payment methods', { exact: true });
  if (on) await box.check(); else await box.uncheck();
  await page.getByRole('button', { name: 'Save settings' }).click();
  await page.getByText('Saved. Customers see the change on their next page load.').waitFor();
}

test('the owner switches Payment methods off and on for customers', async () => {
  const consoleContext = await browser.newContext();
  const owner = await consoleContext.newPage();
  await owner.goto(`${BASE}/admin`);
  await audit(owner, 'the console sign-in');
  await owner.getByLabel('Email').fill('owner@acme.test');
  await owner.getByLabel('Password').fill('not the password');
  await owner.getByRole('button', { name: /Sign in/ }).click();
  await owner.getByText('That email and password do not match.').waitFor();
  await owner.getByLabel('Password').fill(consolePassword());
  await owner.getByRole('button', { name: /Sign in/ }).click();
  await owner.getByRole('heading', { name: 'Overview', exact: true }).waitFor();
  await owner.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Portal settings', exact: true }).click();
  await owner.getByRole('heading', { name: 'Portal settings' }).waitFor();
  await audit(owner, 'the portal settings');

  const customerContext = await browser.newContext();
  const ada = await customerContext.newPage();
  await signIn(ada, 'ada@example.com', 'acme');
  await ada.getByRole('link', { name: 'Payment methods' }).waitFor();

  await setPaymentMethods(owner, false);
  await audit(owner, 'the portal settings after saving');
  await ada.reload();
  await ada.getByRole('link', { name: 'Subscriptions' }).waitFor();
  assert.equal(await ada.getByRole('link', { name: 'Payment methods' }).count(), 0);
  const gone = await ada.goto(`${BASE}/portal/acme/payment-methods`);
  assert.equal(gone.status(), 404);

  await setPaymentMethods(owner, true);
  // every console page passes the audit
  for (const name of ['Branding', 'Customers', 'Subscriptions', 'Charges', 'Team', 'API keys', 'Webhooks']) {
    await owner.getByRole('navigation', { name: 'Console' }).getByRole('link', { name, exact: true }).click();
    await owner.getByRole('heading', { level: 1 }).waitFor();
    await audit(owner, `the console's ${name} page`);
  }
  await owner.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Customers', exact: true }).click();
  await owner.getByRole('link', { name: 'Ada Lovelace' }).click();
  await owner.getByRole('heading', { name: 'Ada Lovelace' }).waitFor();
  await audit(owner, 'a customer in the console');
  const back = await ada.goto(`${BASE}/portal/acme/payment-methods`);
  assert.equal(back.status(), 200);
  await ada.getByRole('link', { name: 'Payment methods' }).waitFor();
  await customerContext.close();
  await consoleContext.close();
});

test('the owner reads the overview: figures, a revenue chart and its table, reasons', async () => {
  const context = await browser.newContext();
  const owner = await context.newPage();
  await consoleSignIn(owner, 'owner@acme.test');
  // the console opens on it
  assert.match(new URL(owner.url()).pathname, /^\/admin\/acme$/);
  const mrr = owner.getByRole('listitem').filter({ has: owner.getByRole('heading', { name: 'Monthly recurring revenue' }) });
  assert.match(await mrr.locator('.figure').first().textContent(), /^[$€£]?[\d,.]+/);
  await owner.getByText(/^\d+ active$/).waitFor();
  await owner.getByRole('heading', { name: 'Failed payments recovered' }).waitFor();
  // each chart is an image named by its caption, with its numbers a keypress away
  const chart = owner.getByRole('img', { name: /^Net revenue in [A-Z]{3}, last twelve months/ }).first();
  await chart.waitFor();
  assert.equal(await owner.locator('figure.chart svg rect.bar').count() % 12, 0, 'twelve months a chart');
  const summary = owner.locator('details.chart-data summary').first();
  await summary.focus();
  await owner.keyboard.press('Enter');
  const table = owner.getByRole('table', { name: /^Revenue in [A-Z]{3} by month$/ }).first();
  await table.waitFor();
  assert.equal(await table.locator('tbody tr').count(), 12);
  await owner.getByRole('heading', { name: 'Why customers cancelled' }).waitFor();
  await audit(owner, 'the overview, its table open');
  await context.close();
});

test('the owner adds a product and its price to the catalog, a mistake first', async () => {
  const context = await browser.newContext();
  const owner = await context.newPage();
  await consoleSignIn(owner, 'owner@acme.test');
  await owner.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Catalog', exact: true }).click();
  await owner.getByRole('heading', { name: 'Catalog', level: 1 }).waitFor();
  await audit(owner, 'the catalog');
  await owner.getByLabel('Name', { exact: true }).fill('Priority support');
  await owner.getByLabel('Description (optional)').fill('Answers within four hours');
  await owner.getByRole('button', { name: 'Add product' }).click();
  await owner.getByRole('status').getByText('The product is added.').waitFor();
  await owner.getByRole('heading', { name: 'Priority support', level: 1 }).waitFor();

  // a mistake: the amount has too many decimals, and the form keeps it
  await owner.getByLabel('Amount').fill('49.999');
  await owner.getByLabel('Currency').fill('EUR');
  await owner.getByLabel('Billed every').selectOption({ label: 'Month' });
  await owner.getByRole('button', { name: 'Add price' }).click();
  await owner.getByRole('alert').getByText('The price was not added').waitFor();
  await owner.getByText('Enter the amount in EUR with a point for decimals, such as 19.00.').waitFor();
  assert.equal(await owner.getByLabel('Amount').getAttribute('aria-invalid'), 'true');
  await audit(owner, 'a price refused in the catalog');
  await owner.getByLabel('Amount').fill('49.00');
  await owner.getByLabel('Free trial (days)').fill('7');
  await owner.getByRole('button', { name: 'Add price' }).click();
  await owner.getByRole('status').getByText('The price is added.').waitFor();
  const row = owner.getByRole('row').filter({ hasText: '€49.00 monthly' });
  await row.getByText('7 days').waitFor();
  await audit(owner, 'a product with its price');
  await row.getByRole('link', { name: '€49.00 monthly' }).click();
  await owner.getByRole('heading', { name: 'Priority support: €49.00 monthly' }).waitFor();
  await audit(owner, 'a price in the catalog');
  await context.close();
});

test('the owner downloads the failed charges as CSV', async () => {
  const context = await browser.newContext({ acceptDownloads: true });
  const owner = await context.newPage();
  await consoleSignIn(owner, 'owner@acme.test');
  await owner.goto(`${BASE}/admin/acme/charges`);
  await owner.getByLabel('Status').selectOption({ label: 'Failed' });
  await owner.getByRole('button', { name: 'Filter' }).click();
  await owner.waitForURL(/status=failed/);
  await audit(owner, 'the failed charges');
  const [download] = await Promise.all([
    owner.waitForEvent('download'),
    owner.getByRole('link', { name: 'Download these charges (CSV)' }).click(),
  ]);
  assert.match(download.suggestedFilename(), /^acme-charges-\d{4}-\d{2}-\d{2}\.csv$/);
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
  assert.equal(lines[0], 'id,created_at,customer_id,customer_email,description,amount,amount_minor,currency,refunded_minor,status,failure_code,failure_message,paid_at,gateway_reference');
  const rows = lines.slice(1);
  const shown = await owner.locator('tbody tr').count();
  assert.equal(rows.length, shown, 'the file holds the filtered list');
  assert.ok(rows.length > 0 && rows.every((r) => r.includes(',failed,')), rows.join('\n'));
  await context.close();
});

test('the owner creates, uses and revokes an API key, adds a webhook endpoint and invites a teammate', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await consoleSignIn(page);

  // an API key is shown once, works, and stops working when revoked
  await page.goto(`${BASE}/admin/acme/api-keys`);
  await page.getByLabel('Name').fill('Billing emails');
  await page.getByRole('button', { name: 'Create key' }).click();
  const secret = await page.getByLabel('Secret key').inputValue();
  assert.match(secret, /^sk_/);
  await audit(page, 'the API keys page with a new key');
  const call = () => fetch(`${BASE}/api/v1/customers?limit=1`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal((await call()).status, 200);
  await page.goto(`${BASE}/admin/acme/api-keys`);
  await page.getByRole('heading', { name: 'API keys', level: 1 }).waitFor();
  assert.equal(await page.getByLabel('Secret key').count(), 0, 'the secret is not shown again');
  await page.getByRole('button', { name: 'Revoke Billing emails' }).click();
  await page.getByText('Key revoked: requests with it now get 401.').waitFor();
  assert.equal((await call()).status, 401);

  // a webhook endpoint and its signing secret
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Webhooks', exact: true }).click();
  await page.getByLabel('URL').fill('http://127.0.0.1:9/portal-hooks');
  await page.getByLabel('Events (comma-separated; empty for all)').fill('customer.updated');
  await page.getByRole('button', { name: 'Add endpoint' }).click();
  assert.match(await page.getByLabel('Signing secret').inputValue(), /^whsec_/);
  await page.getByRole('link', { name: 'http://127.0.0.1:9/portal-hooks' }).waitFor();
  await audit(page, 'the webhooks page with a new endpoint');

  // a teammate, as a viewer
  await page.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Team', exact: true }).click();
  await page.getByLabel('Email', { exact: true }).fill('grace@acme.test');
  await page.getByLabel('Role', { exact: true }).selectOption('viewer');
  await page.getByRole('button', { name: 'Invite' }).click();
  await page.getByText('grace@acme.test', { exact: false }).first().waitFor();
  await page.getByLabel('Role of grace@acme.test').waitFor();
  assert.equal(await page.getByLabel('Role of grace@acme.test').inputValue(), 'viewer');
  await audit(page, 'the team page with an invited viewer');
  await context.close();
});

test('an admin cancels bob\'s subscription at period end from his page, then resumes it', async () => {
  const context = await browser.newContext();
  const owner = await context.newPage();
  await consoleSignIn(owner);
  await owner.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Customers', exact: true }).click();
  await owner.getByRole('link', { name: 'Bob Builder' }).click();
  await owner.getByRole('button', { name: /at period end/ }).click();
  await owner.getByText('The customer was emailed about the change.').waitFor();
  await owner.getByText(/Cancels on \w{3} \d{1,2}, \d{4}/).waitFor();
  await audit(owner, 'a customer page with a scheduled cancellation');
  await owner.getByRole('button', { name: /^Resume/ }).click();
  await owner.getByText('The subscription renews as before.', { exact: false }).waitFor();
  assert.equal(await owner.getByText(/Cancels on/).count(), 0);
  await audit(owner, 'a customer page after resuming');
  await context.close();
});
