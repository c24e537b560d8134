// Search in a real browser: the course site built under a sub-path, a table of
// Danish queries that must find their page near the top, ?q= links, filters,
// keyboard use, and content that must never run as script in results.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { repo, buildSite, serveStatic, launch, tempDir, copyDir, artifacts } from './lib.mjs';

const PREFIX = '/kursus/';
let server, browser;

before(async () => {
  const out = buildSite(repo, `http://127.0.0.1${PREFIX}`);
  server = await serveStatic(out, PREFIX);
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function searchPage(page, query, filters = {}, url = server.url) {
  const params = new URLSearchParams({ q: query, ...filters });
  await page.goto(`${url}soeg/?${params}`);
  await page.waitForFunction(() => {
    const s = document.getElementById('search-status');
    return s && s.textContent && !s.textContent.startsWith('Søger');
  }, null, { timeout: 15000 });
  return page.$$eval('#search-results li.search-result', (items) => items.map((li) => ({
    href: new URL(li.querySelector('a').href).pathname,
    kind: li.querySelector('.search-kind')?.textContent ?? '',
  })));
}

const queries = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, 'search-queries.json'), 'utf8'));

/** Runs every query of the table against the site at `url`; returns what failed. `slack` widens every rank bound. */
async function queryFailures(url, slack = 0) {
  const page = await browser.newPage();
  const failures = [];
  for (const entry of queries) {
    const results = await searchPage(page, entry.q, entry.filters, url);
    const rank = results.findIndex((r) => r.href === PREFIX + entry.expect);
    if (rank < 0 || rank >= entry.within + slack) {
      failures.push(`"${entry.q}" ${JSON.stringify(entry.filters ?? {})}: ${entry.expect} at rank ${rank + 1 || 'none'}, want top ${entry.within + slack}; got ${results.slice(0, 5).map((r) => r.href).join(', ')}`);
    }
    if (entry.allKind) {
      const other = results.filter((r) => r.kind !== entry.allKind);
      if (other.length) failures.push(`"${entry.q}" filtered to ${entry.allKind} also returned ${other.map((r) => r.href).join(', ')}`);
    }
  }
  await page.close();
  return failures;
}

test(`${queries.length} Danish queries find their page near the top`, async () => {
  assert.ok(queries.length >= 25);
  assert.deepEqual(await queryFailures(server.url), []);
});

test('a large site\'s index comes in bundles that the browser merges', async () => {
  // 243 pages in bundles of at most 50: five bundles, searched as one. Every
  // expected page lives in one bundle, so all queries finding theirs shows the
  // merge works. Scores come from each bundle's own word statistics, which for
  // bundles of 50 pages differ from the whole site's (a short figure page in a
  // bundle with few uses of a word scores high): three places of slack. A
  // site's bundles hold 500 pages by default, where the statistics agree better.
  const site = tempDir('ledestjerne-shards-');
  for (const dir of ['content', 'themes', 'templates', 'i18n']) copyDir(path.join(repo, dir), path.join(site, dir));
  const yaml = fs.readFileSync(path.join(repo, 'site.yaml'), 'utf8');
  fs.writeFileSync(path.join(site, 'site.yaml'), `${yaml}\nsearch:\n  shard_pages: 50\n`);
  const out = buildSite(site, `http://127.0.0.1${PREFIX}`);
  const bundles = fs.readdirSync(out).filter((name) => /^pagefind(-\d+)?$/.test(name)).sort();
  assert.deepEqual(bundles, ['pagefind', 'pagefind-1', 'pagefind-2', 'pagefind-3', 'pagefind-4']);
  const sharded = await serveStatic(out, PREFIX);
  try {
    assert.deepEqual(await queryFailures(sharded.url, 3), []);
  } finally {
    await sharded.close();
    fs.rmSync(site, { recursive: true, force: true });
  }
});

test('a ?q= link shows results with title, kind and highlighted excerpt', async () => {
  const page = await browser.newPage();
  const results = await searchPage(page, 'Brønderslev');
  assert.ok(results.length > 0);
  const first = await page.$('#search-results li.search-result');
  assert.ok(await first.$('a'));
  assert.ok((await first.$eval('.search-kind', (e) => e.textContent)).length > 0);
  assert.ok(await first.$('.search-excerpt mark'), 'excerpt highlights the match');
  assert.equal(await page.inputValue('#search-page-input'), 'Brønderslev');
  assert.match(await page.textContent('#search-status'), /resultat/);
  await page.close();
});

test('the filter selects are built from the index and reflect the URL', async () => {
  const page = await browser.newPage();
  await searchPage(page, 'borgere', { Type: 'Case' });
  await page.waitForSelector('#search-filters select[name="Type"]');
  assert.equal(await page.$eval('#search-filters select[name="Type"]', (s) => s.value), 'Case');
  const names = await page.$$eval('#search-filters select', (s) => s.map((e) => e.name));
  for (const name of ['Type', 'Aktørkapitel', 'Innovationstype', 'Sektor']) assert.ok(names.includes(name), `${name} in ${names}`);
  await page.close();
});

test('keyboard: / focuses the box, arrows and Enter open a result, Escape closes', async () => {
  const page = await browser.newPage();
  await page.goto(`${server.url}`);
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'search-input');
  await page.keyboard.type('Brønderslev');
  await page.waitForSelector('#search-dropdown li.search-result');
  await page.keyboard.press('Escape');
  assert.equal(await page.$eval('#search-dropdown', (e) => e.hidden), true);
  await page.keyboard.type(' ');
  await page.waitForSelector('#search-dropdown:not([hidden]) li.search-result');
  await page.keyboard.press('ArrowDown');
  assert.equal(await page.$eval('#search-dropdown li.search-result', (e) => e.getAttribute('aria-selected')), 'true');
  const href = await page.$eval('#search-dropdown li.search-result a', (a) => a.href);
  await Promise.all([page.waitForURL(href), page.keyboard.press('Enter')]);
  await page.close();
});

test('without JavaScript the search page says so', async () => {
  const context = await browser.newContext({ javaScriptEnabled: false });
  const page = await context.newPage();
  await page.goto(`${server.url}soeg/?q=borgere`);
  assert.match(await page.textContent('noscript'), /JavaScript/);
  await context.close();
});

test('hostile titles and bodies never run or inject markup in results', async () => {
  const site = tempDir('ledestjerne-hostile-');
  // A kind label with `&` and `<`: filters and kinds show it as written, escaped once.
  const yaml = fs.readFileSync(path.join(repo, 'site.yaml'), 'utf8').replace('    label: Begreb\n', '    label: "Begreb & <teori>"\n');
  fs.writeFileSync(path.join(site, 'site.yaml'), yaml);
  for (const dir of ['themes', 'templates', 'i18n']) copyDir(path.join(repo, dir), path.join(site, dir));
  const da = path.join(site, 'i18n', 'da.yaml');
  fs.writeFileSync(da, `${fs.readFileSync(da, 'utf8')}\nfilter_kind: "Type & <art>"\n`);
  fs.mkdirSync(path.join(site, 'content', 'begreber'), { recursive: true });
  fs.writeFileSync(path.join(site, 'content', 'index.md'), '---\ntitle: Forside\n---\nHej.\n');
  fs.copyFileSync(path.join(repo, 'content', 'litteratur.bib'), path.join(site, 'content', 'litteratur.bib'));
  const evil = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
  fs.writeFileSync(path.join(site, 'content', 'begreber', 'farlig.md'),
    `---\ntitle: ${JSON.stringify('Farlig ' + evil)}\nsummary: ${JSON.stringify('Farlig opsummering `' + evil + '`')}\n---\nFarlig tekst \`${evil}\` og \\<b onmouseover=x>farlig\\</b> \u2028 slut.\n`);
  const out = buildSite(site);
  const hostile = await serveStatic(out, '/');
  const page = await browser.newPage();
  const dialogs = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss(); });
  for (const url of [`${hostile.url}soeg/?q=farlig`, `${hostile.url}soeg/?q=${encodeURIComponent(evil)}`, `${hostile.url}begreber/farlig/`, `${hostile.url}begreber/`]) {
    await page.goto(url);
    await page.waitForTimeout(400);
    await page.waitForFunction(() => !document.getElementById('search-status') || !document.getElementById('search-status').textContent.startsWith('Søger'));
    assert.equal(await page.evaluate(() => window.__pwned), undefined, url);
    assert.equal(await page.$$eval('img[onerror], [onmouseover], main script', (e) => e.length), 0, url);
  }
  await page.goto(`${hostile.url}soeg/?q=farlig`);
  await page.waitForSelector('#search-results li.search-result');
  assert.match(await page.textContent('#search-results li.search-result a'), /<script>/, 'the title shows as text');
  assert.equal(await page.textContent('#search-results .search-kind'), 'Begreb & <teori>');
  await page.waitForSelector('#search-filters option:nth-child(2)', { state: 'attached' });
  const options = await page.$$eval('#search-filters option', (o) => o.map((e) => e.textContent));
  assert.ok(options.includes('Begreb & <teori> (1)'), `filter options show the label once escaped: ${options}`);
  const labels = await page.$$eval('#search-filters label', (l) => l.map((e) => e.firstChild.textContent.trim()));
  assert.deepEqual(labels, ['Type & <art>'], 'filter names show as written');
  await page.goto(`${hostile.url}`);
  await page.fill('#search-input', 'farlig');
  await page.waitForSelector('#search-dropdown li.search-result');
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(dialogs, []);
  await page.close();
  await hostile.close();
});

test('screenshots of the main page kinds at phone and desktop width', async () => {
  fs.mkdirSync(artifacts, { recursive: true });
  const shots = { forside: '', aktoer: 'aktoerer/borgere/', case: 'cases/ungecenter-broenderslev/', figur: 'figurer/figur-5-3/' };
  for (const [width, tag] of [[390, 'telefon'], [1280, 'desktop']]) {
    const page = await browser.newPage({ viewport: { width, height: 900 } });
    for (const [name, url] of Object.entries(shots)) {
      const res = await page.goto(server.url + url);
      assert.equal(res.status(), 200, url);
      await page.screenshot({ path: path.join(artifacts, `${name}-${tag}.png`), fullPage: true });
    }
    await page.close();
  }
});
