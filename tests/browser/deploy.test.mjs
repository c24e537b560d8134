// Deploying anywhere: one output folder of the course, built without knowing
// where it will be published, served unchanged under /, /kursus/ and /a/b/c/
// by a plain static server — every link, anchor, picture, stylesheet and
// script resolves, search finds pages, and the 404 page finds the site — and
// a portable build read from a folder with file://, where links and search
// work without a server. An English site made by `init` is served under
// /docs/ and read from a folder the same way.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { repo, bin, buildSite, serveStatic, launch, tempDir } from './lib.mjs';

const PREFIXES = ['/', '/kursus/', '/a/b/c/'];
let out, portable, browser;

before(async () => {
  out = buildSite(repo);
  portable = path.join(tempDir('ledestjerne-portable-'), 'public');
  const r = spawnSync(bin, ['--root', repo, 'build', '--portable', '--output', portable], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`portable build failed:\n${r.stderr}`);
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The URLs in href, src and action attributes of `html`, and the ids it defines. */
function parse(html) {
  const urls = [...html.matchAll(/\s(?:href|src|action)="([^"]*)"/g)].map((m) => m[1].replaceAll('&amp;', '&'));
  const ids = new Set([...html.matchAll(/\sid="([^"]*)"/g)].map((m) => m[1]));
  return { urls, ids };
}

/** Follows every internal link from `start`, loading each with `load(url)`
 * (→ {status, type, body}); returns the pages seen and what was broken. */
async function crawl(start, load, isInternal) {
  const seen = new Map();
  const broken = [];
  const queue = [start];
  const get = async (url) => {
    if (!seen.has(url)) seen.set(url, await load(url));
    return seen.get(url);
  };
  const anchors = [];
  while (queue.length) {
    const url = queue.shift();
    const page = await get(url);
    if (page.status !== 200 || !page.type.startsWith('text/html')) continue;
    for (const raw of parse(page.body).urls) {
      if (!raw || raw.startsWith('mailto:')) continue;
      const target = new URL(raw, url);
      if (!isInternal(target)) {
        // An address of the test server outside the prefix: a link that escapes the site's folder.
        if (target.origin === new URL(start).origin) broken.push(`${url}: ${raw} leaves the site`);
        continue;
      }
      const file = target.href.split('#')[0];
      const known = seen.has(file);
      const res = await get(file);
      if (res.status !== 200) { broken.push(`${url}: ${raw} → ${res.status}`); continue; }
      if (target.hash.length > 1) anchors.push([url, raw, file, decodeURIComponent(target.hash.slice(1))]);
      if (!known && res.type.startsWith('text/html')) queue.push(file);
    }
  }
  for (const [url, raw, file, id] of anchors) {
    if (!parse(seen.get(file).body).ids.has(id)) broken.push(`${url}: ${raw}: no id "${id}"`);
  }
  return { pages: [...seen.entries()].filter(([, p]) => p.status === 200 && p.type.startsWith('text/html')).map(([u]) => u), broken };
}

for (const prefix of PREFIXES) {
  test(`the same output served under ${prefix}: every link resolves, search works, the 404 page finds the site`, async () => {
    const server = await serveStatic(out, prefix);
    try {
      const load = async (url) => {
        const r = await fetch(url);
        return { status: r.status, type: r.headers.get('content-type') || '', body: await r.text() };
      };
      const { pages, broken } = await crawl(server.url, load, (u) => u.origin === new URL(server.url).origin && u.pathname.startsWith(prefix));
      assert.deepEqual(broken, []);
      assert.ok(pages.length > 240, `only ${pages.length} pages reached`);

      const page = await browser.newPage();
      await page.goto(`${server.url}soeg/?q=samskabelse`);
      await page.waitForSelector('#search-results li.search-result a', { timeout: 15000 });
      const first = await page.$eval('#search-results li.search-result a', (a) => new URL(a.href).pathname);
      assert.equal(first, `${prefix}begreber/samskabelse/`);
      await page.click('#search-results li.search-result a');
      await page.waitForURL(`${server.url}begreber/samskabelse/`);
      assert.equal(await page.$eval('a.skip', (a) => getComputedStyle(a).position), 'absolute', 'the stylesheet is loaded');

      const missing = await page.goto(`${server.url}cases/findes-ikke/`);
      assert.equal(missing.status(), 404);
      assert.equal(await page.$eval('a.skip', (a) => getComputedStyle(a).position), 'absolute', 'the 404 page has its stylesheet');
      const home = await page.$eval('a.brand', (a) => a.href);
      assert.equal(home, server.url);
      await page.close();
    } finally {
      await server.close();
    }
  });
}

test('a portable build read from a folder: links reach every kind of page, and search works', async (t) => {
  const root = pathToFileURL(portable + path.sep).href;
  const load = async (url) => {
    const file = new URL(url);
    const p = decodeURIComponent(file.pathname);
    if (!fs.existsSync(p) || fs.statSync(p).isDirectory()) return { status: 404, type: '', body: '' };
    const type = p.endsWith('.html') ? 'text/html' : 'other';
    return { status: 200, type, body: type === 'text/html' ? fs.readFileSync(p, 'utf8') : '' };
  };
  const { pages, broken } = await crawl(`${root}index.html`, load, (u) => u.protocol === 'file:' && u.href.startsWith(root));
  assert.deepEqual(broken, []);
  const folders = new Set(pages.map((u) => u.slice(root.length).split('/')[0]));
  for (const kind of ['aktoerer', 'cases', 'eksperter', 'litteratur', 'personer', 'begreber', 'vaerktoejer', 'figurer', 'haandbogen', 'kursusdagen', 'soeg', 'print']) {
    assert.ok(folders.has(kind), `no page under ${kind}/ reached`);
  }
  assert.ok(pages.length > 240, `only ${pages.length} pages reached`);

  const page = await browser.newPage();
  await page.goto(`${root}index.html`);
  await page.click('a[href="cases/index.html"]');
  await page.waitForURL(`${root}cases/index.html`);
  assert.equal(await page.$eval('a.skip', (a) => getComputedStyle(a).position), 'absolute', 'the stylesheet loads from the folder');

  const queries = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'search-queries.json'), 'utf8'));
  const misses = [];
  for (const entry of queries) {
    const params = new URLSearchParams({ q: entry.q, ...(entry.filters || {}) });
    await page.goto(`${root}soeg/index.html?${params}`);
    await page.waitForFunction(() => {
      const s = document.getElementById('search-status');
      return s && s.textContent && !s.textContent.startsWith('Søger');
    }, null, { timeout: 15000 });
    const hrefs = await page.$$eval('#search-results li.search-result a', (as) => as.map((a) => a.href));
    const rank = hrefs.indexOf(`${root}${entry.expect}index.html`);
    if (rank < 0 || rank >= 3) misses.push(`"${entry.q}": ${entry.expect} at ${rank + 1 || 'none'}; got ${hrefs.slice(0, 3).map((h) => h.slice(root.length)).join(', ')}`);
  }
  const found = queries.length - misses.length;
  t.diagnostic(`portable search: ${found} of ${queries.length} queries find their page in the top 3${misses.length ? `; missed: ${misses.join('; ')}` : ''}`);
  assert.ok(found >= Math.ceil(queries.length * 0.9), `${found} of ${queries.length} in the top 3:\n${misses.join('\n')}`);
  // A result opens its page from the folder.
  await page.goto(`${root}soeg/index.html?q=samskabelse`);
  await page.waitForSelector('#search-results li.search-result a');
  await page.click('#search-results li.search-result a');
  await page.waitForURL(`${root}begreber/samskabelse/index.html`);
  await page.close();
});

test('an English site made by init, served under /docs/ and read from a folder: links resolve and search finds its article', async () => {
  const site = path.join(tempDir('ledestjerne-en-'), 'site');
  const init = spawnSync(bin, ['init', '--language', 'en', site], { encoding: 'utf8' });
  if (init.status !== 0) throw new Error(`init failed:\n${init.stderr}`);
  const article = 'articles/hello-world/';
  const server = await serveStatic(buildSite(site), '/docs/');
  const page = await browser.newPage();
  try {
    const load = async (url) => {
      const r = await fetch(url);
      return { status: r.status, type: r.headers.get('content-type') || '', body: await r.text() };
    };
    const served = await crawl(server.url, load, (u) => u.origin === new URL(server.url).origin && u.pathname.startsWith('/docs/'));
    assert.deepEqual(served.broken, []);
    assert.ok(served.pages.some((u) => u.endsWith(`/docs/${article}`)), `the article is reached: ${served.pages}`);
    await page.goto(`${server.url}search/?q=wikilinks`);
    await page.waitForSelector('#search-results li.search-result a', { timeout: 15000 });
    assert.equal(await page.$eval('#search-results li.search-result a', (a) => new URL(a.href).pathname), `/docs/${article}`);
  } finally {
    await server.close();
  }

  const folder = path.join(tempDir('ledestjerne-en-portable-'), 'public');
  const built = spawnSync(bin, ['--root', site, 'build', '--portable', '--output', folder], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`portable build failed:\n${built.stderr}`);
  const root = pathToFileURL(folder + path.sep).href;
  const read = async (url) => {
    const p = decodeURIComponent(new URL(url).pathname);
    if (!fs.existsSync(p) || fs.statSync(p).isDirectory()) return { status: 404, type: '', body: '' };
    return p.endsWith('.html') ? { status: 200, type: 'text/html', body: fs.readFileSync(p, 'utf8') } : { status: 200, type: 'other', body: '' };
  };
  const portable = await crawl(`${root}index.html`, read, (u) => u.protocol === 'file:' && u.href.startsWith(root));
  assert.deepEqual(portable.broken, []);
  await page.goto(`${root}search/index.html?q=wikilinks`);
  await page.waitForSelector('#search-results li.search-result a', { timeout: 15000 });
  assert.equal(await page.$eval('#search-results li.search-result a', (a) => a.href), `${root}${article}index.html`);
  await page.close();
});
