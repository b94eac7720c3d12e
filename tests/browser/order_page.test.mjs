// browser_order_page: one order's page, the order form and the senders in
// Chromium (issue 11). Alpha adds trading names and creates an order through
// the form, fixing a field the form refused; the order's page shows it with
// its history, and an edit adds a line to it. Every text field carries an
// XSS attempt that must render as text. Beta, in its own context, opens
// Alpha's order number by URL and posts an edit to it by hand: the same 404
// as for any unknown number, and nothing changes. A Standard user gets 403
// for the senders. axe-core runs on every page; each page is photographed
// at desktop and phone width.
import assert from 'node:assert/strict';

import { checker, prelude } from './lib.mjs';
import { startApp } from './app.mjs';

const { fail, chromium } = await prelude('browser_order_page', 'order_page.test.mjs');
const app = await startApp('browser_order_page', chromium, fail);
const { results, check } = checker();
const [alpha, beta] = app.tenants;

const XSS1 = '<script>alert(1)</script>';
const XSS2 = '"><img src=x onerror=alert(1)>';
const dialogs = [];
function watch(page) {
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
}

let orderId = null;
let orderPath = null;

await check('senders: an administrator adds two trading names, XSS shown as text', async () => {
  const { context, page } = await app.signIn(alpha.admin);
  watch(page);
  await page.goto(app.base + '/settings/senders');
  await page.getByText('No trading names yet').waitFor();
  await app.axe(page, 'senders, empty');
  for (const [name, line1] of [[`Alpha Main ${XSS1}`, '9 Dock Road'], [`Alpha Outlet ${XSS2}`, '3 Outlet Way']]) {
    await page.getByLabel('Trading name').fill(name);
    await page.getByLabel('Address line 1').fill(line1);
    await page.getByLabel('Town or city').fill('Hull');
    await page.getByLabel('Postcode').fill('HU1 1AA');
    await Promise.all([page.waitForURL(/\/settings\/senders\?done=added$/),
                       page.getByRole('button', { name: 'Add sender' }).click()]);
    await page.getByRole('status').getByText('Sender added.').waitFor();
  }
  const table = page.locator('table.senders');
  await table.locator('td:first-child').getByText(`Alpha Main ${XSS1}`).waitFor();
  await table.locator('td:first-child').getByText(`Alpha Outlet ${XSS2}`).waitFor();
  assert.equal(await page.locator('table.senders img').count(), 0, 'no image element made of a trading name');
  // a refused field is marked beside it
  await page.getByLabel('Trading name').fill('');
  await page.getByLabel('Address line 1').fill('x');
  await page.getByLabel('Town or city').fill('y');
  await page.getByRole('button', { name: 'Add sender' }).click();
  await page.locator('#se-trading_name').getByText('Trading name is required').waitFor();
  assert.equal(await page.getByLabel('Trading name').getAttribute('aria-invalid'), 'true');
  await app.axe(page, 'senders, with a refused field');
  await page.goto(app.base + '/settings/senders');
  await app.axe(page, 'senders');
  await app.shots(page, 'senders');
  await context.close();
});

await check('create through the form: a refused field is fixed, then the order page shows it', async () => {
  const { context, page } = await app.signIn(alpha.standard);
  watch(page);
  await page.goto(app.base + '/orders/new');
  await app.axe(page, 'new order');
  await page.getByLabel('Full name').fill(`Ada ${XSS1}`);
  await page.getByLabel('Company').fill(`Engines ${XSS2}`);
  await page.getByLabel('Address line 1').fill(`12 Square ${XSS2}`);
  await page.getByLabel('Postcode').fill('SW1Y 4JH');
  await page.getByLabel('Order reference').fill(`R-${XSS2}`.slice(0, 40));
  await page.getByLabel('Special instructions').fill(`Porter ${XSS1}`);
  await page.getByLabel('Weight (grams)').fill('500');
  await page.getByLabel('Package format').selectOption('smallParcel');
  await page.getByLabel('Description, item 1').fill(`Gear ${XSS1}`.slice(0, 50));
  await page.getByLabel('Quantity, item 1').fill('2');
  await page.getByLabel('Value each (GBP), item 1').fill('5.49');
  await page.getByLabel('Weight each (g), item 1').fill('200');
  const names = await page.locator('#f-senderId option').allTextContents();
  assert.ok(names.some((n) => n.includes(`Alpha Outlet ${XSS2}`)), 'the senders are offered: ' + names);
  await page.getByLabel('Ships from').selectOption({ label: `Alpha Outlet ${XSS2}` });
  // no town: refused, beside the field
  await page.getByRole('button', { name: 'Create order' }).click();
  const err = page.locator('#e-recipient-address-city');
  await err.getByText('Town or city is required').waitFor();
  const city = page.getByLabel('Town or city');
  assert.equal(await city.getAttribute('aria-invalid'), 'true');
  assert.equal(await city.getAttribute('aria-describedby'), 'e-recipient-address-city');
  assert.equal(await page.getByLabel('Full name').inputValue(), `Ada ${XSS1}`, 'what was typed is kept');
  assert.equal(await page.getByLabel('Special instructions').inputValue(), `Porter ${XSS1}`);
  await app.axe(page, 'new order with a refused field');
  await app.shots(page, 'order-new-refused');
  await city.fill('London');
  await Promise.all([page.waitForURL(/\/orders\/\d+\?done=created$/),
                     page.getByRole('button', { name: 'Create order' }).click()]);
  orderPath = new URL(page.url()).pathname;
  orderId = Number(orderPath.split('/')[2]);
  await page.getByRole('status').getByText('Order created.').waitFor();
  for (const t of [`Ada ${XSS1}`, `Engines ${XSS2}`, `Porter ${XSS1}`, `Alpha Outlet ${XSS2}`]) {
    await page.locator('main').getByText(t).first().waitFor();
  }
  await page.locator('ol.timeline').getByText('Created').waitFor();
  await page.locator('.badge.s-new').getByText('New').waitFor();
  assert.equal(await page.locator('main img').count(), 0, 'no image element made of the order');
  await app.axe(page, 'order page');
  await app.shots(page, 'order-detail');
  await context.close();
});

await check('edit: the change is saved and the history says so', async () => {
  const { context, page } = await app.signIn(alpha.admin);
  watch(page);
  await page.goto(app.base + orderPath);
  await Promise.all([page.waitForURL(app.base + orderPath + '/edit'),
                     page.getByRole('link', { name: 'Edit', exact: true }).click()]);
  assert.equal(await page.getByLabel('Town or city').inputValue(), 'London');
  assert.equal(await page.getByLabel('Value each (GBP), item 1').inputValue(), '5.49');
  await app.axe(page, 'edit order');
  await app.shots(page, 'order-edit');
  await page.getByLabel('Town or city').fill('Westminster');
  await Promise.all([page.waitForURL(/\?done=edited$/), page.getByRole('button', { name: 'Save changes' }).click()]);
  await page.getByRole('status').getByText('Changes saved.', { exact: false }).waitFor();
  await page.locator('ol.timeline').getByText('Edited').waitFor();
  await page.getByText('Westminster').first().waitFor();
  await app.shots(page, 'order-detail-edited');
  await context.close();
});

await check("Beta never sees Alpha's order: by URL, and an edit posted by hand", async () => {
  const before = await app.api(alpha, 'GET', `/api/v1/orders/${orderId}/full`);
  assert.equal(before.status, 200);
  const { context, page } = await app.signIn(beta.admin);
  watch(page);
  for (const p of [orderPath, orderPath + '/edit', orderPath + '/label.pdf', orderPath + '/despatch-note.pdf',
                   '/orders/999999', '/orders/x1']) {
    const resp = await page.goto(app.base + p);
    assert.equal(resp.status(), 404, p);
    const html = await page.content();
    assert.ok(!html.includes('Westminster') && !html.includes('Alpha'), `${p} shows nothing of Alpha`);
  }
  const csrf = await page.goto(app.base + '/orders/new').then(() => page.locator('input[name=csrf]').first().inputValue());
  const status = await page.evaluate(async ([path, token]) => {
    const body = new URLSearchParams({ csrf: token, 'recipient.address.addressLine1': 'Taken',
                                       'recipient.address.city': 'Over', 'recipient.address.countryCode': 'GB',
                                       orderDate: '2026-11-30' });
    const r = await fetch(path + '/edit', { method: 'POST', body });
    return r.status;
  }, [orderPath, csrf]);
  assert.equal(status, 404, 'an edit of another business’s order number');
  const after = await app.api(alpha, 'GET', `/api/v1/orders/${orderId}/full`);
  assert.deepEqual(after.json, before.json, "Alpha's order is as it was");
  // Beta's own senders page shows none of Alpha's
  await page.goto(app.base + '/settings/senders');
  assert.ok(!(await page.content()).includes('Alpha'), "Beta's senders name nothing of Alpha's");
  await context.close();
});

await check('a Standard user gets 403 on the senders, by URL too', async () => {
  const { context, page } = await app.signIn(beta.standard);
  const resp = await page.goto(app.base + '/settings/senders');
  assert.equal(resp.status(), 403);
  await context.close();
});

await check('no script ran from any field', async () => {
  assert.deepEqual(dialogs, []);
});

const problems = await app.stop();
for (const p of problems) console.log(`FAIL - ${p}`);
const failed = results.filter((r) => !r.ok).length + problems.length;
console.log(`browser_order_page: ${results.length - failed + problems.length} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
