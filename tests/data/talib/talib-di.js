#!/usr/bin/env node
// Writes TA-Lib PLUS_DI / MINUS_DI columns (not produced by talib-oracle) for one bar file.
// usage: NODE_PATH=/work/oracle/node_modules node talib-di.js bars.csv PERIOD... > out.csv
// Columns: ts, PLUS_DI_<p>, MINUS_DI_<p> for each period; empty cell = inside the lookback.
'use strict';
const fs = require('fs');
const talib = require('talib');

const [file, ...periods] = process.argv.slice(2);
const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.length > 0);
const head = lines[0].split(',').map((s) => s.trim().toLowerCase());
const col = (n) => head.indexOf(n);
const ts = [], high = [], low = [], close = [];
for (const line of lines.slice(1)) {
  const f = line.split(',');
  ts.push(f[col('ts')]);
  high.push(Number(f[col('high')]));
  low.push(Number(f[col('low')]));
  close.push(Number(f[col('close')]));
}
const n = ts.length;
const cols = [];
const names = [];
for (const p of periods.map(Number)) {
  for (const fn of ['PLUS_DI', 'MINUS_DI']) {
    const r = talib.execute({ name: fn, startIdx: 0, endIdx: n - 1, high, low, close,
                              optInTimePeriod: p });
    if (!r || r.error) throw new Error(fn + ' failed');
    const cells = new Array(n).fill('');
    for (let k = 0; k < r.nbElement; k++) cells[r.begIndex + k] = String(r.result.outReal[k]);
    cols.push(cells);
    names.push(fn + '_' + p);
  }
}
const out = ['ts,' + names.join(',')];
for (let i = 0; i < n; i++) out.push(ts[i] + ',' + cols.map((c) => c[i]).join(','));
process.stdout.write(out.join('\n') + '\n');
