// What the browser tests share: the binary and artifacts directory from the environment,
// Chromium, `tickstockapp serve` started on a free port, and generated daily bars.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const bin = process.env.TICKSTOCK_APP_BIN;
export const artifacts = process.env.TICKSTOCK_UI_ARTIFACTS || join(tmpdir(), 'tickstock-ui');
mkdirSync(artifacts, { recursive: true });

// Headless Debian Chromium, quiet: no background network, no updates.
export function launchChromium() {
  return chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
           '--disable-component-update', '--disable-sync', '--no-first-run'] });
}

// `tickstockapp serve --http 127.0.0.1:0 ARGS` with `env`; resolves { child, port } once it
// listens, rejects when it exits first or takes over 30 s.
export function startServe(args, env) {
  const child = spawn(bin, ['serve', '--http', '127.0.0.1:0', ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let err = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 30000);
    child.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); resolve({ child, port: Number(m[1]) }); }
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
}

// `days` daily bars (ts,open,high,low,close,volume) of a seeded random walk from `first`
// (YYYY-MM-DD) and price `close`.
export function dailyBarsCsv(seed, days, first, close) {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = ['ts,open,high,low,close,volume'];
  const start = Date.parse(`${first}T00:00:00Z`);
  for (let i = 0; i < days; i++) {
    const day = new Date(start + i * 86400000).toISOString().slice(0, 10);
    const open = close * (1 + (rnd() - 0.5) * 0.02);
    close = open * (1 + (rnd() - 0.5) * 0.04);
    const high = Math.max(open, close) * (1 + rnd() * 0.015);
    const low = Math.min(open, close) * (1 - rnd() * 0.015);
    lines.push(`${day},${open.toFixed(4)},${high.toFixed(4)},${low.toFixed(4)},${close.toFixed(4)},${1000 + Math.floor(rnd() * 9000)}`);
  }
  return lines.join('\n') + '\n';
}
