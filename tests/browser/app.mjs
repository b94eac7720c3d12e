// tests/browser/app.mjs: the web app's browser tests' common ground (issue 11).
// A server on a fresh database with two businesses, each with an administrator,
// a Standard user and an API key; a signed-in browser context per user; the
// screenshot of a page at desktop and phone width; and axe-core's accessibility
// check. Not a test itself (the CMake glob takes *.test.mjs only).
//
//   const app = await startApp('browser_orders', chromium, fail);
//   const a = await app.signIn(app.tenants[0].admin);   // { context, page }
//   await a.page.goto(app.base + '/orders');
//   await app.shots(a.page, 'orders');                   // orders-desktop.png, orders-phone.png
//   await app.axe(a.page);                               // throws on serious/critical violations
//   await app.api(app.tenants[0], 'POST', '/api/v1/orders', {items: [...]});
//   ...
//   await app.stop();                                    // problems found in the server's stderr
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';

import { CHROMIUM, HOST, SANITIZER_MARKERS, freePort, sleep } from './lib.mjs';

export const PASSWORD = 'browser tests password';

// What no server log may ever hold: the businesses' customers' details the
// tests type, and the password.
export const FORBIDDEN_IN_LOG = [PASSWORD];

const BUSINESSES = [
  { name: 'Alpha Parcels Ltd', slug: 'alpha' },
  { name: 'Beta Print Co', slug: 'beta' },
];

// A plain HTTP request to the server: { status, headers, body (Buffer), text }.
export function request(port, method, urlPath, headers = {}, body = null, timeoutMs = 30000) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: HOST, port, method, path: urlPath, headers, timeout: timeoutMs }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const b = Buffer.concat(chunks);
        resolve({ status: res.statusCode, headers: res.headers, body: b, text: b.toString('utf8') });
      });
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

// The app's database: a SQLite file in dir, or, with $POSTROOM_TEST_PG naming
// a cluster scripts/pg.sh started (as tests/e2e/harness.py's pg_database), a
// fresh PostgreSQL database of its own there, with $POSTROOM_STATE_DIR (dir)
// for the files a SQLite database keeps beside it. { db: what --db takes, env }.
function database(name, dir) {
  const cluster = process.env.POSTROOM_TEST_PG;
  if (!cluster) return { db: path.join(dir, 'postroom.db'), env: process.env };
  const source = process.env.POSTROOM_SOURCE_DIR || path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
  const dbName = `${name.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${process.pid}_${Math.random().toString(16).slice(2, 10)}`;
  const p = spawnSync(path.join(source, 'scripts', 'pg.sh'), ['db', cluster, dbName], { encoding: 'utf8', timeout: 120000 });
  if (p.status !== 0) throw new Error(`scripts/pg.sh db failed: ${p.stderr}`);
  const vars = Object.fromEntries([...p.stdout.matchAll(/^(\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]]));
  const db = `postgres:///${dbName}?host=${vars.POSTROOM_PG_SOCKET}&port=${vars.POSTROOM_PG_PORT}`;
  return { db, env: { ...process.env, POSTROOM_STATE_DIR: dir } };
}

export async function startApp(name, chromium, fail, { serveArgs = [] } = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `postroom-${name}-`));
  const shotsDir = process.env.POSTROOM_SCREENSHOTS || fs.mkdtempSync(path.join(os.tmpdir(), `postroom-shots-${name}-`));
  fs.mkdirSync(shotsDir, { recursive: true });
  const { db, env } = database(name, dir);
  const stderrPath = path.join(dir, 'server.stderr');
  const bin = process.argv[2] ? path.resolve(process.argv[2]) : process.env.POSTROOM_BIN;

  function cli(args, input) {
    const cmd = [bin, '--db', db, ...args];
    const p = spawnSync(cmd[0], cmd.slice(1), { input: input ?? '', encoding: 'utf8', timeout: 120000, env });
    if (p.status !== 0) fail(`${cmd.join(' ')} exited ${p.status ?? p.signal}\nstdout: ${p.stdout}\nstderr: ${p.stderr}`);
    for (const m of SANITIZER_MARKERS) if (p.stderr.includes(m)) fail(`${cmd.join(' ')} reported ${m}:\n${p.stderr}`);
    return p.stdout.trim();
  }

  cli(['migrate']);
  const tenants = BUSINESSES.map((b) => {
    const id = cli(['tenant', 'create', b.name]);
    const admin = { email: `admin@${b.slug}.example`, password: PASSWORD, role: 'admin' };
    const standard = { email: `staff@${b.slug}.example`, password: PASSWORD, role: 'standard' };
    cli(['user', 'add', id, admin.email, '--role', 'admin'], PASSWORD + '\n');
    cli(['user', 'add', id, standard.email, '--role', 'standard'], PASSWORD + '\n');
    const key = cli(['apikey', 'create', id, '--name', `${b.slug}-browser`]);
    return { id, name: b.name, slug: b.slug, admin, standard, key };
  });

  let port = 0, proc = null, exited = null, last = '';
  for (let attempt = 0; attempt < 3 && !proc; attempt++) {
    port = await freePort();
    const err = fs.openSync(stderrPath, 'a');
    const p = spawn(bin, ['--db', db, 'serve', '--listen', `${HOST}:${port}`, '--rate-limit', '0', ...serveArgs],
                    { stdio: ['ignore', err, err], env });
    fs.closeSync(err);
    exited = null;
    p.on('exit', (code, signal) => { exited = { code, signal }; });
    const deadline = Date.now() + 20000;
    while (Date.now() < deadline && !exited) {
      try {
        const r = await request(port, 'GET', '/healthz', {}, null, 2000);
        if (r.status === 200) { proc = p; break; }
        last = `HTTP ${r.status}`;
      } catch (e) { last = e.message; }
      await sleep(50);
    }
    if (!proc && !exited) { p.kill('SIGKILL'); fail(`server did not answer /healthz within 20s (${last})\n${stderrTail()}`); }
  }
  if (!proc) fail(`server failed to start: ${last}\n${stderrTail()}`);
  const base = `http://${HOST}:${port}`;

  function stderrTail() {
    try { return fs.readFileSync(stderrPath, 'utf8').slice(-4000); } catch { return ''; }
  }

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });

  // Every page of every context reports what the CSP refused (Chromium logs
  // "Refused to ... because it violates the following Content Security
  // Policy directive"): the app must need no inline script or style.
  const cspViolations = [];
  function watchCsp(page) {
    page.on('console', (msg) => {
      if (/Content Security Policy/i.test(msg.text())) cspViolations.push(`${page.url()}: ${msg.text()}`);
    });
  }

  // A fresh browser context signed in through the form as user.
  async function signIn(user, { viewport = { width: 1280, height: 800 } } = {}) {
    const context = await browser.newContext({ viewport });
    context.on('page', watchCsp);
    const page = await context.newPage();
    await page.goto(base + '/login');
    await page.getByLabel('E-mail').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await Promise.all([page.waitForURL(base + '/'), page.getByRole('button', { name: 'Sign in' }).click()]);
    return { context, page };
  }

  // Screenshots and axe-core judge the pages' markup, which is the same on
  // every store and every build: the release build's SQLite run takes them,
  // and the PostgreSQL and sanitizer runs (POSTROOM_BROWSER_MARKUP=0, set by
  // tests/CMakeLists.txt) drive the same steps without them, which halves
  // their time.
  const markupChecks = process.env.POSTROOM_BROWSER_MARKUP !== '0';

  // The page as it is now at desktop width and at phone width (390 px),
  // NAME-desktop.png and NAME-phone.png in the screenshot directory.
  async function shots(page, shotName) {
    if (!markupChecks) return [];
    const size = page.viewportSize();
    const out = [];
    for (const [label, vp] of [['desktop', { width: 1280, height: 800 }], ['phone', { width: 390, height: 844 }]]) {
      await page.setViewportSize(vp);
      const file = path.join(shotsDir, `${shotName}-${label}.png`);
      await page.screenshot({ path: file, fullPage: true });
      out.push(file);
    }
    if (size) await page.setViewportSize(size);
    console.log(`screenshots: ${out.join(' ')}`);
    return out;
  }

  // axe-core over the page as it is: no serious or critical violation.
  const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  async function axe(page, what = page.url()) {
    if (!markupChecks) return;
    // added as a script element by the test driver (CDP), not by the page:
    // the page's CSP allows no script but its own
    await page.evaluate(axeSource);
    const result = await page.evaluate(async () => await window.axe.run(document, {
      resultTypes: ['violations'],
    }));
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.equal(bad.length, 0, `axe-core on ${what}: ` + JSON.stringify(bad.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.html),
    })), null, 1));
  }

  // The API as tenant's key: { status, json, body }.
  async function api(tenant, method, urlPath, json) {
    const body = json === undefined ? null : Buffer.from(JSON.stringify(json));
    const headers = { Authorization: 'Bearer ' + tenant.key };
    if (body) { headers['Content-Type'] = 'application/json'; headers['Content-Length'] = String(body.length); }
    const r = await request(port, method, urlPath, headers, body);
    let parsed = null;
    try { parsed = JSON.parse(r.text); } catch { /* a PDF, or an empty body */ }
    return { status: r.status, json: parsed, body: r.body, text: r.text, headers: r.headers };
  }

  // Stops the browser and the server; the problems its stderr shows (a
  // sanitizer's report, a forbidden string, an unclean exit).
  async function stop(forbidden = FORBIDDEN_IN_LOG) {
    await browser.close();
    const problems = cspViolations.slice(0, 5).map((v) => `CSP violation: ${v}`);
    if (!exited) {
      proc.kill('SIGTERM');
      const deadline = Date.now() + 30000;
      while (!exited && Date.now() < deadline) await sleep(50);
      if (!exited) { problems.push('server did not exit within 30s of SIGTERM'); proc.kill('SIGKILL'); }
      while (!exited) await sleep(50);
    }
    if (exited.code !== 0) problems.push(`server exited abnormally: ${exited.code ?? exited.signal}`);
    const err = fs.readFileSync(stderrPath, 'utf8');
    for (const m of SANITIZER_MARKERS) {
      const i = err.indexOf(m);
      if (i >= 0) problems.push(`server stderr contains ${m}:\n${err.slice(Math.max(0, i - 200), i + 3000)}`);
    }
    for (const s of forbidden) {
      const i = err.toLowerCase().indexOf(s.toLowerCase());
      if (i >= 0) problems.push(`server log contains ${JSON.stringify(s)}: ...${err.slice(Math.max(0, i - 200), i + 200)}...`);
    }
    console.log(`screenshots in ${shotsDir}; server files in ${dir}`);
    return problems;
  }

  return { base, port, db, dir, shotsDir, tenants, browser, cli, signIn, shots, axe, api, stop, request: (...a) => request(port, ...a) };
}
