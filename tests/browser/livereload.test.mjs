// Live reload in a real browser: `ledestjerne serve` on a small site, a page
// open in headless Chromium, its Markdown edited on disk. The open tab must
// reload by itself and show the new text; a broken page must show the error
// overlay over the last good version (also after a fresh load), with the
// diagnostic text as text, never as markup; fixing it removes the overlay.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = process.env.LEDESTJERNE_BIN || path.join(repo, 'target', 'release', 'ledestjerne');
const artifacts = path.join(repo, 'tests', 'artifacts');
const WAIT = 20000;

// The small schema the Rust serve and watch tests use too.
const SITE_YAML = fs.readFileSync(path.join(repo, 'tests', 'testsuite', 'support', 'live_site.yaml'), 'utf8');

const NOTE = 'content/noter/foerste.md';
const note = (extra, body) => `---\ntitle: "Første note"\n${extra}---\n${body}\n`;

let root, server, browser, log = '';

function write(rel, text) {
  const file = path.join(root, rel);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts `ledestjerne serve`; resolves with its URL once it says where it serves. */
function startServer(port) {
  server = spawn(bin, ['--root', root, 'serve', '--port', String(port)], { stdio: ['ignore', 'pipe', 'pipe'] });
  server.stderr.on('data', (d) => { log += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start:\n${log}`)), WAIT);
    server.on('exit', (code) => reject(new Error(`the server exited (${code}):\n${log}`)));
    server.stdout.on('data', (d) => {
      log += d;
      const m = /serving (http:\/\/\S+)/.exec(log);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
  });
}

before(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'ledestjerne-live-'));
  fs.cpSync(path.join(repo, 'themes', 'default'), path.join(root, 'themes', 'default'), { recursive: true });
  write('site.yaml', SITE_YAML);
  write('content/index.md', '---\ntitle: "Forside"\n---\nVelkommen.\n');
  write(NOTE, note('', 'Gammel tekst om æbler.'));
  write('content/noter/anden.md', '---\ntitle: "Anden note"\n---\nEn note, som ingen ændrer.\n');
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

const bodyHas = (page, text) => page.waitForFunction((t) => document.body.innerText.includes(t), text, { timeout: WAIT });

test('an open page reloads on edits, shows build errors in an overlay and recovers', { timeout: 120000 }, async () => {
  const url = await startServer(await freePort());
  const page = await browser.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e));
  await page.goto(`${url}noter/foerste/`);
  await bodyHas(page, 'Gammel tekst om æbler');
  assert.equal(await page.locator('#ledestjerne-overlay').count(), 0);

  // A second tab shows a page the edits below never change: it must not reload.
  const other = await browser.newPage();
  await other.goto(`${url}noter/anden/`);
  await bodyHas(other, 'ingen ændrer');
  await other.evaluate(() => { window.__untouched = true; });

  // An edit on disk: the tab reloads by itself (the marker set on the old page is gone).
  await page.evaluate(() => { window.__beforeEdit = true; });
  write(NOTE, note('', 'Ny tekst om pærer.'));
  await bodyHas(page, 'Ny tekst om pærer');
  assert.equal(await page.evaluate(() => window.__beforeEdit), undefined, 'the page was reloaded');

  // A broken page: the last good version stays, the overlay lists the error.
  // The unknown field's name is markup; it must show as text and never run.
  await page.evaluate(() => { window.__beforeError = true; });
  write(NOTE, note(`'<img src=x onerror=window.__xss=1>': rød\n`, 'Tekst med fejl.'));
  const overlay = page.locator('#ledestjerne-overlay');
  await overlay.waitFor({ state: 'visible', timeout: WAIT });
  const text = await overlay.innerText();
  assert.match(text, /content\/noter\/foerste\.md:\d+:\d+/);
  assert.match(text, /unknown field `<img src=x onerror=window.__xss=1>`/);
  assert.match(text, /help: /);
  assert.equal(await overlay.locator('img').count(), 0, 'diagnostic text is never markup');
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  assert.equal(await page.evaluate(() => window.__beforeError), true, 'errors do not reload the page');
  assert.ok((await page.locator('main').innerText()).includes('Ny tekst om pærer'), 'the last good page stays');
  const box = await overlay.evaluate((e) => {
    const s = getComputedStyle(e);
    return { position: s.position, width: e.getBoundingClientRect().width };
  });
  assert.equal(box.position, 'fixed');
  assert.ok(box.width > 300);
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'livereload-overlay.png') });

  // Every open tab shows the errors, also one whose page did not change.
  await other.locator('#ledestjerne-overlay').waitFor({ state: 'visible', timeout: WAIT });

  // A fresh load while the error exists shows the overlay too.
  await page.reload();
  await overlay.waitFor({ state: 'visible', timeout: WAIT });
  assert.match(await overlay.innerText(), /content\/noter\/foerste\.md/);

  // Fixed: the page reloads with the new text and the overlay is gone.
  write(NOTE, note('', 'Rettet tekst.'));
  await bodyHas(page, 'Rettet tekst');
  await overlay.waitFor({ state: 'detached', timeout: WAIT });
  assert.deepEqual(pageErrors, []);

  // The other tab saw the errors and their fix without reloading.
  await other.locator('#ledestjerne-overlay').waitFor({ state: 'detached', timeout: WAIT });
  assert.equal(await other.evaluate(() => window.__untouched), true, 'a page that did not change is not reloaded');
  await other.close();
  await page.close();
});
