// Whole-portal journeys not covered elsewhere: every section in German for a
// German browser (money, dates and labels in the customer's language), a
// confirmed email change, signing out, and changing the method a
// subscription renews with. Every page passes the axe audit and the page
// budget.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, audit, linkIn, mailCount, waitForMail, signIn } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('carol uses every section in German, changes her email and signs out', async () => {
  const context = await browser.newContext({ locale: 'de-DE' });
  const page = await context.newPage();
  const email = 'carol@example.com';

  // sign-in, in German
  const sent = mailCount(email);
  await page.goto(`${BASE}/portal/globex/login`);
  assert.equal(await page.locator('html').getAttribute('lang'), 'de-DE');
  await page.getByLabel('E-Mail-Adresse').fill(email);
  await page.getByRole('button', { name: 'Anmeldelink per E-Mail senden' }).click();
  await page.getByRole('heading', { name: 'Prüfen Sie Ihre E-Mails' }).waitFor();
  await audit(page, 'the German check-your-email page');
  await page.goto(linkIn(await waitForMail(email, sent + 1), '/portal/globex/login/'));
  await page.getByRole('button', { name: 'Weiter zu meinem Konto' }).click();
  await page.waitForURL(/\/subscriptions$/);

  // Subscriptions and one subscription's page: German money, cycles and dates
  await page.getByRole('heading', { name: 'Abonnements', level: 1 }).waitFor();
  const sub = page.getByRole('listitem').filter({ hasText: 'Globex Analytics' });
  await sub.getByText('Aktiv').waitFor();
  await sub.getByText(/49,00\s€ · monatlich/).waitFor();
  await audit(page, 'the German subscriptions page');
  await page.getByRole('link', { name: 'Globex Analytics' }).click();
  await page.getByRole('heading', { name: 'Verlängerungen' }).waitFor();
  const renewal = page.getByRole('row').filter({ hasText: 'Bezahlt' }).first();
  assert.match(await renewal.textContent(), /\d{2}\.\d{2}\.\d{4}/, 'dates read day.month.year');
  assert.match(await renewal.textContent(), /Visa •••• 0005/, 'the attempt names the card it charged');
  await audit(page, 'the German subscription page');

  // Payment methods and Billing history
  await page.getByRole('link', { name: 'Zahlungsmethoden' }).click();
  await page.getByRole('heading', { name: 'Zahlungsmethoden', level: 1 }).waitFor();
  await page.getByRole('button', { name: 'Karte hinzufügen' }).waitFor();
  await audit(page, 'the German payment methods page');
  await page.getByRole('link', { name: 'Rechnungsverlauf' }).click();
  await page.getByRole('heading', { name: 'Rechnungsverlauf', level: 1 }).waitFor();
  await page.getByRole('link', { name: /herunterladen \(PDF\)$/ }).first().waitFor();
  await audit(page, 'the German billing history');

  // Profile: a new email address takes effect only once its link is confirmed
  await page.getByRole('link', { name: 'Profil' }).click();
  await page.getByRole('heading', { name: 'Profil', level: 1 }).waitFor();
  await audit(page, 'the German profile page');
  const newEmail = 'carol.danvers@example.com';
  const confirmations = mailCount(newEmail);
  await page.getByLabel('E-Mail-Adresse').fill(newEmail);
  await page.getByLabel('Neuigkeiten und Angebote per E-Mail erhalten').check();
  await page.getByRole('button', { name: 'Änderungen speichern' }).click();
  await page.getByText('Wir haben einen Bestätigungslink an Ihre neue Adresse gesendet.', { exact: false }).waitFor();
  await page.reload();
  assert.equal(await page.getByLabel('E-Mail-Adresse').inputValue(), email, 'the old address stays until confirmed');
  assert.ok(await page.getByLabel('Neuigkeiten und Angebote per E-Mail erhalten').isChecked(), 'the other change is saved at once');
  await page.goto(linkIn(await waitForMail(newEmail, confirmations + 1), '/portal/globex/profile/email/'));
  await page.getByRole('heading', { name: 'Bestätigen Sie Ihre neue E-Mail-Adresse' }).waitFor();
  await audit(page, 'the German confirm-email page');
  await page.getByRole('button', { name: 'Diese Adresse bestätigen' }).click();
  await page.getByText('Ihre E-Mail-Adresse wurde aktualisiert.').waitFor();
  assert.equal(await page.getByLabel('E-Mail-Adresse').inputValue(), newEmail);

  // signing out ends the session on the server: the portal asks to sign in again
  await page.getByRole('button', { name: 'Abmelden' }).click();
  await page.getByRole('heading', { name: 'Melden Sie sich bei Ihrem Abrechnungskonto an' }).waitFor();
  await page.goto(`${BASE}/portal/globex/subscriptions`);
  await page.getByRole('heading', { name: 'Melden Sie sich bei Ihrem Abrechnungskonto an' }).waitFor();
  await context.close();
});

test('ada moves a subscription\'s renewals to her PayPal account', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'ada@example.com', 'acme');
  await page.getByRole('link', { name: 'Cloud Pro' }).click();
  await page.getByRole('heading', { name: 'Cloud Pro', level: 1 }).waitFor();
  await audit(page, 'the subscription page with the method picker');
  const picker = page.getByLabel('Payment method for upcoming renewals');
  const paypal = await picker.locator('option', { hasText: 'PayPal' }).getAttribute('value');
  const card = await picker.inputValue();
  await picker.selectOption(paypal);
  await page.getByRole('button', { name: 'Use this method' }).click();
  await page.getByText('Upcoming renewals will use the method you chose.').waitFor();
  const paysWith = page.locator('dt', { hasText: 'Pays with' }).locator('xpath=following-sibling::dd[1]');
  assert.match(await paysWith.textContent(), /PayPal ada\.lovelace@example\.com/);
  await audit(page, 'the subscription page after changing the method');
  // and back, so the other journeys find the demo as it was
  await picker.selectOption(card);
  await page.getByRole('button', { name: 'Use this method' }).click();
  await page.getByText('Upcoming renewals will use the method you chose.').waitFor();
  assert.match(await paysWith.textContent(), /Visa •••• 4242/);
  await context.close();
});

test('ada cancels her active subscription at period end with a reason, then keeps it', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const email = 'ada@example.com';
  await signIn(page, email, 'acme');
  await page.getByRole('link', { name: 'Cloud Pro' }).click();
  await page.getByRole('heading', { name: 'Cloud Pro', level: 1 }).waitFor();
  const sent = mailCount(email);
  await page.getByRole('link', { name: 'Cancel subscription' }).click();
  await page.getByRole('heading', { name: 'Cancel Cloud Pro?' }).waitFor();
  await page.getByText('will not be charged again', { exact: false }).waitFor();
  await audit(page, 'the cancellation confirmation');
  await page.getByLabel('Why are you cancelling? (optional)').selectOption('too_expensive');
  await page.getByLabel('Anything you would like to tell us? (optional)').fill('A cheaper plan would keep me.');
  await page.getByRole('button', { name: 'Cancel subscription' }).click();
  await page.getByText('Your subscription is cancelled.', { exact: false }).waitFor();
  await page.getByText(/Cancels on \w{3} \d{1,2}, \d{4}/).waitFor();
  await audit(page, 'the subscription page with a scheduled cancellation');
  const cancelled = await waitForMail(email, sent + 1);
  assert.match(cancelled, /stays active until/);

  await page.getByRole('link', { name: /All subscriptions/ }).click();
  const item = page.getByRole('listitem').filter({ hasText: 'Cloud Pro' });
  await item.getByText(/Cancels on/).waitFor();
  await audit(page, 'the subscriptions list with a scheduled cancellation');

  await page.getByRole('link', { name: 'Cloud Pro' }).click();
  await page.getByRole('button', { name: 'Keep my subscription' }).click();
  await page.getByText('Your subscription continues.', { exact: false }).waitFor();
  assert.equal(await page.getByText(/Cancels on/).count(), 0);
  await page.getByRole('link', { name: 'Cancel subscription' }).waitFor();
  await waitForMail(email, sent + 2);
  await context.close();
});
