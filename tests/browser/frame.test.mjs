// browser_frame: the signed-in app's frame in Chromium (issue 11). Each
// business's user sees their own business and e-mail in the navigation bar
// and nothing of the other's; a Standard user is not offered Settings; the
// frame passes axe-core with no serious violation at desktop and phone width.
import assert from 'node:assert/strict';

import { checker, prelude } from './lib.mjs';
import { startApp } from './app.mjs';

const { fail, chromium } = await prelude('browser_frame', 'frame.test.mjs');
const app = await startApp('browser_frame', chromium, fail);
const { results, check } = checker();
const [alpha, beta] = app.tenants;

await check('the navigation bar names the business and the user, and only them', async () => {
  for (const [t, other] of [[alpha, beta], [beta, alpha]]) {
    const { context, page } = await app.signIn(t.admin);
    const bar = page.getByRole('banner');
    await bar.getByText(t.name, { exact: true }).waitFor();
    await bar.getByText(t.admin.email, { exact: true }).waitFor();
    const html = await page.content();
    assert.ok(!html.includes(other.name), `${t.name}'s page names ${other.name}`);
    assert.ok(!html.includes(other.admin.email), `${t.name}'s page names ${other.admin.email}`);
    const nav = page.getByRole('navigation', { name: 'Main' });
    assert.equal(await nav.getByRole('link', { name: 'Settings' }).count(), 1, 'an administrator is offered Settings');
    assert.equal(await nav.getByRole('link', { name: 'Dashboard' }).getAttribute('aria-current'), 'page');
    await app.shots(page, `frame-${t.slug}`);
    await app.axe(page, `${t.slug} dashboard`);
    await page.setViewportSize({ width: 390, height: 844 });
    await app.axe(page, `${t.slug} dashboard at phone width`);
    await context.close();
  }
});

await check('a Standard user is not offered Settings', async () => {
  const { context, page } = await app.signIn(alpha.standard);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Orders' }).waitFor();
  assert.equal(await nav.getByRole('link', { name: 'Settings' }).count(), 0);
  await context.close();
});

await check('signing out from the bar ends the session', async () => {
  const { context, page } = await app.signIn(beta.standard);
  await Promise.all([page.waitForURL(app.base + '/login'),
                     page.getByRole('banner').getByRole('button', { name: 'Sign out' }).click()]);
  await page.goto(app.base + '/');
  assert.equal(new URL(page.url()).pathname, '/login', 'the old session opens nothing');
  await context.close();
});

const problems = await app.stop();
for (const p of problems) console.log(`FAIL - ${p}`);
const failed = results.filter((r) => !r.ok).length + problems.length;
console.log(`browser_frame: ${results.length - failed + problems.length} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
