// tests/browser/import.test.mjs: the spreadsheet import in a real browser.
//
// Headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// signs in through /login, follows the home page's link to /import, picks a
// real CSV file in the file input and submits the form. The server then reads
// the multipart body Chromium itself encoded, which tests/e2e only imitates.
// Also: a file with one bad row shows "Line N, Column" and creates nothing, and a
// file over 1 MiB imports in the background behind a live progress bar.
//
// Run: node tests/browser/import.test.mjs BUILD/postroom
// Plain Node.js (18 or later), no test framework. The server's temporary
// directory is removed when every check passes (BROWSER_KEEP=1 keeps it); the
// screenshots are kept and their paths printed.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { CHROMIUM, HOST, SANITIZER_MARKERS, checker, freePort, prelude, sleep } from './lib.mjs';

const PASSWORD = 'browser tests password';
const EMAIL = 'browser@import.example';

const CD_HEADER = 'First Name,Last Name,Company,Address Line 1,Address Line 2,Address Line 3,City,County,' +
    'Postcode,Country,Phone,Email,Recipient is a business,Order reference,Special instructions,' +
    'Order date,Weight,Package size,Sub-total,Shipping cost,Total,Currency code,Service code,' +
    'Product name,SKU,Quantity,Unit price\r\n';

function cdRow({ first, last, line1, city, postcode, ref, country = 'United Kingdom', date = '28/11/2026',
                 weight = '0.25', size = 'large letter' }) {
  const cells = [first, last, '', line1, '', '', city, '', postcode, country, '', '', 'N', ref, '',
                 date, weight, size, '10.00', '2.50', '12.50', 'GBP', '', 'Mug', 'MUG-1', '2', '5.00'];
  return cells.map((c) => (/[",]/.test(c) ? '"' + c.replace(/"/g, '""') + '"' : c)).join(',') + '\r\n';
}

const { fail, bin, chromium } = await prelude('browser_import', 'import.test.mjs');

// --------------------------------------------------------------------------- the server

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postroom-browser-'));
const db = path.join(dir, 'postroom.db');
const stderrPath = path.join(dir, 'server.stderr');

function cli(args, input) {
  const cmd = [bin, '--db', db, ...args];
  const p = spawnSync(cmd[0], cmd.slice(1), { input: input ?? '', encoding: 'utf8', timeout: 120000 });
  if (p.status !== 0) fail(`${cmd.join(' ')} exited ${p.status ?? p.signal}\nstdout: ${p.stdout}\nstderr: ${p.stderr}`);
  for (const m of SANITIZER_MARKERS) if (p.stderr.includes(m)) fail(`${cmd.join(' ')} reported ${m}:\n${p.stderr}`);
  return p.stdout.trim();
}

// One HTTP request with node:http: resolves {status, body}, never rejects on 4xx/5xx.
function request(port, urlPath, headers = {}, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: HOST, port, path: urlPath, headers, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
  });
}


async function startServer() {
  let last = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const err = fs.openSync(stderrPath, 'a');
    const proc = spawn(bin, ['--db', db, 'serve', '--listen', `${HOST}:${port}`, '--rate-limit', '0'],
                       { stdio: ['ignore', err, err] });
    fs.closeSync(err);
    let exited = null;
    proc.on('exit', (code, signal) => { exited = { code, signal }; });
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline && !exited) {
      try {
        const r = await request(port, '/healthz', {}, 2000);
        if (r.status === 200) return { proc, port, exited: () => exited };
        last = `HTTP ${r.status}`;
      } catch (e) { last = e.message; }
      await sleep(50);
    }
    if (!exited) {
      proc.kill('SIGKILL');
      fail(`server did not answer GET /healthz 200 within 20s (last: ${last})\n${stderrTail()}`);
    }
    last = `exited with ${exited.code ?? exited.signal}`; // the port was taken? try another
  }
  fail(`server failed to start: ${last}\n${stderrTail()}`);
}

function stderrTail() {
  try { return fs.readFileSync(stderrPath, 'utf8').slice(-4000); } catch { return ''; }
}

// SIGTERM, then the exit status and the server's stderr: [] when all is well.
async function stopServer(server, forbidden) {
  const problems = [];
  if (!server.exited()) {
    server.proc.kill('SIGTERM');
    const deadline = Date.now() + 30000;
    while (!server.exited() && Date.now() < deadline) await sleep(50);
    if (!server.exited()) {
      problems.push('server did not exit within 30s of SIGTERM');
      server.proc.kill('SIGKILL');
      while (!server.exited()) await sleep(50);
    }
  }
  const { code, signal } = server.exited();
  if (code !== 0) problems.push(`server exited abnormally: ${code ?? signal}`);
  const err = fs.readFileSync(stderrPath, 'utf8');
  for (const m of SANITIZER_MARKERS) {
    const i = err.indexOf(m);
    if (i >= 0) problems.push(`server stderr contains ${m}:\n${err.slice(Math.max(0, i - 200), i + 3000)}`);
  }
  for (const s of forbidden) {
    const i = err.toLowerCase().indexOf(s.toLowerCase());
    if (i >= 0) problems.push(`server log contains the forbidden string ${JSON.stringify(s)}: ...${err.slice(Math.max(0, i - 200), i + 200)}...`);
  }
  return problems;
}

// --------------------------------------------------------------------------- the checks

cli(['migrate']);
const tenant = cli(['tenant', 'create', 'Browser Parcels Ltd']);
assert.match(tenant, /^\S+$/, 'tenant create prints the id alone');
cli(['user', 'add', tenant, EMAIL, '--role', 'standard'], PASSWORD + '\n');
const key = cli(['apikey', 'create', tenant, '--name', 'browser']);
assert.match(key, /^[A-Za-z0-9]{36}$/, 'apikey create prints the key alone');

const server = await startServer();
const base = `http://${HOST}:${server.port}`;

async function apiOrders() {
  const orders = [];
  let token = null;
  for (let pages = 0; pages < 100; pages++) {
    const q = new URLSearchParams({ pageSize: '100' });
    if (token) q.set('continuationToken', token);
    const r = await request(server.port, '/api/v1/orders/full?' + q, { Authorization: 'Bearer ' + key }, 30000);
    assert.equal(r.status, 200, `GET /api/v1/orders/full: ${r.status} ${r.body.slice(0, 500)}`);
    const j = JSON.parse(r.body);
    orders.push(...(j.orders || []));
    token = j.continuationToken;
    if (!token) return orders;
  }
  throw new Error('GET /api/v1/orders/full: more than 100 pages');
}

// Submits the import form with FILE and returns the response of the POST.
async function upload(page, file, fields = {}) {
  const input = page.locator('input[type=file][name=file]');
  await input.setInputFiles(file);
  if (fields.weight !== undefined) await page.getByLabel('Weight (kg)').fill(fields.weight);
  if (fields.package !== undefined) await page.getByLabel('Package size').selectOption(fields.package);
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.url() === base + '/import' && r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Import orders' }).click(),
  ]);
  await page.waitForLoadState('load');
  return response;
}

const { results, check } = checker();

const good = path.join(dir, 'orders for Zoë.csv');
fs.writeFileSync(good, CD_HEADER +
  cdRow({ first: 'Zoë', last: "Ó'Brien", line1: '1 High St', city: 'Leeds', postcode: 'LS1 1AA', ref: 'BRW-1' }) +
  cdRow({ first: 'Łukasz', last: 'Wąsowski', line1: '2 "Quoted" Road, Flat 3', city: 'York', postcode: 'YO1 7HH',
          ref: 'BRW-2', country: 'GB', weight: '1.5', size: 'small parcel' }) +
  // no weight nor size: the form's default parcel applies
  cdRow({ first: 'Ann', last: 'Lee', line1: '3 Low Rd', city: 'Hull', postcode: 'HU1 1AA', ref: 'BRW-3',
          weight: '', size: '' }));
const bad = path.join(dir, 'bad.csv');
fs.writeFileSync(bad, CD_HEADER +
  cdRow({ first: 'Good', last: 'Row', line1: '1 A St', city: 'Leeds', postcode: 'LS1 1AA', ref: 'BRW-BAD-1' }) +
  cdRow({ first: 'No', last: 'Postcode', line1: '2 B St', city: 'Leeds', postcode: '', ref: 'BRW-BAD-2' }));

// More than the 1 MiB the page imports in its own request: a background job, its
// page showing a progress bar until the job ends.
const BIG_ROWS = 9000;
const big = path.join(dir, 'big.csv');
{
  const rows = [CD_HEADER];
  for (let i = 0; i < BIG_ROWS; i++)
    rows.push(cdRow({ first: 'Bulk', last: 'Buyer' + i, line1: i + ' Long Road', city: 'Leeds',
                      postcode: 'LS1 1AA', ref: 'BRW-BIG-' + i }));
  fs.writeFileSync(big, rows.join(''));
}

let browser;
let multipartType = '';
const shotPaths = [];
let shots = null;
async function screenshot(page, name) {
  shots ??= fs.mkdtempSync(path.join(os.tmpdir(), 'postroom-browser-shots-'));
  const file = path.join(shots, name);
  await page.screenshot({ path: file, fullPage: true });
  shotPaths.push(file);
}
try {
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    // root on CI: no sandbox; a small /dev/shm in containers must not crash the renderer
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
    timeout: 60000,
  });
  const context = await browser.newContext({ viewport: { width: 1000, height: 700 } });
  context.setDefaultTimeout(60000); // generous: the server may be an ASan build
  const page = await context.newPage();
  page.on('request', (r) => {
    if (r.method() === 'POST' && r.url() === base + '/import') multipartType = r.headers()['content-type'] || '';
  });

  await check('signs in through the form and keeps the __Host- session cookie on http://127.0.0.1', async () => {
    await page.goto(base + '/login');
    await page.getByLabel('E-mail').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await Promise.all([page.waitForURL(base + '/'), page.getByRole('button', { name: 'Sign in' }).click()]);
    // the navigation bar names the business signed in to
    await page.getByRole('banner').getByText('Browser Parcels Ltd', { exact: true }).waitFor();
    // Chromium counts http://127.0.0.1 as potentially trustworthy and keeps the Secure
    // cookie; context.cookies(base) would hide it (playwright only exempts "localhost").
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === '__Host-postroom_session' && c.domain === HOST);
    assert.ok(session, 'Chromium stored no session cookie: ' + JSON.stringify(cookies));
    assert.equal(session.secure, true);
    assert.equal(session.httpOnly, true);
  });

  await check('imports a Click & Drop file chosen in the file input', async () => {
    await Promise.all([page.waitForURL(base + '/import'),
                       page.getByRole('link', { name: 'Import orders from a spreadsheet' }).click()]);
    const r = await upload(page, good, { weight: '0.5', package: 'small parcel' });
    assert.equal(r.status(), 200, await page.content());
    assert.match(multipartType, /^multipart\/form-data; boundary=/, 'what Chromium sent');
    await page.getByRole('heading', { name: 'Orders imported' }).waitFor();
    assert.equal((await page.getByRole('status').textContent()).trim(), '3 orders imported from a Click & Drop file.');
    const rows = await page.locator('tbody tr').evaluateAll(
        (trs) => trs.map((tr) => [...tr.cells].map((td) => td.textContent)));
    // Line, Order, Reference, Status, Tracking number
    assert.deepEqual(rows.map((c) => [c[0], c[2]]), [['2', 'BRW-1'], ['3', 'BRW-2'], ['4', 'BRW-3']]);
    for (const c of rows) assert.match(c[1], /^[1-9][0-9]*$/, 'order id: ' + JSON.stringify(c));
    await screenshot(page, 'import-result.png');

    const got = Object.fromEntries((await apiOrders()).map((o) => [o.orderReference, o]));
    assert.deepEqual(Object.keys(got).sort(), ['BRW-1', 'BRW-2', 'BRW-3']);
    for (const [i, ref] of ['BRW-1', 'BRW-2', 'BRW-3'].entries())
      assert.equal(String(got[ref].orderIdentifier), rows[i][1], `order id of ${ref} on the page`);
    const zoe = got['BRW-1'].shippingInfo;
    assert.deepEqual([zoe.firstName, zoe.lastName, zoe.addressLine1, zoe.city, zoe.postcode, zoe.countryCode],
                     ['Zoë', "Ó'Brien", '1 High St', 'Leeds', 'LS1 1AA', 'GB']);
    assert.deepEqual([got['BRW-1'].weightInGrams, got['BRW-1'].packageSize], [250, 'largeLetter']);
    const lukasz = got['BRW-2'];
    assert.deepEqual([lukasz.shippingInfo.firstName, lukasz.shippingInfo.lastName], ['Łukasz', 'Wąsowski']);
    assert.equal(lukasz.shippingInfo.addressLine1, '2 "Quoted" Road, Flat 3');
    assert.deepEqual([lukasz.weightInGrams, lukasz.packageSize], [1500, 'smallParcel']);
    assert.deepEqual([got['BRW-3'].shippingInfo.lastName, got['BRW-3'].weightInGrams, got['BRW-3'].packageSize],
                     ['Lee', 500, 'smallParcel'], 'the form\'s default parcel');
  });

  await check('a file with a bad row names line and column and creates nothing', async () => {
    const before = JSON.stringify(await apiOrders());
    await Promise.all([page.waitForURL(base + '/import'),
                       page.getByRole('link', { name: 'Import another file' }).click()]);
    const r = await upload(page, bad);
    assert.equal(r.status(), 422, await page.content());
    const alert = (await page.getByRole('alert').textContent()).trim();
    assert.match(alert, /^1 problem in this Click & Drop file\. Nothing was imported/);
    const problems = await page.locator('main li').allTextContents();
    assert.equal(problems.length, 1, JSON.stringify(problems));
    assert.match(problems[0], /^Line 3, Postcode: /);
    // the form is there again, ready for the fixed file
    assert.equal(await page.locator('input[type=file][name=file]').count(), 1);
    await screenshot(page, 'import-error.png');
    assert.equal(JSON.stringify(await apiOrders()), before, 'nothing was created');
  });

  await check('a big file imports in the background behind a live progress bar', async () => {
    assert.ok(fs.statSync(big).size > (1 << 20), 'the file must be over the page\'s 1 MiB');
    await page.goto(base + '/import');
    const polls = [];
    let firstPage = null;
    const onResponse = async (r) => {
      if (/\/import\/jobs\/\d+\/status$/.test(r.url())) polls.push(r.status());
      else if (/\/import\/jobs\/\d+$/.test(r.url()) && firstPage === null) firstPage = r.text().catch(() => '');
    };
    page.on('response', onResponse);
    const input = page.locator('input[type=file][name=file]');
    await input.setInputFiles(big);
    await Promise.all([page.waitForURL(/\/import\/jobs\/\d+$/, { timeout: 120000 }),
                       page.getByRole('button', { name: 'Import orders' }).click()]);
    const jobUrl = page.url();
    // the job's page as the server first drew it: the bar, the rows read, no inline script
    const first = await firstPage;
    assert.match(first, /<progress max="100" value="\d+"/, 'the first job page has no progress bar');
    assert.match(first, /data-import-job="\/import\/jobs\/\d+\/status"/);
    assert.doesNotMatch(first, /<script>/);
    if (await page.locator('progress').count()) await screenshot(page, 'import-progress.png');
    // app.js polls the job and reloads the page once it has ended: the result
    await page.getByRole('heading', { name: 'Orders imported' }).waitFor({ timeout: 120000 });
    page.off('response', onResponse);
    assert.equal(page.url(), jobUrl);
    assert.ok(polls.length >= 1 && polls.every((s) => s === 200), 'the page polled its job: ' + JSON.stringify(polls));
    assert.equal((await page.getByRole('status').textContent()).trim(),
                 `${BIG_ROWS} orders imported from a Click & Drop file.`);
    const rows = await page.locator('tbody tr').count();
    assert.equal(rows, 2000, 'the page lists the first 2,000 lines');
    await page.getByText(`and ${BIG_ROWS - 2000} more, in Orders.`).waitFor();
    await screenshot(page, 'import-big-result.png');
    // a job the business does not have: the same 404 as a page that is not there
    for (const u of ['/import/jobs/999999', '/import/jobs/999999/status', '/import/jobs/x']) {
      const none = await page.goto(base + u);
      assert.equal(none.status(), 404, u);
    }
  });
} catch (e) {
  results.push({ name: 'browser', ok: false });
  console.log(`FAIL - the browser could not be driven\n${e.stack || e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
}

const problems = await stopServer(server, [PASSWORD, key, 'Wąsowski', EMAIL]);
if (problems.length) {
  results.push({ name: 'server exits cleanly on SIGTERM with no sanitizer report', ok: false });
  console.log('FAIL - server exits cleanly on SIGTERM with no sanitizer report\n' + problems.join('\n\n'));
} else {
  results.push({ name: 'server exits cleanly on SIGTERM with no sanitizer report', ok: true });
  console.log('ok - server exits cleanly on SIGTERM with no sanitizer report');
}
if (multipartType) console.log(`Chromium's upload: Content-Type: ${multipartType}`);
for (const s of shotPaths) console.log(`screenshot: ${s}`);
const failed = results.filter((r) => !r.ok).length;
if (failed || process.env.BROWSER_KEEP) console.log(`server files: ${dir}`);
else fs.rmSync(dir, { recursive: true, force: true });
console.log(`browser_import: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
