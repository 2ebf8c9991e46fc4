-- The statistics of a finished backtest job, one row per cell (docs/backtest.md, "Jobs"), for
-- the dashboard's queries: filled by one COPY when the job is done, gone with the job. Trades,
-- equity and events stay in the job's files. NULL where a statistic is undefined (NaN).
CREATE TABLE backtest_stats (
  job_id      bigint NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
  pattern     text NOT NULL,  -- TA-Lib name, e.g. CDLENGULFING
  symbol      text NOT NULL,  -- ALL for the cell pooled over the job's symbols
  timeframe   text NOT NULL,  -- 1m, 5m, ..., 1d
  direction   text NOT NULL CHECK (direction IN ('bullish', 'bearish', 'neutral')),
  horizon     integer NOT NULL CHECK (horizon BETWEEN 1 AND 500),
  n           bigint NOT NULL,
  n_eff       bigint NOT NULL,
  censored    bigint NOT NULL,
  hits        bigint NOT NULL,
  hit_rate    double precision,
  wilson_lo   double precision,
  wilson_hi   double precision,
  mean        double precision,
  median      double precision,
  std         double precision,
  mfe         double precision,
  mae         double precision,
  base_mean   double precision,
  base_hit    double precision,  -- the baseline's share of windows in the signal's direction
  excess      double precision,
  t           double precision,  -- Welch t on the overlap-thinned returns
  p           double precision,
  q           double precision,  -- Benjamini-Hochberg over the job
  p_mc        double precision,  -- random-entry p (--baseline random:B); NULL until then
  significant boolean NOT NULL,
  PRIMARY KEY (job_id, pattern, symbol, timeframe, direction, horizon)
);
