// The owner refunds part of ada's latest payment from her page in the
// console; ada reads "Partly refunded" in her Billing history and downloads
// the credit note, then again in French once she chooses it on her
// profile. Every page is audited with axe.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, audit, consoleSignIn, signInFromConsole } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** This month's refunds in USD, in cents, from the overview's table. */
async function refundedThisMonth(owner) {
  await owner.goto(`${BASE}/admin/acme`);
  await owner.getByText('Revenue in USD as a table').click();
  const row = owner.getByRole('table', { name: 'Revenue in USD by month' }).locator('tbody tr').last();
  const cell = await row.locator('td').nth(1).textContent();
  return Math.round(Number(cell.replace(/[^\d.-]/g, '')) * 100);
}

test('the owner refunds part of ada\'s payment and ada sees it with a credit note', async () => {
  const consoleContext = await browser.newContext();
  const owner = await consoleContext.newPage();
  await consoleSignIn(owner, 'owner@acme.test');
  const refundedBefore = await refundedThisMonth(owner);
  await owner.goto(`${BASE}/admin/acme/customers?q=ada%40example.com`);
  // (her name may have changed in an earlier journey: find her by email)
  await owner.getByRole('row').filter({ hasText: 'ada@example.com' }).getByRole('link').click();
  await owner.getByRole('heading', { name: 'Charges' }).waitFor();

  // a mistake first: more than was paid is refused, and says how much is left
  const form = owner.locator('form.refund').first();
  const amount = form.getByLabel(/^Amount/);
  const paid = await amount.inputValue();
  await amount.fill('100000');
  await form.getByRole('button', { name: /^Refund/ }).click();
  await owner.getByRole('alert').getByText(`A refund cannot be more than what is left of the payment (${paid} USD).`).waitFor();
  await audit(owner, 'a refund refused in the console');

  const again = owner.locator('form.refund').first();
  await again.getByLabel(/^Amount/).fill('1.00');
  await again.getByLabel('Reason').selectOption({ label: 'Duplicate payment' });
  await again.getByRole('button', { name: /^Refund/ }).click();
  const notice = owner.getByRole('status').filter({ hasText: 'Refunded $1.00.' });
  await notice.waitFor();
  const number = (await notice.textContent()).match(/Credit note (\S+) is issued/)[1];
  await audit(owner, 'a customer after a refund');
  await owner.getByRole('link', { name: `Credit note ${number} (PDF)` }).waitFor();
  // the overview counts it at once, in this month's refunds
  assert.equal(await refundedThisMonth(owner), refundedBefore + 100);
  await audit(owner, 'the overview after a refund');

  const customerContext = await browser.newContext({ acceptDownloads: true });
  const ada = await customerContext.newPage();
  await signInFromConsole(ada, 'ada@example.com');
  await ada.getByRole('link', { name: 'Billing history' }).click();
  await ada.getByRole('heading', { name: 'Billing history', level: 1 }).waitFor();
  const row = ada.getByRole('row').filter({ hasText: 'Partly refunded' });
  await row.getByText('$1.00 refunded').waitFor();
  await audit(ada, 'billing history with a partial refund');
  const [download] = await Promise.all([
    ada.waitForEvent('download'),
    row.getByRole('link', { name: `Credit note ${number}` }).click(),
  ]);
  assert.equal(download.suggestedFilename(), `${number}.pdf`);
  const chunks = [];
  for await (const chunk of await download.createReadStream()) chunks.push(chunk);
  assert.equal(Buffer.concat(chunks).subarray(0, 5).toString(), '%PDF-');

  // ada reads it in French: she chooses her language on her profile
  await ada.getByRole('link', { name: 'Profile' }).click();
  await ada.getByLabel('Language of pages and emails').selectOption({ label: 'Français' });
  await ada.getByRole('button', { name: 'Save changes' }).click();
  await ada.getByRole('status').getByText('Vos modifications sont enregistrées.').waitFor();
  assert.equal(await ada.locator('html').getAttribute('lang'), 'fr-FR');
  await ada.getByRole('link', { name: 'Historique de facturation' }).click();
  await ada.getByRole('heading', { name: 'Historique de facturation', level: 1 }).waitFor();
  const ligne = ada.getByRole('row').filter({ hasText: 'Partiellement remboursé' });
  await ligne.getByText('1,00\u00a0$ remboursés').waitFor();
  await ligne.getByRole('link', { name: `Avoir ${number}` }).waitFor();
  await audit(ada, 'billing history in French with a partial refund');
  // and back to English for the journeys that follow
  await ada.getByRole('link', { name: 'Profil' }).click();
  await ada.getByLabel('Langue des pages et des e-mails').selectOption({ label: 'English' });
  await ada.getByRole('button', { name: 'Enregistrer les modifications' }).click();
  await ada.getByRole('status').getByText('Your changes are saved.').waitFor();
  await customerContext.close();
  await consoleContext.close();
});
