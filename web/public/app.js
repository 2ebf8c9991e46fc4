// The dashboard: a login form for visitors; after login the pages below, each built from the
// REST API and kept live by the WebSocket.
import { h, fill, fmt, when, table } from './dom.js';
import { get, post, put, patch, del, query, setCsrf, ApiError } from './api.js';
import * as live from './live.js';
import { chartPage } from './chart.js';
import { backtestPage } from './backtest.js';

const app = document.getElementById('app');
// alerts: what the feed shows, newest first ({ key, id, alert, pending, fresh: it waited for
// this login }); older pages of the history come on request (history.next: the cursor);
// pending: how many wait, server-side.
const state = { me: null, alerts: [], catalogue: null, history: { loaded: false, next: null }, pending: 0 };

const pages = { dashboard, chart: chartPage, patterns, subscriptions, backtest: backtestPage, account, admin };
const routes = { '/': 'dashboard', '/chart': 'chart', '/patterns': 'patterns',
                 '/subscriptions': 'subscriptions', '/backtest': 'backtest',
                 '/backtest-dashboard': 'backtest', '/account': 'account', '/admin': 'admin' };
let leave = null;  // the current page's clean-up

function message(err) { return err instanceof ApiError ? err.message : String(err); }

async function catalogue() {
  if (!state.catalogue) state.catalogue = (await get('/api/patterns/catalogue')).items;
  return state.catalogue;
}

// ---- alerts: every one has the id it was stored under and is pending until acknowledged --
// (a live one too; one the server could not store comes without an id and needs no ack).
const MAX_ALERTS = 1000;
let liveSeq = 2 ** 52;  // id-less live alerts sort above every stored id (they are newer)
const alertKey = (a) => [a.symbol, a.timeframe, a.time, a.pattern, a.revision].join('|');

function changed() { window.dispatchEvent(new Event('alerts-changed')); }

// Adds a live alert ({type: 'pattern_alert', id?, ...}), or stored items ({id, delivered_at,
// alert}) of the login, the greeting or the history. One alert is shown once: the same id (an
// alert both received live and listed in a page) or, when one of the two has no id, the same
// alert. Only what waited for this login or this socket is marked new (fresh), once.
function addAlert(a) {
  const { id, ...alert } = a;
  if (merge([{ id: id ?? null, alert, pending: id != null }]) && id != null) state.pending += 1;
}
function addItems(items) {
  merge((items || []).map((i) => ({ id: i.id, alert: i.alert, pending: i.delivered_at === null })), true);
}
// Returns how many entries were new to the feed.
function merge(entries, listed = false) {
  let added = 0;
  for (const e of entries) {
    const key = alertKey(e.alert);
    const had = state.alerts.find((x) => (e.id !== null && x.id === e.id) ||
      (x.key === key && (x.id === null || e.id === null)));
    if (had) {
      if (e.id !== null && had.id === null) Object.assign(had, { id: e.id, pending: e.pending });
      continue;
    }
    state.alerts.push({ ...e, key, order: e.id ?? liveSeq++, fresh: listed && e.pending });
    added += 1;
  }
  state.alerts.sort((x, y) => y.order - x.order);
  state.alerts.length = Math.min(state.alerts.length, MAX_ALERTS);
  changed();
  return added;
}

// Acknowledges the pending alerts the page shows: they stop waiting for the next login.
let acking = false;
async function ackShown(shown) {
  const ids = shown.filter((e) => e.pending && e.id !== null).map((e) => e.id).slice(0, 500);
  if (acking || !ids.length) return;
  acking = true;
  let r = null;
  try { r = await post('/api/alerts/ack', { ids }); } catch { /* stays pending: acknowledged at the next draw */ }
  acking = false;
  if (!r) return;
  for (const e of state.alerts) if (ids.includes(e.id)) e.pending = false;
  state.pending = Math.max(0, state.pending - r.acked);
  changed();
}

// The next older page of the history.
async function loadHistory() {
  const cursor = state.history.loaded ? state.history.next : '';
  if (state.history.loaded && !cursor) return;
  const r = await get(`/api/alerts${query({ limit: 20, cursor })}`);
  state.history = { loaded: true, next: r.next };
  addItems(r.items);
}

function alertItem(a, pending, id = null) {
  const dir = a.direction === 'bullish' ? 'up' : a.direction === 'bearish' ? 'down' : 'muted';
  const link = `/chart${query({ symbol: a.symbol, timeframe: a.timeframe })}`;
  return h('li', { class: pending ? 'alert new' : 'alert', 'data-id': id ?? undefined }, pending ? h('span', { class: 'badge new' }, 'new') : null, pending ? ' ' : null,
    h('a', { href: link, 'data-link': '' }, `${a.symbol} ${a.timeframe}`), ' ',
    h('span', { class: dir }, a.name || a.pattern), ' ',
    h('span', { class: 'badge' }, `conf ${fmt(a.confidence)}`), ' ',
    h('span', { class: 'muted' }, `${when(a.time)} @ ${fmt(a.price)}`));
}

// ---- login -----------------------------------------------------------------------------
function loginForm() {
  document.getElementById('nav').hidden = true;
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'login', id: 'login-form' },
    h('h2', {}, 'Log in'),
    h('label', {}, 'Username', h('input', { name: 'username', autocomplete: 'username', required: true })),
    h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true })),
    h('button', { type: 'submit' }, 'Log in'), error);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const data = new FormData(form);
    try {
      const r = await post('/api/auth/login', { username: data.get('username'), password: data.get('password') });
      addItems(r.pending_alerts);
      state.pending = r.pending_count || 0;
      start(r);
    } catch (err) {
      fill(error, err.status === 401 ? 'Wrong username or password.' : message(err));
    }
  });
  fill(app, form);
}

function start(session) {
  state.me = session.user;
  setCsrf(session.csrf_token);
  document.getElementById('nav').hidden = false;
  document.getElementById('nav-admin').hidden = state.me.role !== 'admin';
  live.connect();
  route();
}

// ---- router ----------------------------------------------------------------------------
async function route() {
  if (leave) { leave(); leave = null; }
  if (!state.me) return loginForm();
  const name = routes[location.pathname] || 'dashboard';
  for (const a of document.querySelectorAll('#nav a'))
    a.classList.toggle('active', a.dataset.page === name);
  fill(app, h('p', { class: 'muted' }, 'Loading…'));
  try {
    leave = (await pages[name](app, { state, catalogue, addAlert, alertItem })) || null;
  } catch (err) {
    fill(app, h('p', { class: 'error' }, message(err)));
  }
}

document.addEventListener('click', (ev) => {
  const a = ev.target.closest('a');
  if (!a || a.target || a.origin !== location.origin || !(a.pathname in routes)) return;
  ev.preventDefault();
  history.pushState(null, '', a.pathname + a.search);
  route();
});
window.addEventListener('popstate', route);
window.addEventListener('logged-out', () => {
  state.me = null;
  state.alerts = [];
  state.history = { loaded: false, next: null };
  state.pending = 0;
  live.disconnect();
  route();
});

live.on('status', (s) => {
  const el = document.getElementById('status');
  el.textContent = s;
  el.classList.toggle('live', s === 'live');
});
live.on('pattern_alert', addAlert);
// The greeting: the first page of the alerts that waited, and how many wait.
live.on('hello', (m) => {
  state.pending = m.pending_count || 0;
  addItems(m.pending);
});
// The server closed the socket because this session ended (logout, password changed in another
// session, account disabled, expiry): the page logs out.
live.on('session-ended', () => { if (state.me) window.dispatchEvent(new Event('logged-out')); });

// ---- pages -----------------------------------------------------------------------------
async function dashboard(root) {
  const feed = h('ul', { class: 'feed', id: 'alert-feed' });
  const waiting = h('span', { class: 'muted', id: 'alerts-waiting' });
  const older = h('button', { class: 'secondary', id: 'alerts-older', hidden: true }, 'Older alerts');
  const watch = h('tbody', { id: 'watchlist' });
  fill(root, h('div', { class: 'grid' },
    h('section', { class: 'panel' }, h('h2', {}, 'Live alerts ', waiting), feed, older),
    h('section', { class: 'panel' }, h('h2', {}, 'Watchlist'),
      h('table', {}, h('thead', {}, h('tr', {}, ['Symbol', 'Last', 'Change'].map((t) => h('th', {}, t)))), watch))));
  if (!state.history.loaded) await loadHistory();
  const drawFeed = () => {
    fill(feed, state.alerts.length
      ? state.alerts.map((e) => alertItem(e.alert, e.fresh, e.id))
      : h('li', { class: 'muted' }, 'No alerts yet: subscribe to patterns on the Subscriptions page.'));
    const shownPending = state.alerts.filter((e) => e.pending).length;
    fill(waiting, state.pending > shownPending ? `(${state.pending - shownPending} more waiting below)` : '');
    older.hidden = !state.history.next;
    ackShown(state.alerts);
  };
  older.addEventListener('click', () => loadHistory().catch(() => {}));
  drawFeed();
  window.addEventListener('alerts-changed', drawFeed);

  const symbols = (await get('/api/symbols?limit=12')).items.map((s) => s.symbol);
  const rows = new Map();
  for (const symbol of symbols) {
    const last = h('td', {}, '–'), change = h('td', {}, '–');
    watch.append(h('tr', { 'data-symbol': symbol },
      h('td', {}, h('a', { href: `/chart${query({ symbol, timeframe: '1m' })}` }, symbol)), last, change));
    rows.set(symbol, { last, change, base: null });
    get(`/api/bars${query({ symbol, timeframe: '1m', limit: 390 })}`).then((r) => {
      if (!r.bars.length) return;
      const row = rows.get(symbol);
      row.base = r.bars[0].open;
      show(symbol, r.bars[r.bars.length - 1].close);
    }).catch(() => {});
    live.subscribe(symbol, '1m');
  }
  function show(symbol, price) {
    const row = rows.get(symbol);
    if (!row) return;
    fill(row.last, fmt(price));
    if (row.base) {
      const pct = (price / row.base - 1) * 100;
      row.change.className = pct >= 0 ? 'up' : 'down';
      fill(row.change, `${pct >= 0 ? '+' : ''}${fmt(pct)}%`);
    }
  }
  const off = live.on('bar', (b) => { if (b.timeframe === '1m') show(b.symbol, b.close); });
  return () => {
    off();
    window.removeEventListener('alerts-changed', drawFeed);
    for (const s of symbols) live.unsubscribe(s, '1m');
  };
}

async function patterns(root, { catalogue: cat }) {
  const all = await cat();
  const form = h('form', { class: 'inline', id: 'pattern-filters' },
    h('label', {}, 'Symbol', h('input', { name: 'symbol', size: 8 })),
    h('label', {}, 'Pattern', h('select', { name: 'pattern' }, h('option', { value: '' }, 'any'),
      all.map((p) => h('option', { value: p.pattern }, p.name)))),
    h('label', {}, 'Timeframe', h('select', { name: 'timeframe' }, h('option', { value: '' }, 'any'),
      ['1m', '5m', '15m', '30m', '1h', '4h', '1d'].map((t) => h('option', { value: t }, t)))),
    h('label', {}, 'Min confidence', h('input', { name: 'min_confidence', type: 'number', min: 0, max: 1, step: 0.05, value: 0 })),
    h('button', { type: 'submit' }, 'Show'));
  const body = h('tbody', { id: 'pattern-rows' });
  const more = h('button', { class: 'secondary', hidden: true }, 'More');
  const error = h('p', { class: 'error' });
  let next = null;
  async function load(append) {
    const f = new FormData(form);
    const params = { symbol: f.get('symbol').trim(), pattern: f.get('pattern'), timeframe: f.get('timeframe'),
                     min_confidence: f.get('min_confidence'), limit: 50, cursor: append ? next : '' };
    try {
      const r = await get(`/api/patterns${query(params)}`);
      fill(error);
      if (!append) body.replaceChildren();
      for (const p of r.items) {
        body.append(h('tr', {},
          h('td', {}, when(p.time)), h('td', {}, h('a', { href: `/chart${query({ symbol: p.symbol, timeframe: p.timeframe })}` }, p.symbol)),
          h('td', {}, p.timeframe), h('td', { class: p.direction === 'bullish' ? 'up' : p.direction === 'bearish' ? 'down' : '' }, p.name),
          h('td', {}, fmt(p.confidence)), h('td', {}, fmt(p.price))));
      }
      next = r.next;
      more.hidden = !next;
    } catch (err) { fill(error, message(err)); }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(false); });
  more.addEventListener('click', () => load(true));
  fill(root,
    h('section', { class: 'panel' }, h('h2', {}, 'Detections'), form, error,
      table(['Bar', 'Symbol', 'TF', 'Pattern', 'Confidence', 'Price'], body), more),
    h('section', { class: 'panel' }, h('h2', {}, 'Catalogue'),
      table(['Pattern', 'Name', 'Candles', 'Direction', 'Kind', 'Description'],
        all.map((p) => h('tr', {}, h('td', {}, p.pattern), h('td', {}, p.name), h('td', {}, p.candles),
          h('td', {}, p.direction), h('td', {}, p.kind), h('td', {}, p.description))))));
  await load(false);
}

async function subscriptions(root, { catalogue: cat }) {
  const all = await cat();
  const list = h('tbody', { id: 'subscription-rows' });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'inline', id: 'subscription-form' },
    h('label', {}, 'Pattern', h('select', { name: 'pattern' }, h('option', { value: '*' }, 'every pattern'),
      all.map((p) => h('option', { value: p.pattern }, p.name)))),
    h('label', {}, 'Symbols (comma-separated, empty: all)', h('input', { name: 'symbols', size: 20 })),
    h('label', {}, 'Timeframes (empty: all)', h('input', { name: 'timeframes', size: 12, placeholder: '1m,5m' })),
    h('label', {}, 'Min confidence', h('input', { name: 'min_confidence', type: 'number', min: 0, max: 1, step: 0.05, value: 0.5 })),
    h('button', { type: 'submit' }, 'Subscribe'));
  const split = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
  async function draw() {
    const r = await get('/api/subscriptions');
    fill(list, r.items.length ? r.items.map((s) => h('tr', {},
      h('td', {}, s.pattern === '*' ? 'every pattern' : s.pattern),
      h('td', {}, s.symbols.join(', ') || 'all'), h('td', {}, s.timeframes.join(', ') || 'all'),
      h('td', {}, fmt(s.min_confidence)), h('td', {}, s.enabled ? 'on' : 'off'),
      h('td', {},
        h('button', { class: 'secondary', onclick: async () => { await put(`/api/subscriptions/${s.id}`, { ...s, enabled: !s.enabled }); draw(); } }, s.enabled ? 'Pause' : 'Resume'), ' ',
        h('button', { class: 'secondary', onclick: async () => { await del(`/api/subscriptions/${s.id}`); draw(); } }, 'Delete'))))
      : h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No subscriptions yet.')));
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    try {
      await post('/api/subscriptions', { pattern: f.get('pattern'), symbols: split(f.get('symbols')),
        timeframes: split(f.get('timeframes')), min_confidence: Number(f.get('min_confidence')) });
      fill(error);
      form.reset();
      draw();
    } catch (err) { fill(error, message(err)); }
  });
  fill(root, h('section', { class: 'panel' }, h('h2', {}, 'Alert subscriptions'), form, error,
    table(['Pattern', 'Symbols', 'Timeframes', 'Min confidence', 'State', ''], list)));
  await draw();
}

async function account(root) {
  const me = (await get('/api/auth/me')).user;
  const msg = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'inline', id: 'password-form' },
    h('label', {}, 'Current password', h('input', { name: 'current_password', type: 'password', autocomplete: 'current-password' })),
    h('label', {}, 'New password', h('input', { name: 'new_password', type: 'password', autocomplete: 'new-password', minlength: 8 })),
    h('button', { type: 'submit' }, 'Change password'));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    try {
      await post('/api/auth/password', { current_password: f.get('current_password'), new_password: f.get('new_password') });
      form.reset();
      fill(msg, 'Password changed.');
    } catch (err) { fill(msg, message(err)); }
  });
  const logout = h('button', { id: 'logout', class: 'secondary', onclick: async () => {
    try { await post('/api/auth/logout'); } finally { window.dispatchEvent(new Event('logged-out')); history.pushState(null, '', '/'); route(); }
  } }, 'Log out');
  fill(root, h('section', { class: 'panel' }, h('h2', {}, 'Account'),
    table(['User', 'Role', 'Created', 'Last login'], h('tr', {}, h('td', { id: 'account-user' }, me.username),
      h('td', {}, me.role), h('td', {}, me.created_at), h('td', {}, me.last_login_at || '–'))),
    h('h2', {}, 'Password'), form, msg, logout));
}

async function admin(root) {
  const users = h('tbody', { id: 'user-rows' });
  const health = h('tbody', { id: 'health-rows' });
  const stats = h('tbody', { id: 'stats-rows' });
  const error = h('p', { class: 'error', role: 'alert' });
  const form = h('form', { class: 'inline' },
    h('label', {}, 'Username', h('input', { name: 'username' })),
    h('label', {}, 'Password', h('input', { name: 'password', type: 'password', autocomplete: 'new-password' })),
    h('label', {}, 'Role', h('select', { name: 'role' }, h('option', {}, 'user'), h('option', {}, 'admin'))),
    h('button', { type: 'submit' }, 'Add user'));
  async function draw() {
    const r = await get('/api/admin/users');
    fill(users, r.items.map((u) => h('tr', {}, h('td', {}, u.id), h('td', {}, u.username),
      h('td', {}, h('select', { disabled: u.id === state.me.id, onchange: async (ev) => {
        try { await patch(`/api/admin/users/${u.id}`, { role: ev.target.value }); } catch (err) { fill(error, message(err)); }
        draw();
      } }, ['user', 'admin'].map((x) => h('option', { selected: x === u.role }, x)))),
      h('td', {}, u.enabled ? 'enabled' : 'disabled'), h('td', {}, u.last_login_at || '–'),
      h('td', {}, u.id === state.me.id ? '' : h('button', { class: 'secondary', onclick: async () => {
        await patch(`/api/admin/users/${u.id}`, { enabled: !u.enabled }); draw();
      } }, u.enabled ? 'Disable' : 'Enable')))));
    const ready = await fetch('/ready').then((x) => x.json());
    fill(health, Object.entries(ready.checks).map(([name, c]) => h('tr', {}, h('td', {}, name),
      h('td', { class: c.ok ? 'up' : 'down' }, c.ok ? 'ok' : 'not ok'), h('td', {}, c.detail))));
    const s = await get('/api/admin/stats');
    const flat = [];
    (function walk(prefix, o) {
      for (const [k, v] of Object.entries(o)) {
        if (v && typeof v === 'object') walk(`${prefix}${k}.`, v); else flat.push([prefix + k, v]);
      }
    })('', s);
    fill(stats, flat.map(([k, v]) => h('tr', {}, h('td', {}, k), h('td', {}, typeof v === 'number' ? fmt(v, Number.isInteger(v) ? 0 : 2) : String(v)))));
  }
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const f = new FormData(form);
    try {
      await post('/api/admin/users', { username: f.get('username'), password: f.get('password'), role: f.get('role') });
      form.reset();
      fill(error);
      draw();
    } catch (err) { fill(error, message(err)); }
  });
  fill(root, h('div', { class: 'grid' },
    h('section', { class: 'panel' }, h('h2', {}, 'Users'), form, error,
      table(['Id', 'User', 'Role', 'State', 'Last login', ''], users)),
    h('section', { class: 'panel' }, h('h2', {}, 'System health'), table(['Check', 'State', 'Detail'], health),
      h('h2', {}, 'Figures'), table(['Figure', 'Value'], stats),
      h('p', {}, h('a', { href: '/metrics', target: '_blank' }, 'All metrics (Prometheus)')))));
  await draw();
  const timer = setInterval(() => draw().catch(() => {}), 5000);
  return () => clearInterval(timer);
}

// ---- start: a visitor gets the login form, a logged-in user the page ---------------------
// (tickstock_logged_in is a hint the server sets beside the HttpOnly session cookie.)
if (document.cookie.split('; ').includes('tickstock_logged_in=1')) {
  get('/api/auth/me').then(start).catch(() => loginForm());
} else {
  loginForm();
}
