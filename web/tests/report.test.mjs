// report.html is self-contained: opened from disk in headless Chromium with the network off, it
// draws its equity chart and tables, sorts them on a header click, and logs no error. It comes
// from `tickstockapp backtest run` on generated daily bars (no database needed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifacts, bin, dailyBarsCsv, launchChromium } from './support/harness.mjs';

test('report.html offline: equity chart, sortable tables, no console error', { timeout: 60000 }, async () => {
  assert.ok(bin, 'TICKSTOCK_APP_BIN must name the tickstockapp binary');
  const dir = mkdtempSync(join(tmpdir(), 'tickstock-report-'));
  let browser = null;
  try {
    mkdirSync(join(dir, 'bars'));
    for (const [symbol, seed] of [['RPTA', 3], ['RPTB', 4], ['RPTC', 5]])
      writeFileSync(join(dir, 'bars', `${symbol}.1d.csv`), dailyBarsCsv(seed, 700, '2018-01-02', 50));
    execFileSync(bin, ['backtest', 'run', '--symbols', 'RPTA,RPTB,RPTC', '--from', '2018-06-01', '--to', '2019-11-29',
      '--timeframes', '1d', '--strategy', '--source', `csv:${join(dir, 'bars')}`, '--out', join(dir, 'out')],
    { stdio: ['ignore', 'ignore', 'pipe'] });
    assert.ok(existsSync(join(dir, 'out', 'equity.png')), 'equity.png is written beside it');
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, offline: true });
    const requests = [];
    await context.route('**/*', (route) => {
      const u = route.request().url();
      if (u.startsWith('file:')) return route.continue();
      requests.push(u);
      return route.abort();
    });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`file://${join(dir, 'out', 'report.html')}`);
    assert.equal(await page.locator('svg.equity polyline').count(), 2);
    assert.ok(await page.locator('#cells tbody tr').count() > 10);
    await page.click('#cells th:nth-child(10)');  // t, ascending
    const ts = (await page.locator('#cells tbody tr td:nth-child(10)').evaluateAll(
      (tds) => tds.map((td) => Number(td.dataset.v)))).filter((x) => !Number.isNaN(x));
    assert.deepEqual(ts, [...ts].sort((a, b) => a - b));
    await page.screenshot({ path: join(artifacts, 'report-offline-1280x800.png'), fullPage: false });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(artifacts, 'report-offline-390x844.png'), fullPage: false });
    assert.deepEqual(requests, [], 'the report asks the network for nothing');
    assert.deepEqual(problems, []);
  } finally {
    if (browser) await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
