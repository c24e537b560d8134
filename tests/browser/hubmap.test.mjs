// The actor map and the hub navigation at a phone's and a laptop's width:
// the map draws each hub's strongest ties with their numbers, labels in full,
// and the ties as a list; the hubs sit behind one disclosure in the header
// that takes one row on a laptop and stays inside the screen on a phone.
// On a phone the map keeps a legible size and scrolls sideways in its box.
// Saves screenshots of both at 390 and 1280 px in tests/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { courseSite, artifacts } from './lib.mjs';

const site = courseSite();
const WIDTHS = [390, 1280];

async function open(width, url = '') {
  const page = await site.browser.newPage({ viewport: { width, height: 900 } });
  await page.goto(site.server.url + url);
  return page;
}

for (const width of WIDTHS) {
  test(`the actor map at ${width} px draws its strongest ties with numbers and full labels`, async () => {
    const page = await open(width);
    const map = await page.evaluate(() => {
      const svg = document.querySelector('svg.hub-map');
      const box = svg.getBoundingClientRect();
      const labels = [...svg.querySelectorAll('.hub-label')].map((l) => {
        const r = l.getBoundingClientRect();
        return { text: [...l.querySelectorAll('tspan')].map((t) => t.textContent).join(' '), left: r.left, right: r.right };
      });
      return {
        nodes: svg.querySelectorAll('.hub-node').length,
        ties: svg.querySelectorAll('.hub-edge').length,
        counts: [...svg.querySelectorAll('.hub-count text')].map((t) => t.textContent),
        listed: document.querySelectorAll('.hub-ties li').length,
        labels,
        box: { left: box.left, right: box.right },
        overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      };
    });
    const pairs = (map.nodes * (map.nodes - 1)) / 2;
    assert.ok(map.ties < pairs, `${map.ties} of ${pairs} possible ties: not a complete graph`);
    assert.ok(map.ties >= map.nodes / 2, 'every hub keeps a tie');
    assert.equal(map.counts.length, map.ties, 'every tie carries its number');
    assert.equal(map.listed, map.ties, 'the ties are listed as text too');
    assert.ok(map.labels.every((l) => !l.text.includes('…')), 'labels are written in full');
    assert.ok(map.labels.some((l) => l.text === 'Andre offentlige arbejdspladser inden for samme kommune, region eller ministerområde'));
    // On a phone the map keeps a legible size and scrolls sideways in its own box; no label is cut off by it.
    const cut = map.labels.filter((l) => l.left < map.box.left - 0.5 || l.right > map.box.right + 0.5);
    assert.deepEqual(cut, [], 'no label runs off the map');
    assert.ok(map.overflow <= 0, `the page is ${map.overflow}px wider than the screen`);
    fs.mkdirSync(artifacts, { recursive: true });
    await page.locator('section.map').screenshot({ path: path.join(artifacts, `aktoerkort-${width}.png`) });
    await page.close();
  });

  test(`the hub navigation at ${width} px is one row that opens into the full titles`, async () => {
    const page = await open(width, 'aktoerer/borgere/');
    const summary = page.locator('.nav-actors summary');
    const closed = await summary.boundingBox();
    assert.ok(closed.height < 40, `the closed menu is one row (${closed.height}px)`);
    assert.match(await summary.textContent(), /Aktørkapitler.*Borgere/, 'it names the chapter the reader is in');
    await summary.click();
    const panel = await page.evaluate(() => {
      const links = [...document.querySelectorAll('.nav-actors a')].map((a) => {
        const r = a.getBoundingClientRect();
        return { text: a.textContent, left: r.left, right: r.right, visible: r.width > 0 };
      });
      return { links, overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth };
    });
    assert.equal(panel.links.filter((l) => l.visible).length, 8, 'all eight chapters show when opened');
    const cut = panel.links.filter((l) => l.left < 0 || l.right > width);
    assert.deepEqual(cut, [], 'no chapter runs off the screen');
    assert.ok(panel.overflow <= 0, `the page is ${panel.overflow}px wider than the screen`);
    await page.screenshot({ path: path.join(artifacts, `nav-${width}.png`), clip: { x: 0, y: 0, width, height: 620 } });
    await page.close();
  });
}
