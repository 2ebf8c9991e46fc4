#!/usr/bin/env bash
# services.sh start|stop DIR: a private PostgreSQL 15 cluster and a redis-server on free
# loopback ports, all state under DIR (PostgreSQL's in /var/tmp when the postgres user cannot
# reach DIR). `start` reuses servers already running there and writes DIR/env (PGHOST, PGPORT,
# PGUSER, PGDATABASE, DATABASE_URL, REDIS_HOST, REDIS_PORT, REDIS_URL).
# services.sh pg-start|pg-kill|pg-stop DIR: PostgreSQL alone (fault tests stop and start it):
# pg-start writes DIR/pg.env (DATABASE_URL) and keeps the port across restarts; pg-kill stops it
# the hard way (immediate shutdown, connections cut); pg-stop stops it cleanly.
set -euo pipefail
cmd=${1:?start|stop}; dir=${2:?state dir}
PGBIN=/usr/lib/postgresql/15/bin
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
pick_port() {
  local p
  for _ in $(seq 1 50); do
    p=$((15000 + RANDOM % 17000))
    if port_free "$p"; then echo "$p"; return 0; fi
  done
  echo "services: no free port found" >&2; return 1
}
as_pg() { (cd / && runuser -u postgres -- "$@"); }

# PostgreSQL runs as the postgres user, who must reach the cluster's directory. When DIR lies
# under a private directory (a clone in /root or in a mktemp dir), the cluster lives instead in
# /var/tmp under a name derived from DIR, so the same DIR always finds the same data.
chmod 755 "$dir"
pg="$dir/pg"
if ! as_pg test -x "$dir"; then
  pg="/var/tmp/tickstock-pg-$(printf '%s' "$dir" | sha1sum | cut -c1-12)"
fi

pg_running() { [ -f "$pg/data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$pg/data" status >/dev/null 2>&1; }
redis_running() {
  [ -f "$dir/redis/redis.pid" ] && [ -f "$dir/redis/port" ] &&
    redis-cli -p "$(cat "$dir/redis/port")" info server 2>/dev/null | tr -d '\r' |
      grep -qx "process_id:$(cat "$dir/redis/redis.pid")"
}

start_pg() {
  if pg_running; then return 0; fi
  mkdir -p "$pg/sock"
  chown -R postgres: "$pg"
  if [ ! -f "$pg/data/PG_VERSION" ]; then
    as_pg "$PGBIN/initdb" -D "$pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
  fi
  local port
  for _ in 1 2 3 4 5; do
    port=$( [ -f "$pg/port" ] && cat "$pg/port" || pick_port )
    port_free "$port" || port=$(pick_port)
    if as_pg "$PGBIN/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 start \
        -o "-p $port -k $pg/sock -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null; then
      echo "$port" > "$pg/port"
      break
    fi
    rm -f "$pg/port"
  done
  pg_running || { echo "services: PostgreSQL failed to start; see $pg/server.log" >&2; tail -20 "$pg/server.log" >&2; return 1; }
  port=$(cat "$pg/port")
  psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -qtA -c "SELECT 1 FROM pg_roles WHERE rolname='tickstock'" | grep -q 1 ||
    psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 \
      -c "CREATE ROLE tickstock LOGIN CREATEDB" -c "CREATE DATABASE tickstock OWNER tickstock"
  # Tests make throwaway databases (clusters made before this line have the role without it).
  psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -q -c "ALTER ROLE tickstock CREATEDB"
}

start_redis() {
  if redis_running; then return 0; fi
  mkdir -p "$dir/redis"
  local port
  for _ in 1 2 3 4 5; do
    port=$( [ -f "$dir/redis/port" ] && cat "$dir/redis/port" || pick_port )
    port_free "$port" || port=$(pick_port)
    echo "$port" > "$dir/redis/port"
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize yes \
      --pidfile "$dir/redis/redis.pid" --logfile "$dir/redis/redis.log" --dir "$dir/redis" >/dev/null
    for _ in $(seq 1 50); do redis_running && return 0; sleep 0.1; done
  done
  echo "services: redis-server failed to start; see $dir/redis/redis.log" >&2
  return 1
}

stop_all() {
  if [ -f "$dir/redis/port" ] && redis_running; then
    local pid; pid=$(cat "$dir/redis/redis.pid")
    redis-cli -p "$(cat "$dir/redis/port")" shutdown nosave >/dev/null 2>&1 || true
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  fi
  if pg_running; then as_pg "$PGBIN/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null 2>&1 || true; fi
}

case "$cmd" in
  start)
    start_pg
    start_redis
    pgport=$(cat "$pg/port"); rport=$(cat "$dir/redis/port")
    cat > "$dir/env" <<ENV
export PGHOST=127.0.0.1 PGPORT=$pgport PGUSER=tickstock PGDATABASE=tickstock
export DATABASE_URL=postgresql://tickstock@127.0.0.1:$pgport/tickstock
export REDIS_HOST=127.0.0.1 REDIS_PORT=$rport REDIS_URL=redis://127.0.0.1:$rport/0
ENV
    ;;
  stop) stop_all ;;
  pg-start)
    start_pg
    echo "export DATABASE_URL=postgresql://tickstock@127.0.0.1:$(cat "$pg/port")/tickstock" > "$dir/pg.env"
    ;;
  pg-kill) if pg_running; then as_pg "$PGBIN/pg_ctl" -D "$pg/data" -m immediate -w stop >/dev/null; fi ;;
  pg-stop) if pg_running; then as_pg "$PGBIN/pg_ctl" -D "$pg/data" -m fast -w stop >/dev/null; fi ;;
  *) echo "usage: services.sh start|stop|pg-start|pg-kill|pg-stop DIR" >&2; exit 2 ;;
esac
