#!/usr/bin/env bash
# bench/web_bench.sh [BUILD_DIR]: the dashboard's figures, printed as JSON lines.
#  1. REST: /api/patterns at a fixed 2,000 requests/s for 10 s over 32 keep-alive connections,
#     on PostgreSQL holding a synthetic day (20 symbols, every timeframe) while serve runs a
#     live synthetic feed; latencies from when each request was due.
#  2. WebSocket: 1,000 clients (1,000 users, each subscribed to every pattern), batching off,
#     serve in memory on a synthetic feed at 60x: p99 of engine hand-off -> client for every
#     pattern alert, and the server's RSS per connected client.
# Starts its own PostgreSQL and Redis-free serve processes on loopback and stops them.
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
app=$build/tickstockapp/tickstockapp
bench=$build/bench/tickstock-web-bench
svc=$(mktemp -d /tmp/tickstock-webbench.XXXXXX)
serve_pid=""
cleanup() {
  [ -n "$serve_pid" ] && kill -INT "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null
  scripts/services.sh stop "$svc" >/dev/null 2>&1 || true
  rm -rf "$svc"
}
trap cleanup EXIT
scripts/services.sh start "$svc" >/dev/null
# shellcheck disable=SC1091
source "$svc/env"
unset REDIS_URL REDIS_HOST

# Starts serve with the arguments given; sets serve_pid and port.
start_serve() {
  "$app" serve --http 127.0.0.1:0 --no-bar-events --rate-limit-ip 0 --rate-limit-user 0 "$@" \
    >/dev/null 2>"$svc/serve.err" &
  serve_pid=$!
  for _ in $(seq 300); do
    port=$(grep -o 'listening on http://127.0.0.1:[0-9]*' "$svc/serve.err" | grep -o '[0-9]*$' || true)
    [ -n "$port" ] && return 0
    sleep 0.1
  done
  cat "$svc/serve.err" >&2
  exit 1
}
stop_serve() {
  kill -INT "$serve_pid"
  wait "$serve_pid" || true
  serve_pid=""
}

"$app" migrate >/dev/null
"$app" serve --feed synthetic --speed max --synthetic-minutes 1440 --synthetic-symbols 20 \
  --exit-on-eof --no-bar-events --spill-dir "$svc" >/dev/null 2>&1
printf 'bench-admin-pw\n' | "$app" user add admin --role admin >/dev/null
# Statistics, as autovacuum would gather them soon after such a load (without them the planner
# sorts a symbol's whole history instead of walking its newest-first index).
psql -qc 'ANALYZE pattern_detections' 2>/dev/null
echo "{\"name\":\"rest_setup\",\"detections\":$(psql -qtA -c 'SELECT count(*) FROM pattern_detections'),\"bars_1m\":$(psql -qtA -c 'SELECT count(*) FROM ohlcv_1min')}"
start_serve --database-url "$DATABASE_URL" --spill-dir "$svc" --seed 7
for target in "/api/patterns?limit=50" "/api/patterns?symbol=SYN03&min_confidence=0.5&limit=50"; do
  "$bench" rest --port "$port" --user admin --password bench-admin-pw --rate 2000 --seconds 10 \
    --connections 32 --target "$target"
done
stop_serve

# 1,000 users register, log in and connect from one address: no per-address limits here.
DATABASE_URL="" start_serve --database-url "" --registration --password-hash-cost minimum --ws-batch-ms 0 \
  --login-rate-ip 0 --http-hash-workers 2 --http-max-connections-per-ip 4000 \
  --speed 60 --synthetic-symbols 10
"$bench" ws --port "$port" --clients 1000 --users 1000 --seconds 30 --pid "$serve_pid"
grep -o 'tickstock_ws_disconnects_total{reason="[a-z_]*"} [0-9]*' <(curl -s "http://127.0.0.1:$port/metrics") || true
stop_serve
