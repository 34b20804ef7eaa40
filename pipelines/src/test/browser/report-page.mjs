// Opens a FlowBeam report.html from disk in Debian's Chromium (playwright-core, no browser
// download) and prints what ReportBrowserIT checks, as one JSON object on standard output:
//   node report-page.mjs check FILE.html            -> {consoleErrors, pageErrors, dialogs,
//        requests, charts: [{name, marks}], foreignElements, handlerAttributes, scripts, text}
//   node report-page.mjs screenshot FILE.html DIR   -> writes DIR/report-*.png (README's pictures)
// CHROMIUM names the browser (default /usr/bin/chromium).
import { chromium } from 'playwright-core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [mode, file, outDir] = process.argv.slice(2);
const profile = mkdtempSync(join(tmpdir(), 'flowbeam-chromium-'));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  viewport: { width: 1200, height: 900 },
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
try {
  const page = context.pages()[0] || (await context.newPage());
  const seen = { consoleErrors: [], pageErrors: [], dialogs: [], requests: [] };
  page.on('console', (m) => { if (m.type() === 'error') seen.consoleErrors.push(m.text()); });
  page.on('pageerror', (e) => seen.pageErrors.push(String(e)));
  page.on('dialog', async (d) => { seen.dialogs.push(d.type() + ': ' + d.message()); await d.dismiss(); });
  page.on('request', (r) => { if (!r.url().startsWith('file:')) seen.requests.push(r.url()); });
  const url = pathToFileURL(resolve(file)).href;
  await page.goto(url, { waitUntil: 'load' });
  await page.waitForTimeout(300); // an injected handler (onerror of a broken image) would fire by now

  if (mode === 'screenshot') {
    await page.screenshot({ path: join(outDir, 'report-overview.png'), clip: { x: 0, y: 0, width: 1200, height: 900 } });
    const flows = page.locator('h2', { hasText: 'Flows (' });
    await flows.scrollIntoViewIfNeeded();
    const box = await flows.boundingBox();
    const y = box.y + (await page.evaluate(() => window.scrollY));
    await page.screenshot({ path: join(outDir, 'report-flows.png'), fullPage: true, clip: { x: 0, y: y - 8, width: 1200, height: 640 } });
  }
  const found = await page.evaluate(() => {
    const ours = new Set(['HTML', 'HEAD', 'META', 'TITLE', 'STYLE', 'BODY', 'MAIN', 'NOSCRIPT', 'SCRIPT',
      'H1', 'H2', 'H3', 'P', 'BR', 'DIV', 'B', 'SPAN', 'I', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD',
      'PRE', 'DETAILS', 'SUMMARY', 'svg', 'line', 'text', 'path', 'circle', 'rect', 'title']);
    const all = [...document.querySelectorAll('*')];
    return {
      charts: [...document.querySelectorAll('svg.chart')].map((s) => ({
        name: s.getAttribute('data-chart'), marks: s.querySelectorAll('.mark').length })),
      foreignElements: all.filter((e) => !ours.has(e.tagName)).map((e) => e.outerHTML.slice(0, 200)),
      handlerAttributes: all.flatMap((e) => [...e.attributes].filter((a) => a.name.startsWith('on'))
        .map((a) => e.tagName + ' ' + a.name)),
      scripts: document.scripts.length,
      text: document.body.innerText,
    };
  });
  process.stdout.write(JSON.stringify({ ...seen, ...found }) + '\n');
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
