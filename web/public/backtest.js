// The Backtests page: a form checked against the server's limits (/api/backtests/config), the
// user's jobs with live progress from the WebSocket, and a finished job's results: summary,
// strategy figures, equity and drawdown, a sortable statistics table with significance badges,
// a pattern × horizon heat map of excess returns and the confidence calibration.
import { h, fill, fmt } from './dom.js';
import { get, post, query, ApiError } from './api.js';
import * as live from './live.js';

const DAY = 86400000;
const STAT_COLUMNS = [['pattern', 'Pattern'], ['direction', 'Dir'], ['symbol', 'Symbol'],
  ['timeframe', 'TF'], ['horizon', 'h'], ['n', 'n'], ['n_eff', 'n eff'], ['hit_rate', 'Hit rate'],
  ['mean', 'Mean'], ['excess', 'Excess'], ['t', 't'], ['q', 'q']];

const message = (err) => (err instanceof ApiError ? err.message : String(err));
const pct = (x, d = 2) => (typeof x === 'number' && isFinite(x) ? `${(x * 100).toFixed(d)}%` : '–');
const split = (s) => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);

// Significance of a q value: *** ≤ 0.01, ** ≤ 0.05, * ≤ 0.10.
function qBadge(q) {
  if (typeof q !== 'number') return null;
  const stars = q <= 0.01 ? '***' : q <= 0.05 ? '**' : q <= 0.1 ? '*' : '';
  return stars ? h('span', { class: 'badge q', title: `q = ${q}` }, stars) : null;
}

function csvRows(text) {
  const [head, ...lines] = text.trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [cols[i], v])));
}

// The form's request, checked as the server will (the limits from /config); throws a message.
function request(form, cfg) {
  const f = new FormData(form);
  const symbols = split(f.get('symbols').toUpperCase());
  const lim = cfg.limits;
  if (symbols.length < 1 || symbols.length > lim.max_symbols)
    throw new Error(`Symbols: give 1 to ${lim.max_symbols}.`);
  const start = f.get('start'), end = f.get('end');
  if (!start || !end || start >= end) throw new Error('Dates: the start must be before the end.');
  if ((Date.parse(end) - Date.parse(start)) / DAY > lim.max_days)
    throw new Error(`Dates: at most ${lim.max_days} days (5 years).`);
  const horizons = split(f.get('horizons')).map(Number);
  if (!horizons.length || horizons.length > lim.max_horizons ||
      horizons.some((x) => !Number.isInteger(x) || x < 1 || x > lim.max_horizon))
    throw new Error(`Horizons: 1 to ${lim.max_horizons} whole numbers of bars from 1 to ${lim.max_horizon}.`);
  const timeframes = f.getAll('timeframes');
  if (!timeframes.length) throw new Error('Timeframes: choose at least one.');
  const params = { timeframes, horizons, entry: f.get('entry') };
  if (f.get('strategy')) {
    params.strategy = {};
    for (const k of ['initial_capital', 'commission', 'slippage', 'max_position', 'stop_loss', 'take_profit'])
      params.strategy[k] = Number(f.get(k));
  }
  const patterns = f.getAll('patterns').filter(Boolean);
  return { symbols, timeframe: timeframes[0], start, end, patterns, params };
}

function form(cfg, onSubmitted) {
  const d = cfg.defaults, s = d.strategy;
  const today = new Date().toISOString().slice(0, 10);
  const yearAgo = new Date(Date.now() - 365 * DAY).toISOString().slice(0, 10);
  const num = (name, label, value, step) => h('label', {}, label,
    h('input', { name, type: 'number', value, step, class: 'strategy-field' }));
  const error = h('p', { class: 'error', role: 'alert', id: 'backtest-error' });
  const strategyBox = h('fieldset', { id: 'backtest-strategy-fields', hidden: true }, h('legend', {}, 'Strategy'),
    num('initial_capital', 'Capital', s.initial_capital, 1000), num('commission', 'Commission', s.commission, 0.0001),
    num('slippage', 'Slippage', s.slippage, 0.0001), num('max_position', 'Max position', s.max_position, 0.01),
    num('stop_loss', 'Stop loss', s.stop_loss, 0.01), num('take_profit', 'Take profit', s.take_profit, 0.01));
  const el = h('form', { class: 'inline', id: 'backtest-form' },
    h('label', { class: 'wide' }, 'Symbols (comma-separated, at most 50)',
      h('input', { name: 'symbols', required: true, placeholder: 'AAPL, MSFT, SPY' })),
    h('label', {}, 'From', h('input', { name: 'start', type: 'date', value: yearAgo, required: true })),
    h('label', {}, 'To', h('input', { name: 'end', type: 'date', value: today, required: true })),
    h('fieldset', {}, h('legend', {}, 'Timeframes'), cfg.timeframes.map((t) => h('label', { class: 'check' },
      h('input', { type: 'checkbox', name: 'timeframes', value: t, checked: t === '1d' }), t))),
    h('label', {}, 'Horizons (bars)', h('input', { name: 'horizons', value: d.horizons.join(', '), size: 10 })),
    h('label', {}, 'Entry', h('select', { name: 'entry' }, h('option', { value: 'next_open' }, 'next open'),
      h('option', { value: 'close' }, 'signal close'))),
    h('label', {}, 'Patterns (none chosen: all 61)', h('select', { name: 'patterns', multiple: true, size: 4 },
      cfg.patterns.map((p) => h('option', { value: p.pattern }, p.name)))),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'strategy', id: 'backtest-strategy' }), 'Trade the signals'),
    strategyBox,
    h('button', { type: 'submit' }, 'Run backtest'));
  el.querySelector('#backtest-strategy').addEventListener('change', (ev) => {
    strategyBox.hidden = !ev.target.checked;
  });
  el.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await post('/api/backtests', request(el, cfg));
      fill(error);
      onSubmitted(r.job_id);
    } catch (err) { fill(error, message(err)); }
  });
  return h('section', { class: 'panel' }, h('h2', {}, 'New backtest'), el, error);
}

function progressCell(job) {
  if (job.status !== 'running' && job.status !== 'queued') return job.status;
  return h('span', {}, h('progress', { max: 1, value: job.progress }), ` ${pct(job.progress, 0)}`);
}

// The job list; `open(id)` shows a job's results. Returns { el, update(job fields) }.
function jobList(open) {
  const body = h('tbody', { id: 'backtest-jobs' });
  const rows = new Map();
  const row = (j) => {
    const p = j.params || {};
    const cancel = (j.status === 'queued' || j.status === 'running') ? h('button', { class: 'secondary',
      onclick: async () => { try { await post(`/api/backtests/${j.id}/cancel`); } catch { /* shown on refresh */ } draw(); } }, 'Cancel') : null;
    const tr = h('tr', { 'data-id': j.id, 'data-status': j.status },
      h('td', {}, h('a', { href: `/backtest?job=${j.id}`, onclick: (ev) => { ev.preventDefault(); open(j.id); } }, `#${j.id}`)),
      h('td', { class: 'status-cell' }, progressCell(j)),
      h('td', {}, (p.symbols || []).join(', ') + (p.symbol_count > 10 ? ` +${p.symbol_count - 10}` : '')),
      h('td', {}, `${p.start || p.start_date || ''} – ${p.end || p.end_date || ''}`),
      h('td', {}, j.results ? `${j.results.signals} signals, ${j.results.significant} significant` : (j.error || '')),
      h('td', {}, cancel));
    rows.set(j.id, { tr, job: j });
    return tr;
  };
  async function draw() {
    const r = await get('/api/backtests?limit=20');
    rows.clear();
    fill(body, r.items.length ? r.items.map(row) : h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No backtests yet.')));
  }
  function update(m) {
    const had = rows.get(m.job_id);
    if (!had) return draw();
    if (m.type === 'backtest_result') return draw();
    had.job.status = 'running';
    had.job.progress = m.progress;
    fill(had.tr.querySelector('.status-cell'), progressCell(had.job));
    return null;
  }
  const el = h('section', { class: 'panel' }, h('h2', {}, 'Your backtests'),
    h('div', { class: 'scroll' }, h('table', { class: 'jobs' }, h('thead', {}, h('tr', {},
      ['Job', 'Status', 'Symbols', 'Range', 'Result', ''].map((t) => h('th', {}, t)))), body)));
  return { el, draw, update };
}

function equityChart(box, daily) {
  const LW = window.LightweightCharts;
  if (!LW) return fill(box, h('p', { class: 'muted' }, 'The charting library is not installed.'));
  const chart = LW.createChart(box, { autoSize: true,
    layout: { background: { color: '#17202a' }, textColor: '#d8dee6', attributionLogo: true },
    grid: { vertLines: { color: '#1f2a35' }, horzLines: { color: '#1f2a35' } } });
  const t = (r) => Math.floor(Date.parse(r.bar) / 1000);
  chart.addSeries(LW.LineSeries, { color: '#4c9aff', lineWidth: 2, title: 'equity' })
    .setData(daily.map((r) => ({ time: t(r), value: Number(r.equity) })));
  chart.addSeries(LW.LineSeries, { color: '#8795a5', lineWidth: 1, title: 'buy & hold' })
    .setData(daily.map((r) => ({ time: t(r), value: Number(r.benchmark) })));
  chart.addSeries(LW.AreaSeries, { lineColor: '#ef5350', topColor: 'rgba(239,83,80,.4)', bottomColor: 'rgba(239,83,80,0)',
    lineWidth: 1, title: 'drawdown %' }, 1)
    .setData(daily.map((r) => ({ time: t(r), value: -100 * Number(r.drawdown) })));
  const panes = chart.panes();
  if (panes[1]) panes[1].setHeight(90);
  chart.timeScale().fitContent();
  return chart;
}

// Pattern (and direction) × horizon, coloured by the ALL cells' excess return.
function heatMap(cells, timeframe) {
  const mine = cells.filter((c) => c.timeframe === timeframe && c.n_eff >= 5);
  const horizons = [...new Set(mine.map((c) => c.horizon))].sort((a, b) => a - b);
  const keys = [...new Set(mine.map((c) => `${c.pattern}|${c.direction}`))].sort();
  const by = new Map(mine.map((c) => [`${c.pattern}|${c.direction}|${c.horizon}`, c]));
  const scale = Math.max(1e-9, ...mine.map((c) => Math.abs(c.excess || 0)));
  const cell = (c) => {
    if (!c || typeof c.excess !== 'number') return h('td', { class: 'muted' }, '–');
    const a = Math.min(1, Math.abs(c.excess) / scale);
    const rgb = c.excess >= 0 ? '38,166,154' : '239,83,80';
    return h('td', { style: `background: rgba(${rgb},${(0.15 + 0.7 * a).toFixed(2)})`,
      title: `n_eff ${c.n_eff}, q ${c.q ?? '–'}` }, pct(c.excess), qBadge(c.q));
  };
  return h('div', { class: 'scroll tall' }, h('table', { class: 'heat', id: 'backtest-heatmap' },
    h('thead', {}, h('tr', {}, h('th', {}, `Pattern (${timeframe})`), horizons.map((x) => h('th', { class: 'num' }, `h ${x}`)))),
    h('tbody', {}, keys.map((k) => { const [p, d] = k.split('|'); return h('tr', {},
      h('td', {}, `${p.replace(/^CDL/, '')} `, h('span', { class: d === 'bullish' ? 'up' : d === 'bearish' ? 'down' : 'muted' }, d)),
      horizons.map((x) => cell(by.get(`${k}|${x}`)))); }))));
}

// The statistics table: filters, sorting by a header click, paging.
function statsTable(job) {
  const firstSymbol = (job.params.symbols || [])[0] || '';
  const state = { sort: 'q', offset: 0 };
  const filters = h('form', { class: 'inline', id: 'stats-filters' },
    h('label', {}, 'Symbol (ALL: pooled)', h('input', { name: 'symbol', value: 'ALL', size: 8 })),
    h('label', {}, 'Horizon', h('input', { name: 'horizon', type: 'number', min: 1, max: 500, size: 4 })),
    h('label', { class: 'check' }, h('input', { type: 'checkbox', name: 'significant' }), 'q ≤ 0.10 only'),
    h('button', { type: 'submit' }, 'Filter'));
  const body = h('tbody', { id: 'stats-rows' });
  const info = h('p', { class: 'muted', id: 'stats-info' });
  const more = h('button', { class: 'secondary', hidden: true }, 'More');
  const head = h('tr', {}, STAT_COLUMNS.map(([key, label]) => h('th', { class: 'sortable', 'data-key': key,
    onclick: () => { state.sort = state.sort === key ? `-${key}` : key; load(false); } }, label)));
  async function load(append) {
    const f = new FormData(filters);
    if (!append) state.offset = 0;
    const r = await get(`/api/backtests/${job.id}/stats${query({ symbol: f.get('symbol').trim().toUpperCase(),
      horizon: f.get('horizon'), significant: f.get('significant') ? 'true' : '', sort: state.sort, limit: 100, offset: state.offset })}`);
    if (!append) body.replaceChildren();
    for (const c of r.items) {
      const symbol = c.symbol === 'ALL' ? firstSymbol : c.symbol;
      body.append(h('tr', { class: 'link', title: `the ${symbol} ${c.timeframe} chart with this pattern's signals`,
        onclick: () => { history.pushState(null, '', `/chart${query({ symbol, timeframe: c.timeframe, job: job.id, pattern: c.pattern })}`); window.dispatchEvent(new PopStateEvent('popstate')); } },
        h('td', {}, c.pattern.replace(/^CDL/, '')), h('td', { class: c.direction === 'bullish' ? 'up' : c.direction === 'bearish' ? 'down' : 'muted' }, c.direction),
        h('td', {}, c.symbol), h('td', {}, c.timeframe), h('td', { class: 'num' }, c.horizon),
        h('td', { class: 'num' }, c.n), h('td', { class: 'num' }, c.n_eff), h('td', { class: 'num' }, pct(c.hit_rate, 1)),
        h('td', { class: 'num' }, pct(c.mean)), h('td', { class: `num ${c.excess > 0 ? 'up' : c.excess < 0 ? 'down' : ''}` }, pct(c.excess)),
        h('td', { class: 'num' }, fmt(c.t)), h('td', { class: 'num' }, typeof c.q === 'number' ? fmt(c.q, 3) : '–', ' ', qBadge(c.q))));
    }
    state.offset += r.items.length;
    more.hidden = r.next_offset === null;
    fill(info, `${r.total} cells; sorted by ${state.sort.replace(/^-/, '')}${state.sort.startsWith('-') ? ' (descending)' : ''}`);
    for (const th of head.children) th.classList.toggle('sorted', state.sort.replace(/^-/, '') === th.dataset.key);
  }
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); load(false).catch((e) => fill(info, message(e))); });
  more.addEventListener('click', () => load(true).catch((e) => fill(info, message(e))));
  const el = h('div', {}, filters, info, h('div', { class: 'scroll tall' }, h('table', { id: 'stats-table' }, h('thead', {}, head), body)), more);
  return { el, load };
}

async function results(box, id) {
  const { job } = await get(`/api/backtests/${id}`);
  const r = job.results;
  if (job.status !== 'done' || !r) {
    fill(box, h('section', { class: 'panel' }, h('h2', {}, `Backtest #${id}`),
      h('p', { class: job.error ? 'error' : 'muted' }, job.error || `This backtest is ${job.status}.`)));
    return null;
  }
  const summary = h('table', { class: 'figures', id: 'backtest-summary' }, h('tbody', {},
    [['Signals', r.signals], ['Cells', r.cells], ['Tested (n_eff ≥ 30)', r.tested], ['Significant (q ≤ 0.10)', r.significant],
     ['Bars', r.bars]].map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', { class: 'num' }, String(v))))));
  const warnings = (r.warnings || []).length ? h('ul', { class: 'warnings' }, r.warnings.map((w) => h('li', {}, w))) : null;
  const strategy = r.strategy ? h('table', { class: 'figures', id: 'backtest-strategy-figures' }, h('tbody', {},
    [['Final equity', fmt(r.strategy.final_equity)], ['Return', pct(r.strategy.total_return)],
     ['Buy and hold', pct(r.strategy.benchmark_return)], ['Max drawdown', pct(r.strategy.max_drawdown)],
     ['Sharpe', fmt(r.strategy.sharpe)], ['Trades', String(r.strategy.trades)], ['Win rate', pct(r.strategy.win_rate, 1)]]
      .map(([k, v]) => h('tr', {}, h('th', {}, k), h('td', { class: 'num' }, v))))) : null;
  const equityBox = h('div', { id: 'backtest-equity' });
  const stats = statsTable(job);
  const heat = h('div', {});
  const calib = h('div', {});
  const links = h('p', { class: 'files' }, ['results.json', 'stats.csv', 'trades', 'equity', 'calibration.csv'].map((f) =>
    h('a', { href: `/api/backtests/${id}/${f}`, class: 'file' }, f)));
  fill(box,
    h('section', { class: 'panel' }, h('h2', {}, `Backtest #${id} `, h('span', { class: 'muted' }, job.request_id)),
      h('div', { class: 'grid' }, h('div', {}, summary, warnings), h('div', {}, strategy)), links),
    r.strategy ? h('section', { class: 'panel' }, h('h2', {}, 'Equity and drawdown'), equityBox) : null,
    h('section', { class: 'panel' }, h('h2', {}, 'Statistics'), stats.el),
    h('section', { class: 'panel' }, h('h2', {}, 'Excess return by pattern and horizon (pooled)'), heat),
    h('section', { class: 'panel' }, h('h2', {}, 'Does confidence mean something? (calibration)'), calib));
  await stats.load(false);
  let chart = null;
  if (r.strategy) chart = equityChart(equityBox, csvRows(await (await fetch(`/api/backtests/${id}/equity_daily.csv`)).text()));
  const pooled = (await get(`/api/backtests/${id}/stats?symbol=ALL&limit=10000`)).items;
  const tfs = [...new Set(pooled.map((c) => c.timeframe))];
  fill(heat, tfs.length ? tfs.map((tf) => heatMap(pooled, tf)) : h('p', { class: 'muted' }, 'No cells.'));
  const bins = csvRows(await (await fetch(`/api/backtests/${id}/calibration.csv`)).text()).filter((b) => b.pattern === 'ALL');
  fill(calib, h('div', { class: 'scroll' }, h('table', { id: 'backtest-calibration' },
    h('thead', {}, h('tr', {}, ['TF', 'Confidence', 'Events', 'Hit rate', 'Mean confidence', 'Brier'].map((t) => h('th', {}, t)))),
    h('tbody', {}, bins.map((b) => h('tr', {}, h('td', {}, b.timeframe), h('td', {}, `${b.lo}–${b.hi}`),
      h('td', { class: 'num' }, b.n), h('td', { class: 'num' }, b.hit_rate ? pct(Number(b.hit_rate), 1) : '–'),
      h('td', { class: 'num' }, b.mean_confidence ? fmt(Number(b.mean_confidence)) : '–'),
      h('td', { class: 'num' }, b.brier ? fmt(Number(b.brier), 3) : '–')))))));
  box.dataset.ready = '1';
  return () => { if (chart) chart.remove(); };
}

export async function backtestPage(root) {
  const cfg = await get('/api/backtests/config');
  try {
    await get('/api/backtests?limit=1');
  } catch (err) {
    if (!(err instanceof ApiError) || err.status !== 503) throw err;
    fill(root, h('section', { class: 'panel', id: 'backtest-unavailable' }, h('h2', {}, 'Backtests'),
      h('p', {}, message(err)),
      h('p', { class: 'muted' }, 'Backtests read the bars stored in PostgreSQL and keep their jobs there.')));
    return null;
  }
  const resultBox = h('div', { id: 'backtest-results' });
  let leaveResults = null;
  const open = async (id) => {
    history.replaceState(null, '', `/backtest?job=${id}`);
    if (leaveResults) leaveResults();
    fill(resultBox, h('p', { class: 'muted' }, 'Loading…'));
    try { leaveResults = await results(resultBox, id); } catch (err) { fill(resultBox, h('p', { class: 'error' }, message(err))); }
  };
  const jobs = jobList(open);
  fill(root, form(cfg, (id) => { jobs.draw(); open(id); }), jobs.el, resultBox);
  await jobs.draw();
  const shown = () => Number(new URLSearchParams(location.search).get('job'));
  const mine = (m) => m.job_type !== 'data_load';
  const offs = [live.on('backtest_progress', (m) => { if (mine(m)) jobs.update(m); }),
    live.on('backtest_result', (m) => {
      if (!mine(m)) return;
      jobs.update(m);
      if (m.job_id === shown()) open(m.job_id);
    })];
  if (shown()) await open(shown());
  return () => { for (const off of offs) off(); if (leaveResults) leaveResults(); };
}
