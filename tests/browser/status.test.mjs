// tests/browser/status.test.mjs: the public status page in a real browser.
//
// Starts `postroom status-serve` on a fresh status database, posts an
// incident, an outage, a resolved incident and a scheduled maintenance through
// the CLI, and opens the page in headless Chromium (Debian's, through
// playwright-core): the five components with their states and 90-day bars are
// visible, the stylesheet applies under the page's strict CSP (and nothing is
// refused by it), an incident named <script>...</script> is text and runs
// nothing, and at 375 px wide nothing scrolls sideways. Screenshots (desktop
// and phone) are written into the build tree, beside the binary, and their
// paths printed.
//
// Run: node tests/browser/status.test.mjs BUILD/postroom
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';

import { CHROMIUM, HOST, SANITIZER_MARKERS, checker, freePort, prelude, sleep } from './lib.mjs';

const COMPONENTS = ['Web app', 'API', 'Labels', 'Imports', 'Tracking'];
const XSS = '<script>window.pwned = 1</script>';

const { fail, bin, chromium } = await prelude('browser_status', 'status.test.mjs');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'postroom-browser-status-'));
const db = path.join(dir, 'status.db');
const stderrPath = path.join(dir, 'status.stderr');

function cli(args) {
  const cmd = [bin, 'status', '--status-db', db, ...args];
  const p = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8', timeout: 120000 });
  if (p.status !== 0) fail(`${cmd.join(' ')} exited ${p.status ?? p.signal}\nstderr: ${p.stderr}`);
  for (const m of SANITIZER_MARKERS) if (p.stderr.includes(m)) fail(`${cmd.join(' ')} reported ${m}:\n${p.stderr}`);
  return p.stdout.trim();
}

function request(port, urlPath, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: HOST, port, path: urlPath, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode }));
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
    const proc = spawn(bin, ['status-serve', '--listen', `${HOST}:${port}`, '--status-db', db],
                       { stdio: ['ignore', err, err] });
    fs.closeSync(err);
    let exited = null;
    proc.on('exit', (code, signal) => { exited = { code, signal }; });
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline && !exited) {
      try {
        const r = await request(port, '/api/v2/status.json', 2000);
        if (r.status === 200) return { proc, port, exited: () => exited };
        last = `HTTP ${r.status}`;
      } catch (e) { last = e.message; }
      await sleep(50);
    }
    if (!exited) { proc.kill('SIGKILL'); fail(`status-serve did not answer within 20s (last: ${last})`); }
    last = `exited with ${exited.code ?? exited.signal}`;
  }
  fail(`status-serve failed to start: ${last}`);
}

async function stopServer(server) {
  const problems = [];
  if (!server.exited()) {
    server.proc.kill('SIGTERM');
    const deadline = Date.now() + 30000;
    while (!server.exited() && Date.now() < deadline) await sleep(50);
    if (!server.exited()) { problems.push('status-serve did not exit within 30s of SIGTERM'); server.proc.kill('SIGKILL'); }
    while (!server.exited()) await sleep(50);
  }
  const { code, signal } = server.exited();
  if (code !== 0) problems.push(`status-serve exited abnormally: ${code ?? signal}`);
  const err = fs.readFileSync(stderrPath, 'utf8');
  for (const m of SANITIZER_MARKERS) {
    const i = err.indexOf(m);
    if (i >= 0) problems.push(`stderr contains ${m}:\n${err.slice(Math.max(0, i - 200), i + 3000)}`);
  }
  return problems;
}

// --------------------------------------------------------------------------- the page's contents

const older = cli(['incident', 'create', '--name', 'API answering slowly', '--status', 'investigating',
                   '--impact', 'minor', '--component', 'API', '--body', 'Some API calls take several seconds.']);
cli(['incident', 'update', older, '--status', 'identified', '--body', 'A slow database query; a fix is on its way.']);
cli(['incident', 'update', older, '--status', 'resolved', '--body', 'The fix is out and answers are fast again.']);
cli(['incident', 'create', '--name', 'Labels cannot be printed', '--status', 'identified', '--impact', 'major',
     '--component', 'Labels', '--body', 'Label PDFs fail to render for some parcels. We know why and are fixing it.']);
cli(['component', 'set', 'Labels', 'partial_outage']);
cli(['incident', 'create', '--name', XSS, '--status', 'investigating', '--impact', 'minor',
     '--body', 'Operator text <b>stays</b> text & so does this.']);
const t0 = new Date(Date.now() + 3 * 86400000);
t0.setUTCHours(1, 0, 0, 0);
const t1 = new Date(t0.getTime() + 2 * 3600000);
cli(['maintenance', 'create', '--name', 'Database upgrade', '--scheduled-for', t0.toISOString(),
     '--scheduled-until', t1.toISOString(), '--component', 'Web app', '--component', 'API',
     '--body', 'The app and the API may be unavailable for up to two hours.']);

const server = await startServer();
const base = `http://${HOST}:${server.port}`;

const { results, check } = checker();

const shotDir = path.join(path.dirname(bin), 'browser-screenshots');
const shots = [];
let browser;
try {
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-dev-shm-usage'],
                                    timeout: 60000 });
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  context.setDefaultTimeout(60000);
  const page = await context.newPage();
  const refused = [];
  page.on('console', (m) => { if (/Content Security Policy|Refused to/i.test(m.text())) refused.push(m.text()); });
  page.on('pageerror', (e) => refused.push('page error: ' + e.message));

  await check('the page shows every component with its state and a 90-day bar', async () => {
    const r = await page.goto(base + '/');
    assert.equal(r.status(), 200);
    await page.getByRole('heading', { name: 'System status', level: 1 }).waitFor();
    assert.equal((await page.locator('.banner h2').textContent()).trim(), 'Partial System Outage');
    const rows = page.locator('li.component');
    assert.equal(await rows.count(), 5);
    assert.deepEqual((await page.locator('li.component .row h3').allTextContents()).map((s) => s.trim()), COMPONENTS);
    const labels = rows.filter({ has: page.getByRole('heading', { name: 'Labels' }) });
    assert.equal((await labels.locator('.state').textContent()).trim(), 'Partial outage');
    for (let i = 0; i < 5; i++) {
      const bar = rows.nth(i).locator('svg.bars');
      assert.ok(await bar.isVisible(), `bar of ${COMPONENTS[i]}`);
      const box = await bar.boundingBox();
      assert.ok(box.width > 300 && box.height >= 30, `bar of ${COMPONENTS[i]}: ${JSON.stringify(box)}`);
      assert.equal(await bar.locator('rect').count(), 90);
    }
    // today's rect of Labels is drawn in the outage colour by the stylesheet
    const fill = await labels.locator('rect').last().evaluate((el) => getComputedStyle(el).fill);
    const okFill = await rows.first().locator('rect').last().evaluate((el) => getComputedStyle(el).fill);
    assert.notEqual(fill, okFill, 'an outage day and an operational day look different');
    assert.match(okFill, /^rgb\(/);
  });

  await check('the stylesheet applies under the strict CSP and nothing is refused or run', async () => {
    const bg = await page.locator('.banner').evaluate((el) => getComputedStyle(el).backgroundColor);
    assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'the banner has its colour: status.css was loaded');
    assert.deepEqual(refused, []);
    assert.equal(await page.evaluate(() => window.pwned), undefined, 'the incident name ran');
    await page.getByRole('heading', { name: XSS }).first().waitFor();
    await page.getByText('Database upgrade').first().waitFor();
    fs.mkdirSync(shotDir, { recursive: true });
    const file = path.join(shotDir, 'status-desktop.png');
    await page.screenshot({ path: file, fullPage: true });
    shots.push(file);
  });

  await check('at 375 px wide nothing scrolls sideways', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 812 }, deviceScaleFactor: 2,
                                             isMobile: true, hasTouch: true });
    const p = await phone.newPage();
    await p.goto(base + '/');
    await p.locator('li.component').first().waitFor();
    const { scroll, client } = await p.evaluate(() => ({ scroll: document.documentElement.scrollWidth,
                                                         client: document.documentElement.clientWidth }));
    assert.ok(scroll <= client, `scrollWidth ${scroll} > clientWidth ${client}`);
    for (const bar of await p.locator('svg.bars').all()) {
      const box = await bar.boundingBox();
      assert.ok(box.x >= 0 && box.x + box.width <= 375, `bar out of the screen: ${JSON.stringify(box)}`);
    }
    const file = path.join(shotDir, 'status-phone.png');
    await p.screenshot({ path: file, fullPage: true });
    shots.push(file);
    await phone.close();
  });
} catch (e) {
  results.push({ name: 'browser', ok: false });
  console.log(`FAIL - the browser could not be driven\n${e.stack || e}`);
} finally {
  if (browser) await browser.close().catch(() => {});
}

const problems = await stopServer(server);
results.push({ name: 'status-serve exits cleanly with no sanitizer report', ok: !problems.length });
console.log(problems.length ? 'FAIL - status-serve exits cleanly\n' + problems.join('\n\n')
                            : 'ok - status-serve exits cleanly with no sanitizer report');
for (const s of shots) console.log(`screenshot: ${s}`);
const failed = results.filter((r) => !r.ok).length;
if (failed || process.env.BROWSER_KEEP) console.log(`status site files: ${dir}`);
else fs.rmSync(dir, { recursive: true, force: true });
console.log(`browser_status: ${results.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
