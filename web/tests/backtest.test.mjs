// The Backtests page in headless Chromium against the real binary and a throwaway PostgreSQL
// database (from DATABASE_URL, which scripts/test sets; skipped without it): the form refuses
// what the server would, a job runs with live progress, and its results show: summary, strategy
// figures, equity chart, a sortable statistics table, the heat map and the calibration.
// Screenshots at 1280×800 and 390×844; any browser console error fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { artifacts, bin, dailyBarsCsv, launchChromium, startServe } from './support/harness.mjs';

function run(args, env) {
  return execFileSync(bin, args, { env, stdio: ['ignore', 'pipe', 'pipe'] }).toString();
}

test('backtests: the form, a job with live progress, its results', { timeout: 180000 }, async (t) => {
  assert.ok(bin, 'TICKSTOCK_APP_BIN must name the tickstockapp binary');
  const server = process.env.DATABASE_URL;
  if (!server) { t.skip('no DATABASE_URL: the Backtests page needs PostgreSQL'); return; }
  const name = `tickstock_ui_bt_${process.pid}`;
  const dbUrl = Object.assign(new URL(server), { pathname: `/${name}` }).toString();
  execFileSync('psql', [server, '-qc', `CREATE DATABASE ${name}`]);
  const dir = mkdtempSync(join(tmpdir(), 'tickstock-ui-bt-'));
  const env = { ...process.env, DATABASE_URL: dbUrl };
  for (const k of ['REDIS_URL', 'REDIS_HOST', 'TICKSTOCK_HTTP']) delete env[k];
  let child = null, browser = null;
  const problems = [];
  try {
    run(['migrate'], env);
    for (const [symbol, seed] of [['AAA', 1], ['BBB', 2]]) {
      writeFileSync(join(dir, `${symbol}.csv`), dailyBarsCsv(seed, 600, '2019-01-02', 100));
      run(['import', '--bars', join(dir, `${symbol}.csv`), '--timeframe', '1d', '--symbol', symbol], env);
    }
    const pw = join(dir, 'admin-password');
    writeFileSync(pw, 'ui-admin-password\n');
    const started = await startServe(['--feed', 'synthetic', '--synthetic-symbols', '1', '--no-bar-events',
      '--admin-password-file', pw, '--password-hash-cost', 'minimum', '--login-rate-ip', '0',
      '--backtest-dir', join(dir, 'jobs'), '--backtest-threads', '1', '--no-data-loads', '--spill-dir', ''], env);
    child = started.child;
    const base = `http://127.0.0.1:${started.port}`;
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()} (${m.location().url})`); });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    const shot = async (label) => {
      for (const [w, hgt] of [[1280, 800], [390, 844]]) {
        await page.setViewportSize({ width: w, height: hgt });
        await page.screenshot({ path: join(artifacts, `${label}-${w}x${hgt}.png`), fullPage: true });
      }
      await page.setViewportSize({ width: 1280, height: 800 });
    };

    await page.goto(`${base}/`);
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'ui-admin-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('#status.live');
    await page.click('a[data-page=backtest]');
    await page.waitForSelector('#backtest-form');
    await page.waitForFunction(() => document.querySelector('#backtest-jobs')?.textContent.includes('No backtests yet'));
    await shot('backtest-empty');

    // The page refuses what the server would, naming the field; nothing is queued.
    await page.fill('#backtest-form input[name=symbols]', Array.from({ length: 51 }, (_, i) => `S${i}`).join(','));
    await page.click('#backtest-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#backtest-error')?.textContent.includes('Symbols'));
    await page.fill('#backtest-form input[name=symbols]', 'AAA, BBB');
    await page.fill('#backtest-form input[name=start]', '2019-06-03');
    await page.fill('#backtest-form input[name=end]', '2020-06-30');
    await page.fill('#backtest-form input[name=horizons]', '1, 5, 0');
    await page.click('#backtest-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#backtest-error')?.textContent.includes('Horizons'));
    await page.fill('#backtest-form input[name=horizons]', '1, 5, 10');
    await page.check('#backtest-strategy');
    await page.click('#backtest-form button[type=submit]');

    // The job runs; its row and then its results appear without a reload.
    await page.waitForSelector('#backtest-jobs tr[data-id]');
    await page.waitForSelector('#backtest-results[data-ready="1"]', { timeout: 90000 });
    await page.waitForSelector('#backtest-jobs tr[data-status=done]', { timeout: 30000 });
    const rows = await page.locator('#stats-rows tr').count();
    assert.ok(rows > 5, `statistics rows: ${rows}`);
    assert.ok(await page.locator('#backtest-heatmap tbody tr').count() > 3, 'the heat map has patterns');
    assert.equal(await page.locator('#backtest-calibration tbody tr').count(), 5, 'five calibration bins');
    assert.ok(await page.locator('#backtest-equity canvas').count() > 0, 'the equity chart draws');
    const summary = await page.textContent('#backtest-summary');
    assert.match(summary, /Signals\s*\d+/);
    await shot('backtest-results');
    // On a phone the page's content fits the screen's width (tables scroll inside their box).
    await page.setViewportSize({ width: 390, height: 844 });
    const wide = await page.evaluate(() => document.querySelector('#app').scrollWidth);
    const culprits = await page.evaluate(() => [...document.querySelectorAll('#app *')]
      .filter((e) => e.getBoundingClientRect().right > 391 && !e.closest('.scroll'))
      .slice(0, 5).map((e) => `${e.tagName}#${e.id}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`));
    assert.ok(wide <= 390, `the page content is ${wide} px wide at 390: ${culprits.join('; ')}`);
    await page.setViewportSize({ width: 1280, height: 800 });

    // Sorting by n (descending on the second click) reorders the rows.
    const nOf = async () => (await page.locator('#stats-rows tr td:nth-child(6)').allTextContents()).map(Number);
    await page.click('#stats-table th[data-key=n]');
    await page.waitForFunction(() => document.querySelector('#stats-info')?.textContent.includes('sorted by n'));
    const up = await nOf();
    assert.deepEqual(up, [...up].sort((a, b) => a - b));
    await page.click('#stats-table th[data-key=n]');
    await page.waitForFunction(() => document.querySelector('#stats-info')?.textContent.includes('descending'));
    const down = await nOf();
    assert.deepEqual(down, [...down].sort((a, b) => b - a));
    assert.ok(down[0] > down[down.length - 1], 'the rows differ in n');

    // The job's report.html, as the server serves it (its own CSP: a blocked inline style or
    // script would be a console error), with the equity chart and sortable tables.
    const jobId = await page.getAttribute('#backtest-jobs tr[data-id]', 'data-id');
    const report = await context.newPage();
    report.on('console', (m) => { if (m.type() === 'error') problems.push(`report console: ${m.text()}`); });
    report.on('pageerror', (e) => problems.push(`report page: ${e.message}`));
    const res = await report.goto(`${base}/api/backtests/${jobId}/report.html`);
    assert.equal(res.status(), 200, `report.html: ${res.status()} ${JSON.stringify(res.headers())}`);
    assert.match(res.headers()['content-security-policy'] || '', /script-src 'sha256-/);
    assert.ok(await report.locator('svg.equity polyline').count() === 2, 'equity and buy and hold');
    const firstPattern = async () => report.textContent('#cells tbody tr:first-child td:first-child');
    const before = await firstPattern();
    await report.click('#cells th:nth-child(5)');  // n, ascending
    await report.click('#cells th:nth-child(5)');  // n, descending
    const ns = (await report.locator('#cells tbody tr td:nth-child(5)').allTextContents()).map(Number);
    assert.deepEqual(ns, [...ns].sort((a, b) => b - a));
    assert.ok(before.length > 0);
    await report.screenshot({ path: join(artifacts, 'backtest-report-1280x800.png') });
    await report.setViewportSize({ width: 390, height: 844 });
    await report.screenshot({ path: join(artifacts, 'backtest-report-390x844.png') });
    const png = await page.request.get(`${base}/api/backtests/${jobId}/equity.png`);
    assert.equal(png.headers()['content-type'], 'image/png');
    assert.deepEqual([...(await png.body()).subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
    await report.close();

    // A row opens the chart of its symbol and timeframe with that pattern's signals of the job.
    const rowPattern = await page.textContent('#stats-rows tr:first-child td:first-child');
    await page.click('#stats-rows tr:first-child');
    await page.waitForSelector('#chart-main[data-symbol=AAA][data-timeframe="1d"][data-job]');
    await page.waitForFunction(() => Number(document.querySelector('#chart-main').dataset.markers) > 0);
    assert.match(await page.textContent('#chart-info'), new RegExp(`Backtest #${jobId}: \\d+ of its \\d+ signals of CDL${rowPattern}`));
    await shot('backtest-chart');
    assert.deepEqual(problems, []);
  } finally {
    if (browser) await browser.close();
    if (child) {
      const exited = new Promise((r) => child.on('exit', r));
      child.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    execFileSync('psql', [server, '-qc', `DROP DATABASE IF EXISTS ${name}`]);
  }
});
