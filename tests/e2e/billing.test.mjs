// Ada sees her failed renewal in Billing history, retries it with a card
// whose bank asks for 3-D Secure, and the subscription is active again;
// the paid renewal now has an invoice, which she downloads as a PDF.
// She uses only the keyboard: sign-in, adding the card and the retry are
// done with Tab, typing, arrow keys and Enter.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BASE, launch, audit, signInByKeyboard, addCardByKeyboard, tabTo } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('ada retries her failed payment through 3-D Secure, by keyboard only', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInByKeyboard(page, 'ada@example.com', 'acme');
  await page.getByRole('listitem').filter({ hasText: 'Backup Add-on' }).getByText('Past due').waitFor();

  // a card whose bank asks to confirm every payment
  await addCardByKeyboard(page, '4000 0027 6000 3184');
  await page.getByText('Your card is saved.').waitFor();

  await tabTo(page, page.getByRole('link', { name: 'Billing history' }), 'the Billing history menu entry');
  await page.keyboard.press('Enter');
  const failed = page.getByRole('row').filter({ hasText: 'The card has insufficient funds.' });
  await failed.waitFor();
  await audit(page, 'the billing history with a failed charge');
  const method = failed.getByLabel('Pay with');
  await tabTo(page, method, 'the retry\'s payment method');
  for (let i = 0; i < 5 && !(await method.evaluate((s) => s.selectedOptions[0].label)).includes('3184'); i += 1) {
    await page.keyboard.press('ArrowDown');
  }
  assert.equal(await method.evaluate((s) => s.selectedOptions[0].label), 'Visa •••• 3184');
  await tabTo(page, failed.getByRole('button', { name: /Retry payment/ }), 'the Retry payment button');
  await page.keyboard.press('Enter');

  await page.getByRole('heading', { name: "Confirm it's you" }).waitFor();
  assert.ok(page.url().startsWith(`${BASE}/sandbox/authenticate/`));
  await tabTo(page, page.getByRole('button', { name: 'Complete authentication' }), 'the authentication button');
  await page.keyboard.press('Enter');
  await page.getByText('Payment received. Your subscription is active again.').waitFor();
  await audit(page, 'the billing history after the retry');

  // the retried charge is paid and invoiced: download its PDF
  const paid = page.getByRole('row').filter({ hasText: 'Backup Add-on' }).filter({ hasText: 'Paid' }).first();
  const link = paid.getByRole('link', { name: /^Download ACME-\d{6} \(PDF\)$/ });
  const number = (await link.textContent()).match(/ACME-\d{6}/)[0];
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  assert.equal(download.suggestedFilename(), `${number}.pdf`);
  const file = join(tmpdir(), `portal-e2e-${number}.pdf`);
  await download.saveAs(file);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  assert.match(text, new RegExp(number));
  assert.match(text, /Ada Lovelace/);
  assert.match(text, /12 St James's Square/);

  await page.getByRole('link', { name: 'Subscriptions' }).click();
  await page.getByRole('listitem').filter({ hasText: 'Backup Add-on' }).getByText('Active').waitFor();
  await context.close();
});
