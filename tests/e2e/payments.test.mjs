// Payment methods in the browser: add a card through the gateway's page and
// its 3-D Secure check (pass and fail), add and remove PayPal, set the
// default, and remove a card a subscription renews with.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, audit, signIn, addCard } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('bob manages his payment methods', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const external = [];
  page.on('request', (r) => { if (!r.url().startsWith(BASE)) external.push(r.url()); });
  await signIn(page, 'bob@example.com', 'acme');

  await addCard(page, '4000 0084 0000 1629', true, (name) => audit(page, name));
  await page.getByText('Nothing was saved. The bank could not authenticate the card.').waitFor();
  await addCard(page, '4242 4242 4242 4242', false);
  await page.getByText('Nothing was saved.').waitFor();
  assert.equal(await page.getByText('Visa •••• 4242').count(), 0);

  await addCard(page, '4242 4242 4242 4242', true);
  await page.getByText('Your card is saved.').waitFor();
  await page.getByRole('heading', { name: 'Visa •••• 4242' }).waitFor();
  await audit(page, 'the payment methods page');

  // PayPal: approve, then remove
  await page.getByRole('button', { name: 'Add PayPal' }).click();
  await page.getByRole('heading', { name: 'Approve future payments' }).waitFor();
  await audit(page, 'the sandbox PayPal page');
  await page.getByLabel('PayPal email').fill('bob.paypal@example.com');
  await page.getByRole('button', { name: 'Approve' }).click();
  await page.getByText('Your PayPal account is saved.').waitFor();
  await page.getByRole('link', { name: /Remove\s+PayPal/ }).click();
  await page.getByRole('heading', { name: 'Remove PayPal?' }).waitFor();
  await page.getByRole('button', { name: 'Remove' }).click();
  await page.getByText('The payment method was removed.').waitFor();
  assert.equal(await page.getByText('bob.paypal@example.com').count(), 0);

  // the new card becomes the default; then remove the old card his subscription renews with
  await page.getByRole('button', { name: /Make default\s+\(Visa •••• 4242\)/ }).click();
  await page.getByText('Your default payment method is updated.').waitFor();
  await page.getByRole('link', { name: /Remove\s+Mastercard •••• 4444/ }).click();
  await page.getByText('These subscriptions already renew with it and keep doing so:').waitFor();
  await page.getByRole('listitem').filter({ hasText: 'Cloud Pro' }).waitFor();
  await audit(page, 'the remove-card confirmation');
  await page.getByRole('button', { name: 'Remove' }).click();
  await page.getByText('The payment method was removed.').waitFor();
  assert.equal(await page.getByText('•••• 4444').count(), 0);

  // the subscription still renews with the removed card
  await page.getByRole('link', { name: 'Subscriptions' }).click();
  await page.getByRole('link', { name: 'Cloud Pro' }).click();
  // "Pays with" and the method selector say the same
  await page.getByText('Mastercard •••• 4444 (removed from your list)').first().waitFor();
  const selector = page.getByLabel('Payment method for upcoming renewals');
  assert.equal(await selector.evaluate((s) => s.selectedOptions[0].label), 'Mastercard •••• 4444 (removed from your list)');
  await audit(page, 'the subscription page');
  assert.deepEqual(external, [], 'no request leaves the server');
  await context.close();
});
