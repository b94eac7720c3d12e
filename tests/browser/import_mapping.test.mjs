// browser_import_mapping: column mappings in Chromium (issue 13). Alpha's
// administrator uploads a file of its own layout (headers and cells that are
// XSS attempts), maps its columns on the page, previews its first rows, is
// refused a mapping with no name field by field, saves one under a hostile
// name, and sees the next upload of the same columns import on its own. Beta
// never sees Alpha's mappings, not by number typed into the address bar nor
// posted by hand in its own forms. Alpha's Standard user uses the mapping
// but is offered no change. Every page passes axe-core; screenshots of each.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { checker, prelude } from './lib.mjs';
import { startApp } from './app.mjs';

const { fail, chromium } = await prelude('browser_import_mapping', 'import_mapping.test.mjs');
const app = await startApp('browser_import_mapping', chromium, fail);
const { results, check } = checker();
const [alpha, beta] = app.tenants;

const XSS1 = '<script>alert(1)</script>';
const XSS2 = '"><img src=x onerror=alert(1)>';
const q = (s) => '"' + s.replace(/"/g, '""') + '"';
// the shop's own layout: two headers are XSS attempts
const HEADER = ['Ref', 'Customer', XSS1, 'Town', 'Zip', XSS2, 'Kilos'].map(q).join(',') + '\r\n';
const rows = [
  ['AM-1', 'Ann ' + XSS1, '1 High St', 'Leeds', 'LS1 1AA', XSS2, '0.5'],
  ['AM-2', 'Bob Ray', '2 Low Rd', 'York', 'YO1 7HH', '', '1.25'],
  ['AM-3', 'Cat Day', '3 Mid St', 'Hull', 'HU1 1AA', '', 'heavy'],
];
const file = path.join(app.dir, 'shop export.csv');
fs.writeFileSync(file, HEADER + rows.map((r) => r.map(q).join(',') + '\r\n').join(''));
const good = path.join(app.dir, 'shop export again.csv');
fs.writeFileSync(good, HEADER + rows.slice(0, 2).map((r) => r.map(q).join(',') + '\r\n').join(''));
// 58 characters: the form takes at most 60
const NAME = `Ω ${XSS1} ${XSS2}`;

function noDialogs(page, who) {
  page.on('dialog', async (d) => {
    await d.dismiss();
    fail(`${who}: a dialog fired (${d.message()}): markup from a file or a name ran`);
  });
}

async function upload(page, f, mapping) {
  await page.goto(app.base + '/import');
  await page.locator('input[type=file][name=file]').setInputFiles(f);
  if (mapping !== undefined) await page.locator('select[name=mapping]').selectOption(mapping);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === app.base + '/import' && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Import orders' }).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

async function submit(page, button) {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

let alphaId = null;

await check('an unknown layout is mapped, previewed, refused without a name, then saved', async () => {
  const { context, page } = await app.signIn(alpha.admin);
  noDialogs(page, 'alpha admin');
  const r = await upload(page, file);
  assert.equal(r.status(), 422);
  await page.getByRole('heading', { name: 'Map the columns of your file' }).waitFor();
  await page.getByText('Nothing was imported').waitFor();
  // the hostile headers are offered as text
  const options = await page.locator('#m-address_line1 option').allTextContents();
  assert.ok(options.includes(XSS1 + ' (e.g. 1 High St)'), JSON.stringify(options));
  assert.ok(options.some((o) => o.startsWith(XSS2)), JSON.stringify(options));
  assert.equal(await page.locator('img[src=x]').count(), 0);
  await app.axe(page, 'the mapping page');
  await app.shots(page, 'mapping-offer');
  // choose the columns (by their index in the file) and preview
  const choose = { reference: '0', full_name: '1', address_line1: '2', city: '3', postcode: '4', country: '5',
                   weight: '6' };
  for (const [key, v] of Object.entries(choose)) await page.locator(`#m-${key}`).selectOption(v);
  await page.locator('#m-dates').selectOption('dmy');
  let resp = await submit(page, 'Preview');
  assert.equal(resp.status(), 200);
  const preview = page.locator('table.preview');
  await preview.waitFor();
  const lines = await preview.locator('tbody tr td.num').allTextContents();
  assert.deepEqual(lines, ['2', '3', '4']);
  await preview.getByText('Ann ' + XSS1).waitFor();
  await preview.getByText(`${XSS2}: '${XSS2}' is not a country`, { exact: false }).waitFor();
  await preview.getByText("Kilos: 'heavy' is not a weight", { exact: false }).waitFor();
  assert.equal(await page.locator('img[src=x]').count(), 0);
  await app.axe(page, 'the preview');
  await app.shots(page, 'mapping-preview');
  // no name: refused at the name field, nothing stored
  resp = await submit(page, 'Save mapping');
  assert.equal(resp.status(), 422);
  await page.locator('#m-name-error').getByText('Enter a name.').waitFor();
  assert.equal(await page.locator('#m-name').getAttribute('aria-invalid'), 'true');
  await app.axe(page, 'the refused mapping');
  await app.shots(page, 'mapping-refused');
  // a required field taken away: refused at that field
  await page.locator('#m-city').selectOption('');
  await page.locator('#m-name').fill(NAME);
  resp = await submit(page, 'Save mapping');
  assert.equal(resp.status(), 422);
  await page.locator('#m-city-error').getByText('Town or city must be mapped to a column').waitFor();
  await page.locator('#m-city').selectOption('3');
  await page.locator('#m-country').selectOption('');
  resp = await submit(page, 'Save mapping');
  assert.equal(resp.status(), 303);
  await page.getByRole('heading', { name: NAME }).waitFor();
  await page.getByText('Mapping saved.', { exact: false }).waitFor();
  alphaId = Number(new URL(page.url()).pathname.split('/').pop());
  assert.ok(alphaId >= 1);
  await app.axe(page, 'the saved mapping');
  await app.shots(page, 'mapping-saved');
  await page.goto(app.base + '/import/mappings');
  await page.getByRole('link', { name: NAME }).waitFor();
  await app.axe(page, 'the mappings list');
  await app.shots(page, 'mappings-list');
  // the next upload of the same columns imports on its own
  const up = await upload(page, good);
  assert.equal(up.status(), 200);
  await page.getByText(`2 orders imported from a ${NAME} file.`).waitFor();
  await app.shots(page, 'mapping-imported');
  const got = await app.api(alpha, 'GET', '/api/v1/orders/full');
  const refs = got.json.orders.map((o) => o.orderReference).sort();
  assert.deepEqual(refs, ['AM-1', 'AM-2']);
  await context.close();
});

await check("Beta never sees Alpha's mapping, typed or posted by hand", async () => {
  const { context, page } = await app.signIn(beta.admin);
  noDialogs(page, 'beta admin');
  for (const p of [`/import/mappings/${alphaId}`, `/import/mappings/${alphaId}?done=saved`]) {
    const r = await page.goto(app.base + p);
    assert.equal(r.status(), 404, p);
    assert.ok(!(await page.content()).includes('Ω'), `${p} shows Alpha's mapping`);
  }
  await page.getByText('There is no such column mapping in your business.').waitFor();
  await app.axe(page, 'the 404 of a mapping');
  await app.shots(page, 'mapping-foreign-404');
  await page.goto(app.base + '/import/mappings');
  await page.getByText('No mappings yet.').waitFor();
  assert.ok(!(await page.content()).includes('Ω'));
  // its own import form, with Alpha's number added to the mapping choice by hand
  await page.goto(app.base + '/import');
  assert.equal(await page.locator('select[name=mapping]').count(), 0, 'Beta has no mappings to choose');
  await page.evaluate((id) => {
    const s = document.createElement('select');
    s.name = 'mapping';
    s.innerHTML = `<option value="${id}" selected>x</option>`;
    document.querySelector('form[action="/import"]').appendChild(s);
  }, String(alphaId));
  await page.locator('input[type=file][name=file]').setInputFiles(good);
  const [resp] = await Promise.all([
    page.waitForResponse((r) => r.url() === app.base + '/import' && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Import orders' }).click(),
  ]);
  assert.equal(resp.status(), 404);
  // a delete and a rename of Alpha's number, posted from Beta's own page with its own token
  for (const action of ['delete', 'rename']) {
    await page.goto(app.base + '/import');
    await page.evaluate(([id, act]) => {
      const f = document.createElement('form');
      f.method = 'post';
      f.action = `/import/mappings/${id}/${act}`;
      f.innerHTML = '<input name="name" value="Taken">';
      f.appendChild(document.querySelector('input[name=csrf]').cloneNode());
      document.body.appendChild(f);
      f.submit();
    }, [alphaId, action]);
    await page.waitForLoadState('load');
    await page.getByText('There is no such column mapping in your business.').waitFor();
  }
  const orders = await app.api(beta, 'GET', '/api/v1/orders/full');
  assert.equal((orders.json.orders || []).length, 0, 'nothing was imported into Beta');
  // Beta's upload of the same file is unknown to Beta: its own mapping page
  const up = await upload(page, good);
  assert.equal(up.status(), 422);
  await page.getByRole('heading', { name: 'Map the columns of your file' }).waitFor();
  await context.close();
  // Alpha's mapping is as it was
  const a = await app.signIn(alpha.admin);
  await a.page.goto(app.base + `/import/mappings/${alphaId}`);
  await a.page.getByRole('heading', { name: NAME }).waitFor();
  await a.context.close();
});

await check('a Standard user uses the mapping but is offered no change', async () => {
  const { context, page } = await app.signIn(alpha.standard);
  noDialogs(page, 'alpha standard');
  await page.goto(app.base + '/import/mappings');
  await page.getByRole('link', { name: NAME }).waitFor();
  assert.equal(await page.getByRole('button', { name: /Delete/ }).count(), 0);
  await page.getByRole('link', { name: NAME }).click();
  await page.getByRole('heading', { name: NAME }).waitFor();
  assert.equal(await page.getByRole('button', { name: 'Rename' }).count(), 0);
  assert.equal(await page.getByRole('button', { name: 'Delete mapping' }).count(), 0);
  await app.axe(page, "a Standard user's mapping page");
  await app.shots(page, 'mapping-standard');
  // an unknown layout: told whom to ask, no mapping form
  const other = path.join(app.dir, 'other.csv');
  fs.writeFileSync(other, 'Alpha,Beta,Gamma\r\n1,2,3\r\n');
  let r = await upload(page, other);
  assert.equal(r.status(), 422);
  await page.getByText('An administrator of your business can map', { exact: false }).waitFor();
  assert.equal(await page.locator('form[action="/import/mapping"]').count(), 0);
  await app.axe(page, "a Standard user's unknown file");
  await app.shots(page, 'mapping-standard-unknown');
  // chosen on the import page, the mapping reads a file of the same columns
  const more = path.join(app.dir, 'more.csv');
  fs.writeFileSync(more, HEADER + [['AM-9', 'Dee Fox', '9 End St', 'Bath', 'BA1 1AA', '', '0.2']]
    .map((row) => row.map(q).join(',') + '\r\n').join(''));
  await page.goto(app.base + '/import');
  await page.getByLabel('Read its columns as').waitFor();
  await app.axe(page, 'the import page with a mapping to choose');
  await app.shots(page, 'mapping-import-choice');
  r = await upload(page, more, String(alphaId));
  assert.equal(r.status(), 200);
  await page.getByText(`1 order imported from a ${NAME} file.`).waitFor();
  await context.close();
});

const problems = await app.stop(['browser tests password', '1 High St', 'Dee Fox']);
for (const p of problems) console.log(`FAIL - ${p}`);
const failed = results.filter((r) => !r.ok).length + problems.length;
console.log(`browser_import_mapping: ${results.length - failed + problems.length} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
