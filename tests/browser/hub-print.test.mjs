// Each actor chapter has a print page: in print emulation it shows the
// chapter, a contents list and every case that names the chapter among its
// actors (read from the cases' front matter), each case on a page of its
// own, with the site's navigation hidden.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { courseSite, repo } from './lib.mjs';

const site = courseSite();

/** The ids of the actor chapters. */
function chapters() {
  return fs.readdirSync(path.join(repo, 'content', 'aktoerer')).filter((f) => f.endsWith('.md')).map((f) => f.slice(0, -3));
}

/** Case id → the actor ids of its `actors: [..]` line. */
function casesByActor() {
  const dir = path.join(repo, 'content', 'cases');
  const out = new Map();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.md'))) {
    const line = fs.readFileSync(path.join(dir, file), 'utf8').match(/^actors: \[(.*)\]$/m);
    assert.ok(line, `${file} lists its actors on one line`);
    for (const actor of line[1].split(',').map((s) => s.trim())) {
      out.set(actor, [...(out.get(actor) || []), file.slice(0, -3)]);
    }
  }
  return out;
}

test('each actor chapter has a print page holding its cases, one per printed page', async () => {
  const byActor = casesByActor();
  assert.equal(chapters().length, 8);
  const page = await site.browser.newPage();
  await page.emulateMedia({ media: 'print' });
  for (const actor of chapters()) {
    await page.goto(`${site.server.url}aktoerer/${actor}/print/`);
    const shown = await page.evaluate(() => ({
      articles: [...document.querySelectorAll('article.print-page')].filter((a) => a.offsetParent !== null).map((a) => a.id),
      contents: document.querySelectorAll('.print-toc li').length,
      navHidden: getComputedStyle(document.querySelector('.nav-kinds')).display === 'none',
      breaks: [...document.querySelectorAll('article.print-page')].slice(1).every((a) => getComputedStyle(a).breakBefore === 'page'),
    }));
    assert.equal(shown.articles[0], `p-${actor}`, `${actor}: the chapter comes first`);
    for (const id of byActor.get(actor) || []) assert.ok(shown.articles.includes(`p-${id}`), `${actor}: case ${id} is printed`);
    assert.ok((byActor.get(actor) || []).length > 0, `${actor} has cases`);
    assert.equal(shown.contents, shown.articles.length, `${actor}: the contents list every printed page`);
    assert.ok(shown.navHidden, `${actor}: the navigation is not printed`);
    assert.ok(shown.breaks, `${actor}: each page starts on a new printed page`);
  }
  await page.emulateMedia({ media: 'screen' });
  await page.goto(`${site.server.url}aktoerer/borgere/`);
  await Promise.all([page.waitForURL(/aktoerer\/borgere\/print\/$/), page.click('.print-link a')]);
  await page.close();
});
