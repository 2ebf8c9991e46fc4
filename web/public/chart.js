// The chart page: candlesticks of one symbol and timeframe with the patterns found on them as
// markers, SMA/EMA, Bollinger and VWAP overlays, RSI and MACD panes; live bars (revisions
// replace their bar), indicator updates and pattern markers from the WebSocket.
import { h, fill, fmt } from './dom.js';
import { get, query } from './api.js';
import * as live from './live.js';

const TIMEFRAMES = ['1m', '5m', '15m', '30m', '1h', '4h', '1d'];
const BAR_SECONDS = { '1m': 60, '5m': 300, '15m': 900, '30m': 1800, '1h': 3600, '4h': 14400, '1d': 86400 };
const OVERLAYS = [['sma', '#f0b429'], ['ema', '#b58cff'], ['bbands_upper', '#5f7d95'],
                  ['bbands_middle', '#3f5a70'], ['bbands_lower', '#5f7d95'], ['vwap', '#4c9aff']];

function marker(p) {
  const bull = p.direction === 'bullish', bear = p.direction === 'bearish';
  return { time: p.time, position: bull ? 'belowBar' : 'aboveBar',
           shape: bull ? 'arrowUp' : bear ? 'arrowDown' : 'circle',
           color: bull ? '#26a69a' : bear ? '#ef5350' : '#8795a5',
           text: p.pattern.replace(/^CDL/, ''), id: `${p.time}|${p.pattern}` };
}

export async function chartPage(root) {
  const params = new URLSearchParams(location.search);
  const symbols = (await get('/api/symbols?limit=500')).items.map((s) => s.symbol);
  const symbol = (params.get('symbol') || symbols[0] || '').toUpperCase();
  const timeframe = TIMEFRAMES.includes(params.get('timeframe')) ? params.get('timeframe') : '1m';
  const form = h('form', { class: 'inline', id: 'chart-form' },
    h('label', {}, 'Symbol', h('input', { name: 'symbol', value: symbol, list: 'chart-symbols', size: 8 })),
    h('datalist', { id: 'chart-symbols' }, symbols.map((s) => h('option', { value: s }))),
    h('label', {}, 'Timeframe', h('select', { name: 'timeframe' },
      TIMEFRAMES.map((t) => h('option', { selected: t === timeframe }, t)))),
    h('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    history.pushState(null, '', `/chart${query({ symbol: f.get('symbol').trim().toUpperCase(), timeframe: f.get('timeframe') })}`);
    window.dispatchEvent(new PopStateEvent('popstate'));
  });
  const info = h('p', { class: 'muted', id: 'chart-info' });
  const box = h('div', { id: 'chart-main', 'data-symbol': symbol, 'data-timeframe': timeframe });
  fill(root, h('section', { class: 'panel' }, h('h2', {}, `${symbol} ${timeframe}`), form, box, info));
  if (!symbol) { fill(info, 'No symbols yet.'); return null; }
  if (!window.LightweightCharts) { fill(info, 'The charting library is not installed (run scripts/deps.sh and rebuild).'); return null; }

  const LW = window.LightweightCharts;
  const chart = LW.createChart(box, {
    autoSize: true,
    layout: { background: { color: '#17202a' }, textColor: '#d8dee6', attributionLogo: true },
    grid: { vertLines: { color: '#1f2a35' }, horzLines: { color: '#1f2a35' } },
    timeScale: { timeVisible: true, secondsVisible: false },
  });
  const candles = chart.addSeries(LW.CandlestickSeries, { upColor: '#26a69a', downColor: '#ef5350',
    borderVisible: false, wickUpColor: '#26a69a', wickDownColor: '#ef5350' });
  const lines = {};
  for (const [name, color] of OVERLAYS)
    lines[name] = chart.addSeries(LW.LineSeries, { color, lineWidth: 1, priceLineVisible: false, lastValueVisible: false });
  lines.rsi = chart.addSeries(LW.LineSeries, { color: '#f0b429', lineWidth: 1 }, 1);
  lines.macd = chart.addSeries(LW.LineSeries, { color: '#4c9aff', lineWidth: 1 }, 2);
  lines.macd_signal = chart.addSeries(LW.LineSeries, { color: '#f0b429', lineWidth: 1 }, 2);
  lines.macd_hist = chart.addSeries(LW.HistogramSeries, { color: '#5f7d95' }, 2);
  const panes = chart.panes();
  if (panes[1]) panes[1].setHeight(90);
  if (panes[2]) panes[2].setHeight(110);
  const markers = LW.createSeriesMarkers(candles, []);

  // ?job=N (&pattern=P): a backtest's signals of this series, as the job measured them, on
  // the bars up to shortly after the newest of them; otherwise the newest bars and the stored
  // live detections.
  const job = params.get('job');
  let range = query({ symbol, timeframe, limit: 500 });
  let pats;
  if (job) {
    pats = await get(`/api/backtests/${encodeURIComponent(job)}/events${query({ symbol, timeframe, pattern: params.get('pattern') || '' })}`);
    const lastSignal = pats.items.length ? pats.items[pats.items.length - 1].time : null;
    if (lastSignal) range = query({ symbol, timeframe, limit: 1000, to: lastSignal + 50 * BAR_SECONDS[timeframe] });
  } else {
    pats = await get(`/api/patterns${query({ symbol, timeframe, limit: 500 })}`);
  }
  const [bars, ind] = await Promise.all([get(`/api/bars${range}`), get(`/api/indicators${range}`)]);
  candles.setData(bars.bars.map(({ time, open, high, low, close }) => ({ time, open, high, low, close })));
  for (const [name, series] of Object.entries(lines)) {
    series.setData(ind.items.filter((r) => r.values[name] !== undefined).map((r) => ({ time: r.time, value: r.values[name] })));
  }
  const marks = new Map();
  const firstBar = bars.bars.length ? bars.bars[0].time : 0;
  for (const p of pats.items) if (p.time >= firstBar) marks.set(`${p.time}|${p.pattern}`, marker(p));
  const drawMarkers = () => markers.setMarkers([...marks.values()].sort((a, b) => a.time - b.time));
  drawMarkers();
  let last = bars.bars.length ? bars.bars[bars.bars.length - 1].time : 0;
  fill(info, job ? `Backtest #${job}: ${marks.size} of its ${pats.total} signals${params.get('pattern') ? ` of ${params.get('pattern')}` : ''} on ${bars.bars.length} bars`
    : `${bars.bars.length} bars, ${marks.size} patterns`);
  box.dataset.job = job || '';
  box.dataset.bars = String(bars.bars.length);
  box.dataset.markers = String(marks.size);

  const mine = (m) => m.symbol === symbol && m.timeframe === timeframe;
  const offs = [
    live.on('bar', (b) => {
      if (!mine(b)) return;
      // A revision of an older bar updates it in place; new bars extend the series.
      candles.update({ time: b.time, open: b.open, high: b.high, low: b.low, close: b.close }, b.time < last);
      last = Math.max(last, b.time);
      box.dataset.liveBars = String(Number(box.dataset.liveBars || 0) + 1);
      fill(info, `last ${fmt(b.close)} (${new Date(b.time * 1000).toISOString()}), ${marks.size} patterns`);
    }),
    live.on('indicators', (m) => {
      if (!mine(m)) return;
      for (const [name, v] of Object.entries(m.values)) if (lines[name]) lines[name].update({ time: m.time, value: v }, m.time < last);
    }),
    live.on('pattern', (p) => {
      if (!mine(p)) return;
      const key = `${p.time}|${p.pattern}`;
      if (p.retracted) marks.delete(key); else marks.set(key, marker(p));
      drawMarkers();
      box.dataset.markers = String(marks.size);
      box.dataset.liveMarkers = String(Number(box.dataset.liveMarkers || 0) + 1);
    }),
  ];
  live.subscribe(symbol, timeframe);
  return () => {
    for (const off of offs) off();
    live.unsubscribe(symbol, timeframe);
    chart.remove();
  };
}
