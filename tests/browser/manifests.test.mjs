// browser_manifests: the dashboard and the manifests page in Chromium
// (issue 11). Two businesses in two contexts: each sees its own to-do cards,
// 30-day charts and manifests and nothing of the other's; "Manifest now"
// names the manifest it made and its PDF link answers a PDF; the other
// business's manifest number typed into the URL is a 404 page; order
// references written to attack the page render as text; a Standard user
// is not offered the daily setting and is refused it when posting by hand;
// axe-core passes both pages, and both are shot at desktop and phone width.
import assert from 'node:assert/strict';

import { checker, prelude } from './lib.mjs';
import { startApp } from './app.mjs';

const { fail, chromium } = await prelude('browser_manifests', 'manifests.test.mjs');
const app = await startApp('browser_manifests', chromium, fail);
const { results, check } = checker();
const [alpha, beta] = app.tenants;

const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];

function order(ref, name, postage) {
  const o = {
    orderReference: ref, orderDate: new Date().toISOString(), subtotal: 10, shippingCostCharged: 2, total: 12,
    recipient: { address: { fullName: name, addressLine1: '1 High Street', city: 'Leeds', postcode: 'LS1 1AA',
                            countryCode: 'GB' } },
  };
  if (postage) {
    o.postageDetails = { serviceCode: 'TOLP24' };
    o.packages = [{ weightInGrams: 500, packageFormatIdentifier: 'smallParcel' }];
  }
  return o;
}

async function create(tenant, items) {
  const r = await app.api(tenant, 'POST', '/api/v1/orders', { items });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.createdOrders.length, items.length, r.text);
  return r.json.createdOrders.map((o) => o.orderIdentifier);
}

async function printLabels(tenant, ids) {
  const r = await app.api(tenant, 'GET',
    `/api/v1/orders/${ids.join(';')}/label?documentType=postageLabel&includeReturnsLabel=false`);
  assert.equal(r.status, 200, r.text);
}

// alpha: two labelled orders with hostile references, one with postage only, two new
const alphaRefs = [...XSS, 'ALPHA-READY-3'];
const alphaLabelled = await create(alpha, alphaRefs.map((ref) => order(ref, 'Alpha Customer', true)));
await printLabels(alpha, alphaLabelled);
await create(alpha, [order('ALPHA-POSTAGE', 'Alpha Customer', true)]);
await create(alpha, [order('ALPHA-NEW-1', 'Alpha Customer', false), order('ALPHA-NEW-2', 'Alpha Customer', false)]);
// beta: one labelled order of its own
const betaLabelled = await create(beta, [order('BETA-ONLY-1', 'Beta Customer', true)]);
await printLabels(beta, betaLabelled);

// A request from inside the page, with its session cookie (Playwright's
// context.request leaves the Secure cookie behind over plain http): the
// status, content type, first bytes and text of the answer.
async function inPage(page, path, form) {
  return page.evaluate(async ([p, f]) => {
    const init = f ? { method: 'POST', body: new URLSearchParams(f), redirect: 'manual' } : {};
    const r = await fetch(p, init);
    const b = new Uint8Array(await r.arrayBuffer());
    return { status: r.status, type: r.headers.get('content-type'),
             head: String.fromCharCode(...b.slice(0, 5)), text: new TextDecoder().decode(b) };
  }, [path, form ?? null]);
}

function watchDialogs(page) {
  const seen = [];
  page.on('dialog', async (d) => { seen.push(d.message()); await d.dismiss(); });
  return seen;
}

let alphaManifest = 0;

await check('the dashboard: to-do cards, two charts with their numbers, nothing of the other business', async () => {
  const { context, page } = await app.signIn(alpha.admin);
  const dialogs = watchDialogs(page);
  const todo = page.getByRole('region', { name: 'To do today' });
  const card = (status) => todo.locator(`a[data-status="${status}"] .big`);
  assert.equal(await card('new').textContent(), '2');
  assert.equal(await card('postageApplied').textContent(), '1');
  assert.equal(await card('labelGenerated').textContent(), '3');
  assert.equal(await todo.getByRole('link', { name: /New/ }).getAttribute('href'), '/orders?status=new');
  const charts = page.getByRole('img');
  assert.equal(await charts.count(), 2);
  assert.equal(await page.getByRole('img', { name: 'Orders created per day' }).count(), 1);
  assert.equal(await page.getByRole('img', { name: 'Postage spend per day' }).count(), 1);
  await app.shots(page, 'dashboard-alpha');
  await page.getByText('The numbers, day by day').click();
  const today = page.locator('#per-day tbody tr').first();
  assert.equal(await today.locator('th').textContent(), 'Today');
  assert.equal(await today.locator('td').first().textContent(), '6');
  assert.match(await today.locator('td').nth(1).textContent(), /^£\d+\.\d\d$/);
  assert.notEqual(await today.locator('td').nth(1).textContent(), '£0.00');
  const html = await page.content();
  assert.ok(!html.includes(beta.name) && !html.includes('BETA-ONLY'), 'alpha sees beta');
  await page.getByText('You are signed in').waitFor();
  await app.axe(page, 'alpha dashboard');
  await page.setViewportSize({ width: 390, height: 844 });
  await app.axe(page, 'alpha dashboard at phone width');
  assert.deepEqual(dialogs, []);
  await context.close();
});

await check('manifests: hostile references as text, Manifest now, the PDF link answers a PDF', async () => {
  const { context, page } = await app.signIn(alpha.standard);
  const dialogs = watchDialogs(page);
  await page.goto(app.base + '/manifests');
  const ready = page.getByRole('region', { name: /Ready to manifest/ });
  for (const ref of alphaRefs) await ready.getByRole('cell', { name: ref, exact: true }).waitFor();
  assert.equal(await page.locator('img[src=x]').count(), 0, 'an order reference became an element');
  assert.ok(!(await page.content()).includes('BETA-ONLY'));
  // a Standard user reads the daily setting but is not offered it
  await page.getByText('An administrator can change this.').waitFor();
  assert.equal(await page.getByRole('button', { name: 'Save' }).count(), 0);
  await app.axe(page, 'manifests, ready');
  await app.shots(page, 'manifests-ready');

  await Promise.all([page.waitForURL(/\/manifests\?made=\d+$/), page.getByRole('button', { name: 'Manifest now' }).click()]);
  alphaManifest = Number(new URL(page.url()).searchParams.get('made'));
  const done = await page.getByRole('status').textContent();
  assert.match(done, new RegExp(`^Manifest ${alphaManifest} is made: 3 orders are ready for collection\\.`));
  await page.getByText('No orders are waiting for a manifest').waitFor();
  const history = page.getByRole('region', { name: 'History' });
  const link = history.getByRole('link', { name: `PDF of manifest ${alphaManifest}` });
  assert.equal(await link.getAttribute('href'), `/manifests/${alphaManifest}.pdf`);
  const pdf = await inPage(page, `/manifests/${alphaManifest}.pdf`);
  assert.equal(pdf.status, 200);
  assert.equal(pdf.type, 'application/pdf');
  assert.equal(pdf.head, '%PDF-');
  await app.axe(page, 'manifests, history');
  await app.shots(page, 'manifests-history');
  await page.setViewportSize({ width: 390, height: 844 });
  await app.axe(page, 'manifests at phone width');
  // a Standard user posting the daily setting by hand is refused
  const csrf = await page.locator('input[name=csrf]').first().getAttribute('value');
  const r = await inPage(page, '/manifests/daily', { csrf, enabled: '1', time: '18:30', days: 'every' });
  assert.equal(r.status, 403);
  assert.match(r.text, /Your role does not allow this/);
  assert.deepEqual(dialogs, []);
  await context.close();
});

await check('the other business: its own manifests only, alpha\'s number typed in is a 404 page', async () => {
  const { context, page } = await app.signIn(beta.standard);
  await page.goto(app.base + '/manifests');
  await page.getByRole('cell', { name: 'BETA-ONLY-1', exact: true }).waitFor();
  let html = await page.content();
  for (const s of [...alphaRefs, alpha.name, 'ALPHA-']) assert.ok(!html.includes(s), `beta sees ${s}`);
  const resp = await page.goto(app.base + `/manifests/${alphaManifest}.pdf`);
  assert.equal(resp.status(), 404, 'alpha\'s manifest number opened something for beta');
  html = await page.content();
  assert.ok(!html.includes('ALPHA') && !html.includes(alpha.name));
  // beta's own manifest of the same number holds beta's order only
  await page.goto(app.base + '/manifests');
  await Promise.all([page.waitForURL(/made=/), page.getByRole('button', { name: 'Manifest now' }).click()]);
  const mine = Number(new URL(page.url()).searchParams.get('made'));
  assert.equal(mine, alphaManifest, 'numbers are per business');
  await page.getByText(`Manifest ${mine} is made: 1 order is ready for collection.`).waitFor();
  await app.shots(page, 'manifests-beta');
  // beta's dashboard: its own numbers
  await page.goto(app.base + '/');
  await app.shots(page, 'dashboard-beta');
  await page.getByText('The numbers, day by day').click();
  assert.equal(await page.locator('#per-day tbody tr').first().locator('td').first().textContent(), '1');
  html = await page.content();
  assert.ok(!html.includes(alpha.name) && !html.includes('ALPHA-'));
  await context.close();
});

await check('an administrator sets the daily manifest; a hostile time is refused in words', async () => {
  const { context, page } = await app.signIn(alpha.admin);
  const dialogs = watchDialogs(page);
  await page.goto(app.base + '/manifests');
  await page.getByLabel('Make a manifest automatically').check();
  await page.getByLabel('Time (UK)').fill('18:30');
  await page.getByLabel('Days').selectOption('working');
  await Promise.all([page.waitForURL(/saved=1$/), page.getByRole('button', { name: 'Save' }).click()]);
  await page.getByText('The daily manifest setting is saved.').waitFor();
  await page.getByText('On: every working day (Monday to Friday) at 18:30 UK time.').waitFor();
  const csrf = await page.locator('input[name=csrf]').first().getAttribute('value');
  for (const bad of XSS) {
    const r = await inPage(page, '/manifests/daily', { csrf, enabled: '1', time: bad, days: 'every' });
    assert.equal(r.status, 400);
    const t = r.text;
    assert.ok(t.includes('Enter the time as hours and minutes') && !t.includes(bad));
  }
  await page.reload();
  await page.getByText('On: every working day (Monday to Friday) at 18:30 UK time.').waitFor();
  await app.axe(page, 'manifests with the daily setting');
  await app.shots(page, 'manifests-daily');
  assert.deepEqual(dialogs, []);
  await context.close();
});

const problems = await app.stop();
for (const p of problems) console.log(`FAIL - ${p}`);
const failed = results.filter((r) => !r.ok).length + problems.length;
console.log(`browser_manifests: ${results.length - failed + problems.length} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
