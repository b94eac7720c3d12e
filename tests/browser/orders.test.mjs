// browser_orders: the orders list and its bulk actions in Chromium (issue 11).
// Two businesses in two contexts: each sees only its own orders in the list,
// the tabs' counts, a search and the pages; the labels PDF of the ticked
// orders opens and names only the business's own; the other business's order
// numbers posted by hand are skipped; markup in references, names and the
// search box is text; axe-core passes at desktop and phone width.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import { checker, prelude } from './lib.mjs';
import { startApp } from './app.mjs';

const { fail, chromium } = await prelude('browser_orders', 'orders.test.mjs');
const app = await startApp('browser_orders', chromium, fail);
const { results, check } = checker();
const [alpha, beta] = app.tenants;
const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];
const CANARY = 'BETASECRETCANARY';

function order(ref, name, service) {
  const o = {
    orderReference: ref,
    recipient: { address: { fullName: name, addressLine1: '1 High Street', city: 'Leeds', postcode: 'LS1 4AP', countryCode: 'GB' } },
    orderDate: '2026-11-29T10:00:00Z', subtotal: 10, shippingCostCharged: 2, total: 12,
    packages: [{ weightInGrams: 400, packageFormatIdentifier: 'smallParcel' }],
  };
  if (service) o.postageDetails = { serviceCode: service };
  return o;
}

async function create(tenant, items) {
  const r = await app.api(tenant, 'POST', '/api/v1/orders', { items });
  assert.equal(r.status, 200, r.text);
  return r.json.createdOrders.map((o) => o.orderIdentifier);
}

// alpha: 52 plain orders (two pages), two with markup, three with postage;
// beta: more orders than alpha, so its last numbers are none of alpha's
const alphaPlain = await create(alpha, Array.from({ length: 52 }, (_, i) => order(`ALPHA-${i}`, `Alpha Person ${i}`)));
const alphaXss = await create(alpha, [order(XSS[0], XSS[1]), order(XSS[1], XSS[0])]);
const alphaPaid = await create(alpha, [0, 1, 2].map((i) => order(`ALPHA-PAID-${i}`, `Alpha Paid ${i}`, 'TOLP24')));
const betaAll = await create(beta, Array.from({ length: 70 }, (_, i) => order(`${CANARY}-${i}`, `Beta ${CANARY} ${i}`, i % 2 ? 'TOLP24' : undefined)));
const betaOnly = betaAll.slice(-2);

function watchDialogs(page) {
  const fired = [];
  page.on('dialog', async (d) => { fired.push(d.message()); await d.dismiss(); });
  return fired;
}

async function rowIds(page) {
  return page.locator('input[type=checkbox][name=id]').evaluateAll((els) => els.map((e) => Number(e.value)));
}

async function noBeta(page, what) {
  const html = await page.content();
  assert.ok(!html.includes(CANARY), `${what} shows the other business's orders`);
}

await check('the list: tabs with counts, rows of the business only, pages by keyset', async () => {
  const { context, page } = await app.signIn(alpha.admin);
  const dialogs = watchDialogs(page);
  await page.goto(app.base + '/orders');
  const tabs = page.getByRole('navigation', { name: 'Order status' });
  await tabs.getByRole('link', { name: 'All 57' }).waitFor();
  await tabs.getByRole('link', { name: 'New 54' }).waitFor();
  await tabs.getByRole('link', { name: 'Postage applied 3' }).waitFor();
  await tabs.getByRole('link', { name: 'On hold 0' }).waitFor();
  const first = await rowIds(page);
  assert.equal(first.length, 50);
  await noBeta(page, 'the first page');
  // markup in references and names is shown as text
  await page.getByRole('cell', { name: XSS[0] }).first().waitFor();
  await page.getByRole('cell', { name: XSS[1] }).first().waitFor();
  await app.shots(page, 'orders-list');
  await app.axe(page, 'orders list');
  await page.getByRole('link', { name: 'Next 50' }).click();
  await page.waitForURL(/after=/);
  const second = await rowIds(page);
  assert.equal(second.length, 7);
  const all = [...first, ...second];
  assert.equal(new Set(all).size, 57, 'every order once across the pages');
  assert.deepEqual([...all].sort((a, b) => a - b), [...alphaPlain, ...alphaXss, ...alphaPaid].sort((a, b) => a - b));
  await page.getByRole('link', { name: 'Previous 50' }).click();
  await page.waitForURL(/before=|\/orders$/);
  assert.deepEqual(await rowIds(page), first);
  // a tab
  await page.getByRole('navigation', { name: 'Order status' }).getByRole('link', { name: 'Postage applied 3' }).click();
  await page.waitForURL(/status=postageApplied/);
  assert.deepEqual((await rowIds(page)).sort(), [...alphaPaid].sort());
  await page.getByText('Postage applied', { exact: true }).nth(1).waitFor();
  await app.shots(page, 'orders-tab-postage');
  assert.deepEqual(dialogs, [], 'no dialog fired');
  await context.close();
});

await check('search: by name, and markup typed in the box is text', async () => {
  const { context, page } = await app.signIn(alpha.standard);
  const dialogs = watchDialogs(page);
  await page.goto(app.base + '/orders');
  await page.getByLabel('Search', { exact: true }).fill('Alpha Person 7');
  await page.getByRole('button', { name: 'Search' }).click();
  await page.waitForURL(/q=/);
  assert.deepEqual(await rowIds(page), [alphaPlain[7]]);
  await app.shots(page, 'orders-search');
  // the other business's names find nothing
  await page.getByLabel('Search', { exact: true }).fill(CANARY);
  await page.getByRole('button', { name: 'Search' }).click();
  await page.getByText(`No order matches \u201c${CANARY}\u201d.`).waitFor();
  assert.deepEqual(await rowIds(page), []);
  for (const x of XSS) {
    await page.goto(app.base + '/orders');
    await page.getByLabel('Search', { exact: true }).fill(x + 'nothing');
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByText(`No order matches \u201c${x}nothing\u201d.`).waitFor();
    assert.equal(await page.getByLabel('Search', { exact: true }).inputValue(), x + 'nothing');
    assert.equal(await page.locator('img[src=x]').count(), 0);
  }
  await app.shots(page, 'orders-search-empty');
  await app.axe(page, 'orders search, nothing found');
  await page.setViewportSize({ width: 390, height: 844 });
  await app.axe(page, 'orders search at phone width');
  await page.getByRole('link', { name: 'Clear the search' }).click();
  assert.equal((await rowIds(page)).length, 50);
  assert.deepEqual(dialogs, [], 'no dialog fired');
  await context.close();
});

await check('bulk labels: one PDF of the ticked orders, naming only the business\'s own', async () => {
  const { context, page } = await app.signIn(alpha.admin);
  await page.goto(app.base + '/orders?status=postageApplied');
  await page.getByLabel('Select every order on this page').check();
  // the other business's order numbers, added to the form by hand
  await page.evaluate((ids) => {
    const form = document.querySelector('form.bulk');
    for (const id of ids) {
      const i = document.createElement('input');
      i.type = 'hidden'; i.name = 'id'; i.value = String(id);
      form.appendChild(i);
    }
  }, betaOnly);
  const fetched = await page.evaluate(async () => {
    const body = new URLSearchParams(new FormData(document.querySelector('form.bulk'))).toString();
    const r = await fetch('/orders/bulk/labels', { method: 'POST', body,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
    const bytes = new Uint8Array(await r.arrayBuffer());
    let bin = '';
    for (const x of bytes) bin += String.fromCharCode(x);
    return btoa(bin);
  });
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/orders/bulk/labels')),
    page.getByRole('button', { name: 'Print labels' }).click(),
  ]);
  assert.equal(resp.status(), 200);
  assert.equal(resp.headers()['content-type'], 'application/pdf');
  assert.ok(resp.headers()['content-disposition'].startsWith('inline'));
  // Chromium's PDF viewer stands in for the body it opened: the file itself
  // came from the same form posted by the page before the click
  const pdf = Buffer.from(fetched, 'base64');
  assert.equal(pdf.subarray(0, 4).toString(), '%PDF');
  const file = path.join(app.dir, 'bulk-labels.pdf');
  fs.writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  for (let i = 0; i < 3; i++) assert.ok(text.includes(`Alpha Paid ${i}`), `the PDF names Alpha Paid ${i}`);
  assert.ok(!text.includes(CANARY) && !text.includes('Beta'), 'the PDF names the other business');
  for (const id of betaOnly) {
    const r = await app.api(beta, 'GET', `/api/v1/orders/${id}/full`);
    assert.equal(r.status, 200);
    assert.ok(['new', 'postageApplied'].includes(r.json[0].orderStatus), 'the other business\'s order is untouched');
  }
  await context.close();
});

await check('hold by hand with the other business\'s numbers: skipped, nothing changed', async () => {
  const { context, page } = await app.signIn(alpha.standard);
  await page.goto(app.base + '/orders?status=new');
  await page.locator(`input[name=id][value="${alphaPlain[51]}"]`).check();
  await page.evaluate((ids) => {
    const form = document.querySelector('form.bulk');
    for (const id of ids) {
      const i = document.createElement('input');
      i.type = 'hidden'; i.name = 'id'; i.value = String(id);
      form.appendChild(i);
    }
  }, betaOnly);
  await page.getByRole('button', { name: 'Hold', exact: true }).click();
  await page.waitForURL(/status=onHold/);
  await page.getByRole('status').getByText('1 order put on hold. 2 orders were skipped').waitFor();
  assert.deepEqual(await rowIds(page), [alphaPlain[51]]);
  await noBeta(page, 'the on-hold tab');
  await app.shots(page, 'orders-held');
  await app.axe(page, 'orders on hold with a message');
  for (const id of betaOnly) {
    const r = await app.api(beta, 'GET', `/api/v1/orders/${id}/full`);
    assert.notEqual(r.json[0].orderStatus, 'onHold');
  }
  // release it again
  await page.locator(`input[name=id][value="${alphaPlain[51]}"]`).check();
  await page.getByRole('button', { name: 'Release' }).click();
  await page.waitForURL(/status=new/);
  await page.getByRole('status').getByText('1 order released to New.').waitFor();
  await context.close();
});

await check('the other business sees only its own orders', async () => {
  const { context, page } = await app.signIn(beta.standard);
  await page.goto(app.base + '/orders');
  await page.getByRole('navigation', { name: 'Order status' }).getByRole('link', { name: 'All 70' }).waitFor();
  const html = await page.content();
  assert.ok(!html.includes('Alpha Person') && !html.includes('Alpha Paid'), 'beta sees alpha\'s orders');
  await page.goto(app.base + '/orders?q=' + encodeURIComponent('Alpha Person'));
  assert.deepEqual(await rowIds(page), []);
  await page.goto(app.base + '/orders?status=onHold');
  await page.getByText('No orders on hold.').waitFor();
  await app.shots(page, 'orders-beta-empty-tab');
  await app.axe(page, 'beta, empty tab');
  await context.close();
});

const problems = await app.stop();
for (const p of problems) console.log(`FAIL - ${p}`);
const failed = results.filter((r) => !r.ok).length + problems.length;
console.log(`browser_orders: ${results.length - failed + problems.length} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
