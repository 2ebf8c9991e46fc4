// The dashboard in real headless Chromium against the real binary: log in, open a chart and
// see bars and a pattern marker arrive live from a replay feed, subscribe to patterns and
// receive an alert, visit every page, log out. A screenshot of each page goes to
// TICKSTOCK_UI_ARTIFACTS; any error in the browser console fails the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as http } from 'playwright-core';
import { artifacts, bin, launchChromium, startServe } from './support/harness.mjs';

// 400 one-minute bars of one symbol: a seeded random walk with some large candles, so that
// candlestick patterns keep appearing.
function barsCsv() {
  let seed = 7;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  let price = 100;
  const start = Date.UTC(2024, 0, 2, 14, 30) / 1000;
  const lines = ['ts,symbol,open,high,low,close,volume'];
  for (let i = 0; i < 400; i++) {
    const open = price;
    const move = (rnd() - 0.5) * (i % 7 === 0 ? 3 : 1);
    const close = Math.max(1, open + move);
    const high = Math.max(open, close) + rnd() * 0.6;
    const low = Math.min(open, close) - rnd() * 0.6;
    lines.push(`${start + i * 60},UITEST,${open.toFixed(2)},${high.toFixed(2)},${low.toFixed(2)},${close.toFixed(2)},${1000 + Math.floor(rnd() * 5000)}`);
    price = close;
  }
  return lines.join('\n') + '\n';
}

function serveReplay(dir) {
  const csv = join(dir, 'bars.csv');
  writeFileSync(csv, barsCsv());
  const pw = join(dir, 'admin-password');
  writeFileSync(pw, 'ui-admin-password\n');
  const env = { ...process.env };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'REDIS_HOST', 'TICKSTOCK_HTTP']) delete env[k];
  return startServe(['--feed', `replay:${csv}`, '--speed', '120', '--no-bar-events', '--admin-password-file', pw,
    '--password-hash-cost', 'minimum', '--ws-batch-ms', '100', '--registration', '--login-rate-ip', '0'], env);
}

test('log in, live chart, pattern alert, every page, log out', { timeout: 120000 }, async () => {
  assert.ok(bin, 'TICKSTOCK_APP_BIN must name the tickstockapp binary');
  const dir = mkdtempSync(join(tmpdir(), 'tickstock-ui-'));
  const { child, port } = await serveReplay(dir);
  const browser = await launchChromium();
  const problems = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The errors expected: the browser reports the deliberate wrong password's 401.
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      if (m.text().includes('401') && (m.location().url || '').endsWith('/api/auth/login')) return;
      // And the Backtests page's probe, answered 503 without a database.
      if (m.text().includes('503') && (m.location().url || '').endsWith('/api/backtests?limit=1')) return;
      problems.push(`console: ${m.text()} (${m.location().url})`);
    });
    page.on('pageerror', (e) => problems.push(`page: ${e.message}`));
    const base = `http://127.0.0.1:${port}`;
    const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });

    // "away": subscribed to every pattern of UITEST but never connected, so alerts wait for it.
    const away = await http.newContext({ baseURL: base });
    const creds = { username: 'away', password: 'away-password' };
    assert.equal((await away.post('/api/auth/register', { data: creds })).status(), 201);
    const awaySession = await (await away.post('/api/auth/login', { data: creds })).json();
    const awayHeaders = { 'X-CSRF-Token': awaySession.csrf_token };
    assert.equal((await away.post('/api/subscriptions', { headers: awayHeaders,
      data: { pattern: '*', symbols: ['UITEST'] } })).status(), 201);

    // A visitor gets the login form; a wrong password is refused.
    await page.goto(`${base}/`);
    await page.waitForSelector('input[name=username]');
    await shot('login');
    await page.fill('input[name=username]', 'admin');
    await page.fill('input[name=password]', 'wrong-password');
    await page.click('button[type=submit]');
    await page.waitForFunction(() => document.querySelector('.error')?.textContent.includes('Wrong'));
    await page.fill('input[name=password]', 'ui-admin-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('#alert-feed');
    await page.waitForSelector('#status.live');
    await page.waitForSelector('#watchlist tr[data-symbol=UITEST]');
    await shot('dashboard');

    // Subscribe to every pattern of UITEST.
    await page.click('a[data-page=subscriptions]');
    await page.waitForSelector('#subscription-form');
    await page.fill('#subscription-form input[name=symbols]', 'UITEST');
    await page.fill('#subscription-form input[name=min_confidence]', '0');
    await page.click('#subscription-form button[type=submit]');
    await page.waitForFunction(() => document.querySelector('#subscription-rows')?.textContent.includes('UITEST'));
    await shot('subscriptions');

    // The chart: history first, then live bars and a live pattern marker.
    await page.click('a[data-page=chart]');
    await page.waitForSelector('#chart-main[data-bars]');
    await page.waitForFunction(() => Number(document.querySelector('#chart-main').dataset.liveBars || 0) >= 3,
      null, { timeout: 60000 });
    await page.waitForFunction(() => Number(document.querySelector('#chart-main').dataset.liveMarkers || 0) >= 1,
      null, { timeout: 60000 });
    const canvases = await page.locator('#chart-main canvas').count();
    assert.ok(canvases > 0, 'the chart draws on canvases');
    assert.equal(await page.locator('#chart-main a[href*="tradingview.com"]').count(), 1, 'attribution logo kept');
    await shot('chart');

    // The alert reached the dashboard's feed.
    await page.click('a[data-page=dashboard]');
    await page.waitForSelector('#alert-feed li.alert', { timeout: 30000 });
    const alert = await page.textContent('#alert-feed li.alert');
    assert.match(alert, /UITEST 1m/);
    await shot('dashboard-alert');

    await page.click('a[data-page=patterns]');
    await page.waitForSelector('#pattern-rows tr');
    await shot('patterns');
    // Without a database the Backtests page says what it needs.
    await page.click('a[data-page=backtest]');
    await page.waitForSelector('#backtest-unavailable');
    assert.match(await page.textContent('#backtest-unavailable'), /need a database/);
    await shot('backtest-no-database');
    await page.click('a[data-page=admin]');
    await page.waitForSelector('#user-rows tr');
    await page.waitForSelector('#health-rows tr');
    await shot('admin');
    await page.click('a[data-page=account]');
    await page.waitForSelector('#account-user');
    await shot('account');
    await page.click('#logout');
    await page.waitForSelector('input[name=password]');
    const me = await page.request.get(`${base}/api/auth/me`);
    assert.equal(me.status(), 401);
    await shot('logged-out');

    // "away" logs in: the alerts that waited are shown as new, acknowledged (no longer pending
    // on the server), and older ones page in.
    const pendingNow = async () => (await (await away.get('/api/alerts?pending=true&limit=500')).json()).items.length;
    // More than the first page (20), so that paging is needed.
    for (let i = 0; i < 300 && await pendingNow() < 25; i++) await page.waitForTimeout(200);
    assert.ok(await pendingNow() >= 25, 'alerts waited for the user who was away');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.fill('input[name=username]', 'away');
    await page.fill('input[name=password]', 'away-password');
    await page.click('button[type=submit]');
    await page.waitForSelector('#alert-feed li.alert.new');
    await page.waitForSelector('#alerts-older:not([hidden])');
    // The first page and the login's were shown and acknowledged; the older ones page in (and
    // are acknowledged in turn).
    const shown = await page.locator('#alert-feed li.alert').count();
    await page.click('#alerts-older');
    await page.waitForFunction((n) => document.querySelectorAll('#alert-feed li.alert').length > n, shown);
    for (let i = 0; i < 50 && await pendingNow() > 0; i++) await page.waitForTimeout(200);
    assert.equal(await pendingNow(), 0, 'the older alerts shown were acknowledged too');
    await page.screenshot({ path: join(artifacts, 'dashboard-pending-1280x800.png') });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: join(artifacts, 'dashboard-pending-390x844.png') });
    await away.dispose();
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
    child.kill('SIGINT');
  }
});
