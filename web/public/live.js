// The WebSocket to /ws: reconnects with backoff, re-sends the chart subscriptions, and hands
// every message to the listeners of its type.
const listeners = new Map();
const charts = new Set();
let socket = null;
let retry = 500;
let wanted = false;

export function on(type, fn) {
  if (!listeners.has(type)) listeners.set(type, new Set());
  listeners.get(type).add(fn);
  return () => listeners.get(type).delete(fn);
}

function emit(type, msg) {
  for (const fn of listeners.get(type) || []) fn(msg);
}

function send(obj) {
  if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(obj));
}

export function subscribe(symbol, timeframe) {
  charts.add(`${symbol}|${timeframe}`);
  send({ type: 'subscribe', symbol, timeframe });
}

export function unsubscribe(symbol, timeframe) {
  charts.delete(`${symbol}|${timeframe}`);
  send({ type: 'unsubscribe', symbol, timeframe });
}

export function connect() {
  wanted = true;
  if (socket) return;
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
  socket = new WebSocket(url);
  socket.onopen = () => {
    retry = 500;
    emit('status', 'live');
    for (const c of charts) {
      const [symbol, timeframe] = c.split('|');
      send({ type: 'subscribe', symbol, timeframe });
    }
  };
  // A frame holds one message, or several (pattern alerts of one moment) on separate lines.
  socket.onmessage = (ev) => {
    for (const line of String(ev.data).split('\n')) {
      let msg;
      try { msg = JSON.parse(line); } catch { continue; }
      emit(msg.type, msg);
    }
  };
  socket.onclose = (ev) => {
    socket = null;
    emit('status', 'offline');
    if (ev.code === 1008) emit('session-ended', {});
    if (!wanted) return;
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 10000);
  };
}

export function disconnect() {
  wanted = false;
  charts.clear();
  if (socket) socket.close();
}
