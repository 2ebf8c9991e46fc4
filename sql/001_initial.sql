-- 001: symbols, bars per timeframe, detections, indicator values, accounts, jobs, error logs.
-- Bars live in one table per timeframe: each has its natural key (daily bars are keyed by
-- their New York trading date, intraday bars by their UTC start), queries name the timeframe
-- they want, and the 1-minute table, by far the largest, can be pruned or partitioned alone.
-- Rows arrive in time order, so a BRIN index on the bar start serves time-range scans at a
-- tiny fraction of a B-tree's size; the primary key serves per-symbol lookups.

CREATE TABLE symbols (
  symbol      text PRIMARY KEY CHECK (symbol <> ''),
  name        text,
  type        text NOT NULL DEFAULT 'stock',
  exchange    text,
  active      boolean NOT NULL DEFAULT true,
  auto_added  boolean NOT NULL DEFAULT false,  -- registered because a feed carried it
  first_seen  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE symbol_groups (
  name         text PRIMARY KEY,
  kind         text NOT NULL CHECK (kind IN ('ETF', 'SECTOR', 'THEME', 'UNIVERSE')),
  description  text
);

CREATE TABLE symbol_group_members (
  group_name  text NOT NULL REFERENCES symbol_groups (name) ON DELETE CASCADE,
  symbol      text NOT NULL REFERENCES symbols (symbol),
  weight      double precision,
  PRIMARY KEY (group_name, symbol)
);

CREATE TABLE ohlcv_1min (
  symbol      text NOT NULL REFERENCES symbols (symbol),
  ts          timestamptz NOT NULL,  -- bar start
  open        double precision NOT NULL,
  high        double precision NOT NULL,
  low         double precision NOT NULL,
  close       double precision NOT NULL,
  volume      double precision NOT NULL,
  vwap        double precision,
  trades      bigint NOT NULL DEFAULT 0,
  revision    integer NOT NULL DEFAULT 0,
  session     text NOT NULL DEFAULT 'regular',
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, ts)
);
CREATE INDEX ohlcv_1min_ts_brin ON ohlcv_1min USING brin (ts);

CREATE TABLE ohlcv_5min (LIKE ohlcv_1min INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                         PRIMARY KEY (symbol, ts),
                         FOREIGN KEY (symbol) REFERENCES symbols (symbol));
CREATE INDEX ohlcv_5min_ts_brin ON ohlcv_5min USING brin (ts);
CREATE TABLE ohlcv_15min (LIKE ohlcv_1min INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                          PRIMARY KEY (symbol, ts),
                          FOREIGN KEY (symbol) REFERENCES symbols (symbol));
CREATE INDEX ohlcv_15min_ts_brin ON ohlcv_15min USING brin (ts);
CREATE TABLE ohlcv_30min (LIKE ohlcv_1min INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                          PRIMARY KEY (symbol, ts),
                          FOREIGN KEY (symbol) REFERENCES symbols (symbol));
CREATE INDEX ohlcv_30min_ts_brin ON ohlcv_30min USING brin (ts);
CREATE TABLE ohlcv_hourly (LIKE ohlcv_1min INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                           PRIMARY KEY (symbol, ts),
                           FOREIGN KEY (symbol) REFERENCES symbols (symbol));
CREATE INDEX ohlcv_hourly_ts_brin ON ohlcv_hourly USING brin (ts);
CREATE TABLE ohlcv_4hour (LIKE ohlcv_1min INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
                          PRIMARY KEY (symbol, ts),
                          FOREIGN KEY (symbol) REFERENCES symbols (symbol));
CREATE INDEX ohlcv_4hour_ts_brin ON ohlcv_4hour USING brin (ts);

CREATE TABLE ohlcv_daily (
  symbol        text NOT NULL REFERENCES symbols (symbol),
  trading_date  date NOT NULL,         -- New York trading date
  ts            timestamptz NOT NULL,  -- start of the first trade's minute of that day
  open          double precision NOT NULL,
  high          double precision NOT NULL,
  low           double precision NOT NULL,
  close         double precision NOT NULL,
  volume        double precision NOT NULL,
  vwap          double precision,
  trades        bigint NOT NULL DEFAULT 0,
  revision      integer NOT NULL DEFAULT 0,
  updated_at    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, trading_date)
);
CREATE INDEX ohlcv_daily_date_brin ON ohlcv_daily USING brin (trading_date);

CREATE TABLE pattern_detections (
  id           bigserial PRIMARY KEY,
  symbol       text NOT NULL REFERENCES symbols (symbol),
  timeframe    text NOT NULL CHECK (timeframe IN ('1m', '5m', '15m', '30m', '1h', '4h', '1d')),
  bar_start    timestamptz NOT NULL,
  pattern      text NOT NULL,  -- TA-Lib name, e.g. CDLENGULFING
  output       smallint NOT NULL,
  direction    text NOT NULL CHECK (direction IN ('bullish', 'bearish', 'neutral')),
  confidence   double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
  price        double precision NOT NULL,  -- close of the bar
  volume       double precision NOT NULL,
  revision     integer NOT NULL DEFAULT 0,
  detected_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (symbol, timeframe, bar_start, pattern)
);
CREATE INDEX pattern_detections_bar_start_brin ON pattern_detections USING brin (bar_start);

CREATE TABLE indicator_values (
  symbol      text NOT NULL REFERENCES symbols (symbol),
  timeframe   text NOT NULL CHECK (timeframe IN ('1m', '5m', '15m', '30m', '1h', '4h', '1d')),
  bar_start   timestamptz NOT NULL,
  indicator   text NOT NULL,   -- e.g. MACD
  "values"    jsonb NOT NULL,  -- e.g. {"macd": 0.12, "signal": 0.1, "hist": 0.02}
  revision    integer NOT NULL DEFAULT 0,
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (symbol, timeframe, bar_start, indicator)
);
CREATE INDEX indicator_values_bar_start_brin ON indicator_values USING brin (bar_start);

CREATE TABLE users (
  id             bigserial PRIMARY KEY,
  email          text NOT NULL,
  password_hash  text NOT NULL,  -- libsodium crypto_pwhash_str
  display_name   text,
  is_admin       boolean NOT NULL DEFAULT false,
  created_at     timestamptz NOT NULL DEFAULT now(),
  last_login_at  timestamptz
);
CREATE UNIQUE INDEX users_email_key ON users (lower(email));

CREATE TABLE sessions (
  token_hash    text PRIMARY KEY,  -- hash of the cookie token; the token itself is never stored
  user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL,
  last_seen_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE user_subscriptions (
  id              bigserial PRIMARY KEY,
  user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  pattern         text NOT NULL,                  -- TA-Lib name, or '*' for every pattern
  symbols         text[] NOT NULL DEFAULT '{}',   -- empty: every symbol
  timeframes      text[] NOT NULL DEFAULT '{}',   -- empty: every timeframe
  min_confidence  double precision NOT NULL DEFAULT 0 CHECK (min_confidence BETWEEN 0 AND 1),
  enabled         boolean NOT NULL DEFAULT true,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_subscriptions_user_id ON user_subscriptions (user_id);

CREATE TABLE pending_alerts (
  id            bigserial PRIMARY KEY,
  user_id       bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  payload       jsonb NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now(),
  delivered_at  timestamptz
);
CREATE INDEX pending_alerts_undelivered ON pending_alerts (user_id) WHERE delivered_at IS NULL;

CREATE TABLE jobs (
  id           bigserial PRIMARY KEY,
  kind         text NOT NULL,  -- e.g. backtest, import, rollup
  status       text NOT NULL DEFAULT 'queued'
               CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
  progress     double precision NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 1),
  params       jsonb NOT NULL DEFAULT '{}',
  result       jsonb,
  error        text,
  user_id      bigint REFERENCES users (id) ON DELETE SET NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  started_at   timestamptz,
  finished_at  timestamptz
);
CREATE INDEX jobs_status ON jobs (status) WHERE status IN ('queued', 'running');

CREATE TABLE error_logs (
  id         bigserial PRIMARY KEY,
  at         timestamptz NOT NULL DEFAULT now(),
  severity   text NOT NULL CHECK (severity IN ('debug', 'info', 'warning', 'error', 'critical')),
  component  text NOT NULL,
  message    text NOT NULL,
  context    jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX error_logs_at_brin ON error_logs USING brin (at);
