// tests/browser/lib.mjs: what every browser test shares: the binary and
// Debian's Chromium checked at start, playwright-core loaded, a free port,
// and the named checks each test prints and counts. Not a test itself (the
// CMake glob takes *.test.mjs only).
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const HOST = '127.0.0.1';
export const CHROMIUM = process.env.POSTROOM_CHROMIUM || '/usr/bin/chromium';
export const SANITIZER_MARKERS = ['AddressSanitizer', 'LeakSanitizer', 'runtime error',
                                  'UndefinedBehaviorSanitizer', 'ThreadSanitizer'];

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// The test's name (browser_X) for its messages; exits 1 with one of them.
export function failer(name) {
  return (message) => {
    console.error(`${name}: ${message}`);
    process.exit(1);
  };
}

// The postroom binary (argv[2] or $POSTROOM_BIN) and playwright's chromium,
// or an exit with what to install.
export async function prelude(name, script) {
  const fail = failer(name);
  const bin = process.argv[2] ? path.resolve(process.argv[2]) : process.env.POSTROOM_BIN;
  if (!bin) fail(`usage: node tests/browser/${script} POSTROOM_BIN`);
  try { fs.accessSync(bin, fs.constants.X_OK); } catch { fail(`postroom binary ${bin} is not an executable file`); }
  try { fs.accessSync(CHROMIUM, fs.constants.X_OK); } catch {
    fail(`${CHROMIUM} is missing: install Debian's chromium (scripts/deps.sh test, or make deps-test)`);
  }
  let chromium;
  try {
    ({ chromium } = await import('playwright-core'));
  } catch (e) {
    fail('playwright-core is not installed (node_modules/ at the repository root): run `make deps-browser` ' +
         `or \`npm ci\` there\n(${e.message})`);
  }
  return { fail, bin, chromium };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, HOST, () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

// Named checks: check(name, fn) runs fn, prints ok/FAIL with its time, and
// keeps the result in results.
export function checker() {
  const results = [];
  async function check(name, fn) {
    const t0 = Date.now();
    try {
      await fn();
      results.push({ name, ok: true });
      console.log(`ok - ${name} (${Date.now() - t0} ms)`);
    } catch (e) {
      results.push({ name, ok: false });
      console.log(`FAIL - ${name} (${Date.now() - t0} ms)\n${e.stack || e}`);
    }
  }
  return { results, check };
}
