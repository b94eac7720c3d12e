// browser_settings: the administrators' settings pages in Chromium (issue
// 11). Two businesses in two contexts add a user, set its role and remove
// it, create an API key (seen once, working, then revoked); forms edited
// by hand to name the other business's user or key find nothing; markup
// typed into key names and e-mail addresses renders as text; a Standard
// user gets 403 pages by URL; axe-core on every page; desktop and phone
// screenshots of each.
import assert from 'node:assert/strict';

import { checker, prelude } from './lib.mjs';
import { startApp } from './app.mjs';

const { fail, chromium } = await prelude('browser_settings', 'settings.test.mjs');
const app = await startApp('browser_settings', chromium, fail);
const { results, check } = checker();
const [alpha, beta] = app.tenants;
const XSS = ['<script>alert(1)</script>', '"><img src=x onerror=alert(1)>'];
const shown = []; // the one-time passwords and keys, never to reach the log

// A signed-in admin whose page accepts confirm() (the remove and revoke
// buttons ask) and fails on any other dialog: an alert is an XSS firing.
async function admin(t) {
  const s = await app.signIn(t.admin);
  s.dialogs = [];
  s.page.on('dialog', async (d) => {
    if (d.type() === 'confirm') return d.accept();
    s.dialogs.push(d.message());
    return d.dismiss();
  });
  return s;
}

// Submits a form by its button and waits for the answer page; the answer.
async function submit(page, button) {
  const [resp] = await Promise.all([page.waitForEvent('response', (r) => r.request().method() === 'POST'),
                                    button.click()]);
  await page.waitForLoadState('load');
  return resp;
}

const alphaS = await admin(alpha);
const betaS = await admin(beta);

await check('the settings index links every settings page', async () => {
  for (const [t, s] of [[alpha, alphaS], [beta, betaS]]) {
    await s.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
    await s.page.waitForURL(app.base + '/settings');
    for (const name of ['Users', 'API keys', 'Labels and customs', 'Trading names and sender addresses'])
      await s.page.getByRole('link', { name, exact: true }).waitFor();
    await app.axe(s.page, `${t.slug} settings`);
    await app.shots(s.page, `settings-index-${t.slug}`);
  }
});

// Beta first makes a user and a key of its own, whose ids Alpha then
// types into its own forms.
let betaUserId, betaKeyId;
await check('Beta adds a user and a key', async () => {
  const p = betaS.page;
  await p.goto(app.base + '/settings/users');
  await p.getByLabel('E-mail address').fill('helper@beta-helper.example');
  await p.locator('#role').selectOption('standard');
  const r = await submit(p, p.getByRole('button', { name: 'Add user' }));
  assert.equal(r.status(), 200);
  shown.push(await p.locator('code.secret').innerText());
  betaUserId = await p.locator('tr', { hasText: 'helper@beta-helper.example' })
    .locator('input[name=user]').first().getAttribute('value');
  await p.goto(app.base + '/settings/keys');
  await p.getByLabel('Name').fill('Beta shop');
  await submit(p, p.getByRole('button', { name: 'Create key' }));
  shown.push(await p.getByLabel('API key').inputValue());
  await p.goto(app.base + '/settings/keys');
  betaKeyId = await p.locator('tr', { hasText: 'Beta shop' }).locator('input[name=key]').getAttribute('value');
  assert.ok(Number(betaKeyId) > 1 && Number(betaUserId) > 2, `${betaKeyId} ${betaUserId}`);
});

await check("forms edited by hand to name the other business's user or key find nothing", async () => {
  const p = alphaS.page;
  await p.goto(app.base + '/settings/users');
  const html = await p.content();
  assert.ok(!html.includes('@beta.example') && !html.includes('beta-helper.example'), "Alpha's users page names a Beta user");
  // Alpha's Standard user's row, its remove form pointed at Beta's user
  const row = p.locator('tr', { hasText: alpha.standard.email });
  await row.locator('input[name=user]').nth(1).evaluate((el, id) => { el.value = id; }, betaUserId);
  let r = await submit(p, row.getByRole('button', { name: /^Remove/ }));
  assert.equal(r.status(), 404);
  await p.getByText('There is no such user in your business.').waitFor();
  await p.goto(app.base + '/settings/users');
  const row2 = p.locator('tr', { hasText: alpha.standard.email });
  await row2.locator('input[name=user]').first().evaluate((el, id) => { el.value = id; }, betaUserId);
  await row2.getByRole('combobox').selectOption('admin');
  r = await submit(p, row2.getByRole('button', { name: 'Set role' }));
  assert.equal(r.status(), 404);
  // a key: Alpha's own key's revoke form pointed at Beta's
  await p.goto(app.base + '/settings/keys');
  const krow = p.locator('tbody tr').first();
  await krow.locator('input[name=key]').evaluate((el, id) => { el.value = id; }, betaKeyId);
  r = await submit(p, krow.getByRole('button', { name: /^Revoke/ }));
  assert.equal(r.status(), 404);
  assert.ok(!(await p.content()).includes('Beta shop'));
  // Beta's user and key are still there, and the key works
  await betaS.page.goto(app.base + '/settings/users');
  await betaS.page.locator('tr', { hasText: 'helper@beta-helper.example' }).getByRole('cell', { name: 'Standard', exact: true }).waitFor();
  const b = await app.api(beta, 'GET', '/api/v1/orders');
  assert.equal(b.status, 200);
});

await check('add a user, see the password once, set the role, remove them', async () => {
  for (const [t, s] of [[alpha, alphaS], [beta, betaS]]) {
    const p = s.page;
    const email = `new.person@${t.slug}.example`;
    await p.goto(app.base + '/settings/users');
    await app.axe(p, `${t.slug} users`);
    await app.shots(p, `settings-users-${t.slug}`);
    await p.getByLabel('E-mail address').fill(email);
    await p.locator('#role').selectOption('standard');
    await submit(p, p.getByRole('button', { name: 'Add user' }));
    const pw = await p.locator('code.secret').innerText();
    shown.push(pw);
    assert.match(pw, /^[A-Za-z0-9]{4}(-[A-Za-z0-9]{4}){3}$/);
    await app.axe(p, `${t.slug} user added`);
    await app.shots(p, `settings-user-added-${t.slug}`);
    await p.goto(app.base + '/settings/users');
    assert.ok(!(await p.content()).includes(pw), 'the password is shown once');
    // the new user signs in with it
    const other = await app.signIn({ email, password: pw });
    await other.page.getByRole('banner').getByText(email).waitFor();
    // Administrator
    const row = p.locator('tr', { hasText: email });
    await row.getByRole('combobox').selectOption('admin');
    await submit(p, row.getByRole('button', { name: 'Set role' }));
    await p.getByText('The role is changed.').waitFor();
    await p.locator('tr', { hasText: email }).getByRole('cell', { name: 'Administrator', exact: true }).waitFor();
    // removed: the session they hold stops working
    await submit(p, p.locator('tr', { hasText: email }).getByRole('button', { name: /^Remove/ }));
    await p.getByText('The user is removed and signed out.').waitFor();
    assert.equal(await p.locator('tr', { hasText: email }).count(), 0);
    await other.page.goto(app.base + '/');
    assert.equal(new URL(other.page.url()).pathname, '/login');
    await other.context.close();
  }
});

await check('markup typed as an e-mail address is refused field by field and shown as text', async () => {
  const p = alphaS.page;
  for (const x of XSS) {
    await p.goto(app.base + '/settings/users');
    await p.getByLabel('E-mail address').fill(x);
    const r = await submit(p, p.getByRole('button', { name: 'Add user' }));
    assert.equal(r.status(), 422);
    await p.locator('#email-error').waitFor();
    assert.equal(await p.getByLabel('E-mail address').inputValue(), x, 'the typed text comes back as text');
    assert.equal(await p.locator('img[src=x]').count(), 0);
  }
  await app.axe(p, 'users with field errors');
  await app.shots(p, 'settings-users-error');
  assert.deepEqual(alphaS.dialogs, []);
});

await check('create a key, see it once, use it, revoke it; markup in its name is text', async () => {
  for (const [t, s] of [[alpha, alphaS], [beta, betaS]]) {
    const p = s.page;
    const name = `${t.slug} ${XSS.join(' ')}`;
    await p.goto(app.base + '/settings/keys');
    await app.axe(p, `${t.slug} keys`);
    await p.getByLabel('Name').fill(name);
    await submit(p, p.getByRole('button', { name: 'Create key' }));
    const key = await p.getByLabel('API key').inputValue();
    shown.push(key);
    assert.match(key, /^[A-Za-z0-9]{36}$/);
    await p.getByText(name, { exact: true }).first().waitFor();
    await app.axe(p, `${t.slug} key created`);
    await app.shots(p, `settings-key-created-${t.slug}`);
    const use = await app.api({ key }, 'GET', '/api/v1/orders');
    assert.equal(use.status, 200, 'the key works for the API');
    await p.goto(app.base + '/settings/keys');
    assert.ok(!(await p.content()).includes(key), 'the key is shown once');
    const row = p.locator('tr', { hasText: `${t.slug} <script>` });
    await row.getByText(name, { exact: true }).waitFor();
    assert.equal(await p.locator('img[src=x]').count(), 0);
    // last used, written by the server within a moment
    for (let i = 0; i < 50 && (await row.innerText()).includes('Never'); i++) {
      await p.waitForTimeout(100);
      await p.reload();
    }
    assert.ok(!(await row.innerText()).includes('Never'), 'last used shows');
    await app.shots(p, `settings-keys-${t.slug}`);
    await submit(p, row.getByRole('button', { name: /^Revoke/ }));
    await p.getByText('The key is revoked.').waitFor();
    await row.getByText('Revoked').waitFor();
    assert.equal((await app.api({ key }, 'GET', '/api/v1/orders')).status, 401, 'revoked: refused');
    assert.deepEqual(s.dialogs, [], 'no script ran');
  }
});

await check('labels and customs: the layout and defaults are saved for the business', async () => {
  const p = alphaS.page;
  await p.goto(app.base + '/settings/labels');
  await app.axe(p, 'labels');
  await p.getByLabel(/A4 sheets/).check();
  await p.getByLabel('Type of contents').selectOption('gift');
  await p.getByLabel(/Country of origin/).fill('France');
  await submit(p, p.getByRole('button', { name: 'Save' }));
  await p.getByText('The settings are saved.').waitFor();
  assert.equal(await p.getByLabel(/Country of origin/).inputValue(), 'FR');
  assert.ok(await p.getByLabel(/A4 sheets/).isChecked());
  await app.axe(p, 'labels saved');
  await app.shots(p, 'settings-labels');
  await p.getByLabel(/Country of origin/).fill(XSS[1]);
  const r = await submit(p, p.getByRole('button', { name: 'Save' }));
  assert.equal(r.status(), 422);
  await p.locator('#origin-error').waitFor();
  assert.equal(await p.locator('img[src=x]').count(), 0);
  await app.shots(p, 'settings-labels-error');
  // Beta's is untouched
  await betaS.page.goto(app.base + '/settings/labels');
  assert.ok(await betaS.page.getByLabel(/6 x 4 inch/).isChecked());
  assert.equal(await betaS.page.getByLabel(/Country of origin/).inputValue(), '');
});

await check("a Standard user gets 403 pages for settings, users, keys and labels by URL", async () => {
  const { context, page } = await app.signIn(beta.standard);
  for (const path of ['/settings', '/settings/users', '/settings/keys', '/settings/labels']) {
    const r = await page.goto(app.base + path);
    assert.equal(r.status(), 403, path);
    await page.getByRole('heading', { name: 'Administrators only' }).waitFor();
    const main = await page.locator('main').innerText();
    assert.ok(!main.includes('helper@beta-helper.example') && !main.includes('Beta shop'), path);
  }
  await app.axe(page, 'standard 403');
  await app.shots(page, 'settings-403-standard');
  await context.close();
});

await alphaS.context.close();
await betaS.context.close();
const problems = await app.stop(['browser tests password', ...shown]);
for (const p of problems) console.log(`FAIL - ${p}`);
const failed = results.filter((r) => !r.ok).length + problems.length;
console.log(`browser_settings: ${results.length - failed + problems.length} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
