// Shared helpers for the browser tests: the binary, fixture builds, a static
// server for a built site under a sub-path, and a headless Chromium.
import { before, after } from 'node:test';
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const bin = process.env.LEDESTJERNE_BIN || path.join(repo, 'target', 'release', 'ledestjerne');
export const artifacts = path.join(repo, 'tests', 'artifacts');

const tempDirs = [];
process.on('exit', () => {
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** A new folder under the system's temp folder, removed when the test file's process exits. */
export function tempDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

/** Builds the site at `root` into a fresh temp folder; returns the folder. */
export function buildSite(root, baseUrl) {
  const out = path.join(tempDir('ledestjerne-out-'), 'public');
  const args = ['--root', root, 'build', '--output', out];
  if (baseUrl) args.push('--base-url', baseUrl);
  const r = spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`build failed (${r.status}):\n${r.stderr}`);
  return out;
}

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml',
  '.xml': 'application/xml', '.json': 'application/json', '.wasm': 'application/wasm',
};

/** Serves `dir` at http://127.0.0.1:PORT`prefix` (prefix like "/kursus/"). */
export function serveStatic(dir, prefix = '/') {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let p = decodeURIComponent(url.pathname);
    if (!p.startsWith(prefix)) { res.writeHead(404); res.end(); return; }
    p = p.slice(prefix.length);
    if (p === '' || p.endsWith('/')) p += 'index.html';
    const file = path.resolve(dir, p);
    if (!file.startsWith(path.resolve(dir) + path.sep) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404, { 'content-type': TYPES['.html'] });
      res.end(fs.existsSync(path.join(dir, '404.html')) ? fs.readFileSync(path.join(dir, '404.html')) : 'not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ url: `http://127.0.0.1:${port}${prefix}`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** Copies a folder recursively. */
export function copyDir(from, to) {
  fs.cpSync(from, to, { recursive: true });
}

/** Builds the course, serves it and launches Chromium before the tests of a
 * file, and closes both after them; the returned object holds `out`, `server`
 * and `browser` once the tests run. */
export function courseSite() {
  const site = {};
  before(async () => {
    site.out = buildSite(repo);
    site.server = await serveStatic(site.out, '/');
    site.browser = await launch();
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}
