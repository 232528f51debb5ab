// The auditor's page (docs/api.md, "The auditor's page") in a real browser: Debian's chromium,
// driven by puppeteer-core (tools/browser, installed by scripts/setup.sh). Registered with CTest
// as AuditPageBrowserTest (label `browser`).
//
// It makes a scratch ledger with the real `ledger` binary (a small synthetic cohort of over 256
// entries, so that entries sit in a full and in a partial c2sp.org/tlog-tiles bundle), has a
// witness cosign its checkpoint, starts `ledger serve` on 127.0.0.1 (an ephemeral port), opens
// /audit/ and checks that:
//   - the page and its files are served without a token, under a strict Content-Security-Policy,
//     and the browser reports no CSP violation while the page runs;
//   - the log's size, the checkpoint (signature valid) and the witness's cosignature (valid with
//     the witness key, unchecked without it) are shown;
//   - entries looked up by seq (in both bundles) and by event id pass every step;
//   - the page rejects, naming the step: a tampered inclusion proof (one hash flipped in the
//     server's answer, by request interception), a tampered checkpoint signature, a wrong
//     verifier key, a malformed one, and tampered entry bytes.
// Bounded: every wait has a timeout, the whole run at most kTotalMs; the server, the witness and
// the browser are stopped whatever happens.
//
// Usage: node audit_page_test.mjs --ledger BIN --tools DIR [--chromium BIN]
import { spawn, execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const kTotalMs = 200_000;
const kStepMs = 30_000;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  if (i >= 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  if (fallback !== undefined) return fallback;
  console.error(`audit_page_test: ${name} is required`);
  process.exit(2);
}

// Absolute: the ledger runs in the scratch directory.
const ledgerBin = path.resolve(arg('--ledger'));
const toolsDir = path.resolve(arg('--tools'));
const chromium = arg('--chromium', '/usr/bin/chromium');
for (const [what, p] of [['the ledger binary', ledgerBin], ['chromium', chromium],
                         ['puppeteer-core', path.join(toolsDir, 'node_modules', 'puppeteer-core')]]) {
  if (!fs.existsSync(p)) {
    console.error(`audit_page_test: ${what} is missing at ${p}; run scripts/setup.sh`);
    process.exit(1);
  }
}
const puppeteer = createRequire(path.join(toolsDir, 'package.json'))('puppeteer-core');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ledger-audit-page-'));
const children = [];
let browser = null;
let failures = 0;

function cleanUp() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  fs.rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanUp);
const overall = setTimeout(() => {
  console.error(`audit_page_test: FAILED: not done within ${kTotalMs} ms`);
  if (browser) browser.process()?.kill('SIGKILL');
  process.exit(1);
}, kTotalMs);

function check(ok, what) {
  if (ok) {
    console.log(`ok   ${what}`);
  } else {
    console.log(`FAIL ${what}`);
    failures++;
  }
}

function equalCheck(actual, expected, what) {
  check(JSON.stringify(actual) === JSON.stringify(expected),
        `${what}: ${JSON.stringify(actual)}${JSON.stringify(actual) === JSON.stringify(expected)
            ? '' : ` (expected ${JSON.stringify(expected)})`}`);
}

const env = { ...process.env, LEDGER_DATA: path.join(dir, 'data'), LEDGER_KEYS: path.join(dir, 'keys') };
function ledger(...args) {
  return execFileSync(ledgerBin, args, { cwd: dir, env, encoding: 'utf8', timeout: 60_000,
                                         maxBuffer: 64 << 20 });
}

// Starts `ledger <args>` and resolves with the first stdout line matching `re`.
function startProcess(args, re) {
  const child = spawn(ledgerBin, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`ledger ${args[0]} did not start: ${err}`)),
                             kStepMs);
    child.stdout.on('data', (d) => {
      out += d;
      const m = re.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, match: m, out });
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`ledger ${args[0]} exited with ${code}: ${err}`));
    });
  });
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await done;
  clearTimeout(timer);
}

function vkeyOf(file) {
  return fs.readFileSync(path.join(dir, file), 'utf8').trim();
}

// ---- the scratch ledger -------------------------------------------------------------------

const origin = 'audit-page.test/ledger';
ledger('init', '--origin', origin);
ledger('keygen', '--name', 'cw', '--out', 'cw.key');
ledger('keygen', '--name', 'svc', '--out', 'svc.key');
ledger('keygen', '--name', 'auditor', '--out', 'auditor.key');
ledger('keygen', '--name', 'fylkesmannen.test/witness', '--out', 'witness.key');
// The ledger's name with another key: a wrong verifier key an auditor could be handed.
ledger('keygen', '--name', origin, '--out', 'impostor.key');
for (const [key, role] of [['cw', 'caseworker'], ['svc', 'service'], ['auditor', 'auditor']]) {
  ledger('keys', 'add', '--key', 'keys/admin.key', '--vkey', `${key}.key.pub`, '--role', role);
}
fs.writeFileSync(path.join(dir, 'cohort.jsonl'),
                 ledger('generate', '--participants', '8', '--from', '2008-01', '--months', '12',
                        '--seed', '7'));
ledger('append', '--key', 'cw.key', '--key', 'svc.key', '--input', 'cohort.jsonl', '--errors-only');
const ledgerVkey = vkeyOf('keys/ledger.key.pub');
const auditorKeyId = vkeyOf('auditor.key.pub').split('+')[1];
const token = ledger('tokens', 'create', '--key-id', auditorKeyId, '--role', 'auditor',
                     '--name', 'audit-page-test').trim().split('\n').pop();

// A witness cosigns the latest checkpoint (the ledger is not yet held by the server).
const witness = await startProcess(
    ['witness', 'serve', '--key', 'witness.key', '--log-vkey', 'keys/ledger.key.pub',
     '--state', 'witness.state', '--listen', '127.0.0.1:0'],
    /listening on 127\.0\.0\.1:(\d+)\ncosignature key: (\S+)\n/);
const witnessVkey = witness.match[2];
ledger('witness', 'push', '--witness', `127.0.0.1:${witness.match[1]}`, '--witness-vkey', witnessVkey);
await stopProcess(witness.child);

const serve = await startProcess(
    ['serve', '--listen', '127.0.0.1:0', '--binary-listen', 'off'],
    /ledger serving .* on http:\/\/127\.0\.0\.1:(\d+)/);
const base = `http://127.0.0.1:${serve.match[1]}`;

async function api(p) {
  const res = await fetch(base + p, { headers: { Authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET ${p}: ${res.status} ${await res.text()}`);
  return res;
}
const head = await (await api('/v1/head')).json();
const checkpointSize = Number((await (await api('/checkpoint')).text()).split('\n')[1]);
console.log(`ledger of ${head.size} entries, checkpoint of size ${checkpointSize}`);
check(checkpointSize > 300 && checkpointSize === head.size,
      'the scratch ledger has over 300 entries, all checkpointed');

// ---- the page, served without a token -------------------------------------------------------

const csp = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; " +
            "img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
for (const [p, type] of [['/audit/', 'text/html; charset=utf-8'],
                         ['/audit/audit.js', 'text/javascript; charset=utf-8'],
                         ['/audit/note.js', 'text/javascript; charset=utf-8'],
                         ['/audit/audit.css', 'text/css; charset=utf-8']]) {
  const res = await fetch(base + p);
  equalCheck([res.status, res.headers.get('content-type'), res.headers.get('content-security-policy')],
             [200, type, csp], `GET ${p} without a token`);
}
{
  const res = await fetch(base + '/audit/nothing.js');
  equalCheck(res.status, 404, 'an unknown file under /audit/');
  const data = await fetch(base + '/v1/head');
  equalCheck(data.status, 401, 'the data still needs a token');
}

// ---- the browser ----------------------------------------------------------------------------

browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  userDataDir: path.join(dir, 'chromium-profile'),
  // No sandbox: CI runs as root or in containers without user namespaces, where chromium's
  // sandbox cannot start; the browser opens only this test's page on loopback.
  args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-dev-shm-usage'],
  timeout: kStepMs,
});
try {
  const page = await browser.newPage();
  page.setDefaultTimeout(kStepMs);
  const consoleErrors = [];
  page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  // Answers to rewrite, by path prefix: (path, body bytes) -> new body bytes.
  const tamper = new Map();
  await page.setRequestInterception(true);
  page.on('request', async (req) => {
    const url = new URL(req.url());
    const rule = [...tamper.entries()].find(([prefix]) => url.pathname.startsWith(prefix));
    if (!rule || url.origin !== base) {
      await req.continue();
      return;
    }
    const res = await fetch(req.url(), { headers: { authorization: req.headers().authorization } });
    const body = Buffer.from(await res.arrayBuffer());
    await req.respond({ status: res.status, contentType: res.headers.get('content-type'),
                        body: rule[1](url, body) });
  });

  await page.goto(base + '/audit/', { waitUntil: 'load' });
  await page.type('#token', token);

  async function setVkey(text) {
    await page.$eval('#vkey', (el, v) => { el.value = v; }, text);
  }

  // Runs the verification of `query` and returns the steps and the verdict.
  async function verify(query) {
    await page.$eval('#query', (el, v) => { el.value = v; }, query);
    await page.click('#verify');
    await page.waitForSelector('#verdict[data-result="pass"], #verdict[data-result="fail"]');
    return page.evaluate(() => ({
      steps: [...document.querySelectorAll('#steps li')].map((li) => [li.dataset.step, li.dataset.result]),
      messages: [...document.querySelectorAll('#steps li')].map((li) => li.textContent),
      verdict: document.getElementById('verdict').dataset.result,
      failedStep: document.getElementById('verdict').dataset.step || '',
      text: document.getElementById('verdict').textContent,
    }));
  }

  const allSteps = ['verifier key', 'checkpoint signature', 'entry', 'event signature',
                    'leaf hash', 'inclusion proof'];
  function expectPass(r, what) {
    equalCheck(r.steps, allSteps.map((s) => [s, 'pass']), `${what}: every step passes`);
    equalCheck([r.verdict, r.text.startsWith('VERIFIED')], ['pass', true], `${what}: verdict`);
  }
  // The steps before `step` pass, `step` fails and is named by the verdict; no step after it.
  function expectFailAt(r, step, messagePart, what) {
    const i = allSteps.indexOf(step);
    equalCheck(r.steps, [...allSteps.slice(0, i).map((s) => [s, 'pass']), [step, 'fail']],
               `${what}: steps`);
    equalCheck([r.verdict, r.failedStep], ['fail', step], `${what}: verdict names the step`);
    check(r.text.includes(messagePart), `${what}: the verdict says "${messagePart}" (${r.text})`);
  }

  // The log's overview, with and without the witness key.
  await setVkey(ledgerVkey);
  await page.click('#load');
  await page.waitForSelector('#log-status[data-result="pass"], #log-status[data-result="fail"]');
  let overview = await page.evaluate(() => ({
    status: document.getElementById('log-status').dataset.result,
    size: document.getElementById('log-size').textContent,
    checkpoint: document.getElementById('checkpoint-verdict').dataset.result,
    cosignatures: [...document.querySelectorAll('#cosignatures tbody tr')].map(
        (tr) => [tr.cells[0].textContent, tr.dataset.result]),
  }));
  equalCheck(overview, { status: 'pass', size: String(head.size), checkpoint: 'pass',
                         cosignatures: [['fylkesmannen.test/witness', 'unchecked']] },
             'the log overview, no witness key given');
  await page.$eval('#witness-keys', (el, v) => { el.value = v; }, witnessVkey);
  await page.click('#load');
  await page.waitForFunction(() => document.querySelector('#cosignatures tbody tr')?.dataset.result === 'pass');
  check(true, 'the witness cosignature verifies with the witness key');

  // Entries that verify: one in the full bundle 0, the last one in the partial bundle 1, and
  // one by event id.
  expectPass(await verify('5'), 'entry 5 by seq');
  expectPass(await verify(String(checkpointSize - 1)), `entry ${checkpointSize - 1} (partial bundle)`);
  const byId = await (await api('/v1/entries/200')).json();
  const r200 = await verify(byId.event.id);
  expectPass(r200, `entry 200 by event id ${byId.event.id}`);
  check(r200.messages[2].includes('seq 200'), 'the lookup by id found seq 200');

  // A tampered inclusion proof: the server's answer with one hash flipped.
  tamper.set('/v1/proof/inclusion', (url, body) => {
    const lines = body.toString('utf8').split('\n');
    const h = Buffer.from(lines[2], 'base64');
    h[7] ^= 0x01;
    lines[2] = h.toString('base64');
    return Buffer.from(lines.join('\n'));
  });
  expectFailAt(await verify('5'), 'inclusion proof', 'not the checkpoint', 'a tampered proof hash');
  tamper.clear();

  // A tampered checkpoint signature: one byte of the ledger's signature flipped.
  tamper.set('/checkpoint', (url, body) => {
    const text = body.toString('utf8');
    const at = text.indexOf(`\u2014 ${origin} `) + `\u2014 ${origin} `.length;
    const sig = Buffer.from(text.slice(at).split('\n')[0], 'base64');
    sig[20] ^= 0x80;
    return Buffer.from(text.slice(0, at) + sig.toString('base64') + text.slice(at).slice(text.slice(at).indexOf('\n')));
  });
  expectFailAt(await verify('5'), 'checkpoint signature', 'does not verify', 'a tampered checkpoint signature');
  tamper.clear();

  // Tampered entry bytes: one byte inside the event, in the entry bundle.
  tamper.set('/tile/entries/', (url, body) => {
    const b = Buffer.from(body);
    // Entry 5 of bundle 0: skip five length-prefixed entries, then its 2-byte length and the
    // entry's 64-byte header (root pointer, 4 data words, 3 pointers); the event follows.
    let at = 0;
    for (let i = 0; i < 5; i++) at += 2 + b.readUInt16BE(at);
    b[at + 2 + 64 + 40] ^= 0x01;
    return b;
  });
  expectFailAt(await verify('5'), 'event signature', 'is not what key', 'a tampered event in its bundle');
  tamper.clear();

  // A wrong verifier key: the ledger's name, another key.
  await setVkey(vkeyOf('impostor.key.pub'));
  expectFailAt(await verify('5'), 'checkpoint signature', 'no signature by the key', 'a wrong verifier key');
  // A malformed one: the key id of another key.
  const parts = ledgerVkey.split('+');
  await setVkey([parts[0], 'deadbeef', parts.slice(2).join('+')].join('+'));
  expectFailAt(await verify('5'), 'verifier key', 'does not match the key', 'a verifier key with a wrong key id');

  // And the right key again passes: the page kept no state from the failures.
  await setVkey(ledgerVkey);
  expectPass(await verify('17'), 'entry 17 after the failures');

  const cspErrors = consoleErrors.filter((m) => /Content.Security.Policy/i.test(m));
  equalCheck(cspErrors, [], 'no Content-Security-Policy violation');
} catch (e) {
  console.log(`FAIL ${e.stack || e}`);
  failures++;
} finally {
  await browser.close().catch(() => {});
  await stopProcess(serve.child);
  clearTimeout(overall);
}

if (failures > 0) {
  console.log(`audit_page_test: ${failures} check(s) FAILED`);
  process.exit(1);
}
console.log('audit_page_test: all checks passed');
