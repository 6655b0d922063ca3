// Deciding about a subscription, in the browser with axe on every new
// page: the owner switches Pause and Switch plan on in the console; ada
// schedules a pause and withdraws it, then upgrades Cloud Pro to Cloud
// Business with a card whose bank asks for 3-D Secure and finds the
// prorated charge and its invoice in Billing history; bob downgrades to
// Cloud Basic and sees it scheduled for his next renewal. (It changes ada's
// and bob's plans, so only views.test.mjs, which reads pages, runs after it.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch, audit, signIn, consoleSignIn, signInFromConsole, addCard, mailCount, waitForMail } from './support.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the owner switches Pause and Switch plan on; ada pauses her subscription and takes it back', async () => {
  const context = await browser.newContext();
  const owner = await context.newPage();
  await consoleSignIn(owner);
  await owner.goto(`${BASE}/admin/acme/settings`);
  for (const label of ['Pause a subscription (from the end of the paid period)', 'Switch to another plan marked as switchable']) {
    await owner.getByLabel(label).check();
  }
  await owner.getByLabel('Longest pause customers may choose, in billing periods').selectOption('2');
  await owner.getByRole('button', { name: 'Save settings' }).click();
  await owner.getByText('Saved. Customers see the change on their next page load.').waitFor();
  await audit(owner, 'the portal settings with pause and plan switching on');
  await owner.getByRole('navigation', { name: 'Console' }).getByRole('link', { name: 'Plans', exact: true }).click();
  await owner.getByRole('heading', { name: 'Plans', level: 1 }).waitFor();
  assert.ok(await owner.getByLabel('Switchable (Cloud Business, $79.00 monthly)').isChecked());
  await audit(owner, 'the plans customers may switch between');

  const customer = await browser.newContext();
  const page = await customer.newPage();
  const email = 'ada@example.com';
  await signInFromConsole(page, 'ada@example.com');
  await page.getByRole('link', { name: 'Cloud Pro' }).click();
  const sent = mailCount(email);
  await page.getByRole('link', { name: 'Pause subscription' }).click();
  await page.getByRole('heading', { name: 'Pause Cloud Pro' }).waitFor();
  assert.equal(await page.getByRole('radio').count(), 2, 'the owner allows two periods at most');
  await audit(page, 'the pause page');
  await page.getByLabel(/^2 billing periods, until/).check();
  await page.getByRole('button', { name: 'Pause subscription' }).click();
  await page.getByText('Pause scheduled.', { exact: false }).waitFor();
  await page.getByText(/Pauses on \w{3} \d{1,2}, \d{4} until \w{3} \d{1,2}, \d{4}/).waitFor();
  await audit(page, 'a subscription with a scheduled pause');
  assert.match(await waitForMail(email, sent + 1), /Nothing is charged while it is paused/);
  await page.getByRole('link', { name: /All subscriptions/ }).click();
  await page.getByRole('listitem').filter({ hasText: 'Cloud Pro' }).getByText(/Pauses on/).waitFor();
  await page.getByRole('link', { name: 'Cloud Pro' }).click();
  await page.getByRole('button', { name: "Don't pause" }).click();
  await page.getByText('Your subscription is no longer paused.').waitFor();
  assert.equal(await page.getByText(/Pauses on/).count(), 0);
  await context.close();
  await customer.close();
});

test('ada upgrades to Cloud Business with a 3-D Secure card and finds the prorated charge and its invoice', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInFromConsole(page, 'ada@example.com');
  // a card whose bank asks to confirm every payment pays Cloud Pro from now on
  await addCard(page, '4000 0027 6000 3184', true);
  await page.getByRole('link', { name: 'Subscriptions' }).click();
  await page.getByRole('link', { name: 'Cloud Pro' }).click();
  const method = page.getByLabel('Payment method for upcoming renewals');
  const label = await method.evaluate((s) => [...s.options].find((o) => o.label.includes('3184')).label);
  await method.selectOption({ label });
  await page.getByRole('button', { name: 'Use this method' }).click();
  await page.getByText('Upcoming renewals will use the method you chose.').waitFor();

  await page.getByRole('link', { name: 'Change plan' }).click();
  await page.getByRole('heading', { name: 'Change Cloud Pro' }).waitFor();
  await audit(page, 'the plan choice');
  await page.getByLabel(/^Cloud Business/).check();
  await page.getByRole('button', { name: 'Review the change' }).click();
  const preview = page.getByRole('table');
  await preview.getByText(/Unused time on Cloud Pro/).waitFor();
  await audit(page, 'the upgrade preview');
  const pay = page.getByRole('button', { name: /^Pay \$\d+\.\d{2} and switch$/ });
  const amount = (await pay.textContent()).match(/\$\d+\.\d{2}/)[0];
  await pay.click();
  await page.getByRole('heading', { name: "Confirm it's you" }).waitFor();
  assert.ok(page.url().startsWith(`${BASE}/sandbox/authenticate/`));
  await page.getByRole('button', { name: 'Complete authentication' }).click();
  await page.getByText('Your plan has changed.', { exact: false }).waitFor();
  await page.getByRole('heading', { name: 'Cloud Business', level: 1 }).waitFor();
  await audit(page, 'the subscription after the upgrade');

  await page.getByRole('link', { name: 'Billing history' }).click();
  const row = page.getByRole('row').filter({ hasText: 'Cloud Business × 1 (prorated)' });
  await row.getByText(amount).waitFor();
  await row.getByText('Paid').waitFor();
  await row.getByRole('link', { name: /^Download ACME-\d{6} \(PDF\)$/ }).waitFor();
  await audit(page, 'the billing history with a prorated charge');
  await context.close();
});

test('bob downgrades to Cloud Basic and sees it scheduled for his next renewal', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, 'bob@example.com', 'acme');
  await page.getByRole('link', { name: 'Cloud Pro' }).click();
  await page.getByRole('link', { name: 'Change plan' }).click();
  await page.getByLabel(/^Cloud Basic/).check();
  await page.getByRole('button', { name: 'Review the change' }).click();
  await page.getByText('Nothing is charged now', { exact: false }).waitFor();
  await audit(page, 'the downgrade preview');
  await page.getByRole('button', { name: 'Confirm change' }).click();
  await page.getByText('Your change is scheduled for', { exact: false }).waitFor();
  await page.getByText(/Changes to Cloud Basic on \w{3} \d{1,2}, \d{4}/).waitFor();
  await audit(page, 'a subscription with a scheduled downgrade');
  await page.getByRole('button', { name: 'Keep my current plan' }).waitFor();
  await context.close();
});
