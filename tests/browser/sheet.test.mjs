// The reflection sheet prints on A4: in print emulation at the width of an A4
// page, no question, writing space or Ledestjernen box is cut off at the
// side, and each box is shorter than a page, so it is never split. Saves a
// screenshot of the printed sheet and the sheet as a PDF in tests/artifacts/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { courseSite, artifacts } from './lib.mjs';

const site = courseSite();

// A4 at 96 dpi, and the printable area inside the sheet's page margins (1.5 cm top and bottom, 1.6 cm at the sides).
const A4 = { width: 794, height: 1123 };
const printable = { width: Math.floor(((210 - 32) / 25.4) * 96), height: Math.floor(((297 - 30) / 25.4) * 96) };

test('the reflection sheet prints on A4 without cut-off boxes', async () => {
  const page = await site.browser.newPage({ viewport: { width: printable.width, height: A4.height } });
  await page.goto(site.server.url + 'kursusdagen/refleksionsark/');
  await page.emulateMedia({ media: 'print' });
  const layout = await page.evaluate(() => {
    const boxes = [...document.querySelectorAll('.sheet-block .sheet-questions > li, .guide-box, .write')];
    return {
      blocks: document.querySelectorAll('.sheet-block').length,
      writeSpaces: document.querySelectorAll('.write').length,
      visibleWriteSpaces: [...document.querySelectorAll('.write')].filter((w) => w.getBoundingClientRect().height > 20).length,
      overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth,
      boxes: boxes.map((b) => {
        const r = b.getBoundingClientRect();
        return { what: b.className || b.tagName, left: r.left, right: r.right, height: r.height };
      }),
    };
  });
  assert.equal(layout.blocks, 7, 'seven blocks in the day\'s order');
  assert.ok(layout.writeSpaces > 30, `room to write under every question (${layout.writeSpaces} spaces)`);
  assert.equal(layout.visibleWriteSpaces, layout.writeSpaces, 'every writing space shows in print');
  assert.ok(layout.overflow <= 0, `the sheet is ${layout.overflow}px wider than an A4 page`);
  const cut = layout.boxes.filter((b) => b.left < 0 || b.right > printable.width + 0.5);
  assert.deepEqual(cut, [], 'boxes cut off at the side of the page');
  const tall = layout.boxes.filter((b) => b.height > printable.height);
  assert.deepEqual(tall, [], 'boxes taller than a page would be split');

  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, 'refleksionsark-print.png'), fullPage: true });
  const pdf = await page.pdf({ format: 'A4', preferCSSPageSize: true, printBackground: true });
  fs.writeFileSync(path.join(artifacts, 'refleksionsark.pdf'), pdf);
  assert.ok(pdf.length > 10000, 'a PDF was made');
  await page.close();
});

test('the reflection sheet shows each reading\'s questions from the reading page', async () => {
  const html = (p) => fs.readFileSync(path.join(site.out, p, 'index.html'), 'utf8');
  const sheet = html('kursusdagen/refleksionsark');
  const reading = html('litteratur/aakerstroem-velfaerdsinstitutionernes-selvstaendiggoerelse');
  const questions = [...reading.matchAll(/<dd><ul class="inline-list">(.*?)<\/ul><\/dd>/gs)].flatMap((m) => [...m[1].matchAll(/<p>(.*?)<\/p>/g)].map((q) => q[1]));
  assert.ok(questions.some((q) => q.includes('støj')), 'the reading page lists its questions');
  for (const q of questions.filter((q) => q.includes('?'))) assert.ok(sheet.includes(q), `the sheet shows »${q}«`);
  for (const from of ['om-kurset', 'begreber/ledestjernen']) assert.ok(html(from).includes('/kursusdagen/refleksionsark/'), `${from} links to the sheet`);
});
