// browser_rules: the shipping rules pages in Chromium (issue 11). Two
// businesses each write rules through the form (names that try XSS render as
// text, no dialog fires); each sees only its own, and the other's rule ids
// typed into the URL or posted by hand find nothing and change nothing; a
// form that does not check out names its fields; an order sent by the API
// arrives with the postage its own business's rule gives; a Standard user
// sees the list without controls and gets 403 on the form. axe-core on every
// page, screenshots of the list and the form at desktop and phone width.
import assert from 'node:assert/strict';

import { checker, prelude } from './lib.mjs';
import { startApp } from './app.mjs';

const { fail, chromium } = await prelude('browser_rules', 'rules.test.mjs');
const app = await startApp('browser_rules', chromium, fail);
const { results, check } = checker();
const [alpha, beta] = app.tenants;

const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];
// each business's rules: a UK one naming a script, a European one naming an image
const plan = {
  alpha: { uk: `Alpha UK ${XSS[0]}`, eu: `Alpha EU ${XSS[1]}`, service: 'TOLP48', serviceName: 'Royal Mail Tracked 48' },
  beta: { uk: `Beta UK ${XSS[0]}`, eu: `Beta EU ${XSS[1]}`, service: 'TOLP24', serviceName: 'Royal Mail Tracked 24' },
};
const ruleIds = { alpha: [], beta: [] };

// Any alert is an XSS that ran; confirm is the delete button's question.
function watchDialogs(page, fired) {
  page.on('dialog', async (d) => {
    if (d.type() === 'confirm') { await d.accept(); return; }
    fired.push(`${d.type()}: ${d.message()}`);
    await d.dismiss();
  });
}

// A form posted by hand from the page (its session cookie goes with it):
// the status, 0 for a redirect.
async function postByHand(page, path, fields) {
  return page.evaluate(async ([p, f]) => {
    const r = await fetch(p, { method: 'POST', body: new URLSearchParams(f), redirect: 'manual' });
    return r.status;
  }, [path, fields]);
}

async function idsOnList(page) {
  return page.$$eval('a[href$="/edit"]', (as) => as.map((a) => Number(a.getAttribute('href').split('/')[2])));
}

async function addRule(page, fields) {
  await page.goto(app.base + '/rules');
  await Promise.all([page.waitForURL(app.base + '/rules/new'), page.getByRole('link', { name: 'Add a rule' }).click()]);
  await page.getByLabel('Name', { exact: true }).fill(fields.name);
  if (fields.countries) await page.getByLabel('Countries', { exact: true }).fill(fields.countries);
  if (fields.zone) await page.getByLabel('Zone', { exact: true }).selectOption(fields.zone);
  if (fields.max) await page.getByLabel('Up to', { exact: true }).first().fill(fields.max);
  await page.getByLabel('Service', { exact: true }).selectOption(fields.service);
  await Promise.all([page.waitForURL(/\/rules\?done=added$/), page.getByRole('button', { name: 'Add rule' }).click()]);
}

await check('each business writes its rules; names render as text; it sees only its own', async () => {
  for (const t of [alpha, beta]) {
    const p = plan[t.slug];
    const { context, page } = await app.signIn(t.admin);
    const fired = [];
    watchDialogs(page, fired);
    await page.goto(app.base + '/rules');
    await page.getByText('No shipping rules yet.').waitFor();
    await app.axe(page, `${t.slug} empty rules`);
    if (t === alpha) await app.shots(page, 'rules-empty');
    await addRule(page, { name: p.uk, countries: 'GB', max: '2000', service: p.service });
    await addRule(page, { name: p.eu, zone: 'EU', service: 'ITROLP' });
    // alpha has one more: an id beta does not have
    if (t === alpha) await addRule(page, { name: 'Alpha fallback', service: 'OLP2' });
    await page.getByText('Rule added.').waitFor();
    const table = page.getByRole('table');
    await table.getByText(p.uk, { exact: true }).waitFor();
    await table.getByText(p.eu, { exact: true }).waitFor();
    await table.getByText('To United Kingdom, up to 2 kg', { exact: true }).waitFor();
    await table.getByText('To Europe', { exact: true }).waitFor();
    assert.equal(await page.locator('main img').count(), 0, 'a rule name made an image');
    assert.equal(await page.locator('main script').count(), 0, 'a rule name made a script');
    ruleIds[t.slug] = await idsOnList(page);
    assert.equal(ruleIds[t.slug].length, t === alpha ? 3 : 2);
    await app.axe(page, `${t.slug} rules list`);
    await app.shots(page, `rules-list-${t.slug}`);
    const other = plan[t === alpha ? 'beta' : 'alpha'];
    const html = await page.content();
    for (const name of [other.uk, other.eu, 'Alpha Parcels Ltd', 'Beta Print Co'].filter((n) => n !== t.name))
      assert.ok(!html.includes(name.replace(/&/g, '&amp;').replace(/</g, '&lt;')) && !html.includes(name),
                `${t.slug}'s rules page shows ${name}`);
    assert.deepEqual(fired, [], 'a dialog fired');
    await context.close();
  }
});

await check('the edit form, its field messages, reordering and switching off', async () => {
  const { context, page } = await app.signIn(alpha.admin);
  const fired = [];
  watchDialogs(page, fired);
  const [uk, eu, fallback] = ruleIds.alpha;
  await page.goto(`${app.base}/rules/${uk}/edit`);
  assert.equal(await page.getByLabel('Name', { exact: true }).inputValue(), plan.alpha.uk);
  assert.equal(await page.getByLabel('Countries', { exact: true }).inputValue(), 'GB');
  await app.axe(page, 'rule edit form');
  await app.shots(page, 'rules-form');
  // a form that does not check out: messages at the fields, what was typed kept
  await page.getByLabel('Name', { exact: true }).fill('');
  await page.getByLabel('Countries', { exact: true }).fill('GB, Atlantis');
  await page.getByLabel('From', { exact: true }).first().fill('3000');
  await page.getByRole('button', { name: 'Save rule' }).click();
  await page.getByText('The rule was not saved: check the fields marked below.').waitFor();
  await page.getByText('Give the rule a name.').waitFor();
  await page.getByText('The largest weight is below the smallest.').waitFor();
  await page.getByText('"Atlantis" is not a country code (use codes such as GB, FR, US).').waitFor();
  assert.equal(await page.getByLabel('Countries', { exact: true }).inputValue(), 'GB, Atlantis');
  assert.equal(await page.getByLabel('Name', { exact: true }).getAttribute('aria-invalid'), 'true');
  await app.axe(page, 'rule form with messages');
  await app.shots(page, 'rules-form-errors');
  // nothing was stored
  await page.goto(app.base + '/rules');
  await page.getByRole('table').getByText(plan.alpha.uk, { exact: true }).waitFor();
  // the European rule up, then off
  await page.getByRole('button', { name: `Move ${plan.alpha.eu} up` }).click();
  await page.getByText('Rule moved.').waitFor();
  assert.deepEqual(await idsOnList(page), [eu, uk, fallback]);
  await page.getByRole('button', { name: `Switch off ${plan.alpha.eu}` }).click();
  await page.getByText('Rule switched off.').waitFor();
  await page.getByRole('button', { name: `Switch on ${plan.alpha.eu}` }).waitFor();
  await page.getByRole('button', { name: `Move ${plan.alpha.uk} up` }).click();
  assert.deepEqual(await idsOnList(page), [uk, eu, fallback]);
  assert.deepEqual(fired, [], 'a dialog fired');
  await context.close();
});

await check("another business's rule ids find nothing, typed or posted by hand", async () => {
  const { context, page } = await app.signIn(beta.admin);
  for (const id of ruleIds.alpha) {
    const resp = await page.goto(`${app.base}/rules/${id}/edit`);
    // beta's own rules are numbered from 1 too: an id of alpha's that beta
    // also has opens beta's rule, never alpha's
    const html = await page.content();
    assert.ok(!html.includes('Alpha UK') && !html.includes('Alpha EU'), `beta's /rules/${id}/edit shows alpha's rule`);
    if (!ruleIds.beta.includes(id)) assert.equal(resp.status(), 404, `beta's /rules/${id}/edit`);
  }
  const resp = await page.goto(`${app.base}/rules/${Math.max(...ruleIds.alpha, ...ruleIds.beta) + 7}/edit`);
  assert.equal(resp.status(), 404);
  await page.getByText('There is no such shipping rule in your business.').waitFor();
  await app.axe(page, 'rule not found');
  // posted by hand with beta's own CSRF token: alpha's rules stay as they were
  await page.goto(app.base + '/rules');
  const csrf = await page.locator('input[name=csrf]').first().inputValue();
  const alphaOnly = ruleIds.alpha.filter((id) => !ruleIds.beta.includes(id));
  assert.ok(alphaOnly.length > 0);
  for (const id of alphaOnly) {
    for (const what of ['delete', 'disable', 'up', 'down']) {
      assert.equal(await postByHand(page, `/rules/${id}/${what}`, { csrf }), 404, `POST /rules/${id}/${what}`);
    }
    assert.equal(await postByHand(page, `/rules/${id}/edit`,
                                  { csrf, name: 'Taken over', service: 'OLP1', value_of: 'total' }), 404);
    // and the control: beta's own rule with the same token is found
    assert.equal(await postByHand(page, `/rules/${ruleIds.beta[0]}/edit`, { csrf, name: '', service: 'OLP1' }), 422);
  }
  await context.close();
  // alpha still has both rules, unchanged
  const a = await app.signIn(alpha.admin);
  await a.page.goto(app.base + '/rules');
  assert.deepEqual(await idsOnList(a.page), ruleIds.alpha);
  await a.page.getByRole('table').getByText(plan.alpha.uk, { exact: true }).waitFor();
  assert.equal(await a.page.getByText('Taken over').count(), 0);
  await a.page.getByRole('table').getByText('Alpha fallback', { exact: true }).waitFor();
  await a.context.close();
});

await check("an order sent without a service takes its own business's rule", async () => {
  const order = (ref) => ({
    orderReference: ref,
    recipient: { address: { fullName: 'Rule Tester', addressLine1: '1 High Street', city: 'London',
                            postcode: 'SW1A 1AA', countryCode: 'GB' } },
    packages: [{ weightInGrams: 500, packageFormatIdentifier: 'smallParcel' }],
    orderDate: '2026-11-29T10:00:00Z', subtotal: 10, shippingCostCharged: 2.5, total: 12.5, currencyCode: 'GBP',
  });
  for (const t of [alpha, beta]) {
    const r = await app.api(t, 'POST', '/api/v1/orders', { items: [order(`RULE-${t.slug}`)] });
    assert.equal(r.status, 200, r.text);
    const created = r.json.createdOrders[0];
    assert.match(created.trackingNumber || '', /^T[AB]\d{9}GB$/);
    const full = await app.api(t, 'GET', `/api/v1/orders/${created.orderIdentifier}/full`);
    const o = Array.isArray(full.json) ? full.json[0] : full.json;
    assert.equal(o.shippingDetails.serviceCode, plan[t.slug].service, `${t.slug}'s order took another business's rule`);
  }
});

await check('a Standard user sees the rules and changes none', async () => {
  const { context, page } = await app.signIn(alpha.standard);
  await page.goto(app.base + '/rules');
  await page.getByRole('table').getByText(plan.alpha.uk, { exact: true }).waitFor();
  await page.getByText('Only administrators can change the rules.').waitFor();
  assert.equal(await page.getByRole('link', { name: 'Add a rule' }).count(), 0);
  assert.equal(await page.locator('a[href$="/edit"]').count(), 0);
  assert.equal(await page.locator('main form').count(), 0);
  await app.axe(page, 'rules list for a Standard user');
  await app.shots(page, 'rules-list-standard');
  const resp = await page.goto(app.base + '/rules/new');
  assert.equal(resp.status(), 403);
  const csrf = await (async () => {
    await page.goto(app.base + '/rules');
    return page.locator('input[name=csrf]').first().inputValue();
  })();
  assert.equal(await postByHand(page, `/rules/${ruleIds.alpha[0]}/delete`, { csrf }), 403);
  // the same token is good: the session may post what its role allows
  assert.equal(await postByHand(page, '/orders/bulk/postage', { csrf, service: 'TOLP48' }), 0);
  await context.close();
});

const problems = await app.stop();
for (const p of problems) console.log(`FAIL - ${p}`);
const failed = results.filter((r) => !r.ok).length + problems.length;
console.log(`browser_rules: ${results.length - failed + problems.length} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
