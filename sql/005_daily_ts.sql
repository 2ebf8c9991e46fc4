-- 005: one start for every daily bar. A daily bar's ts is 00:00 America/New_York of its trading
-- date, whoever writes it. Before this, `rollup --daily` stored the first minute of the day
-- (13:30Z, 08:00Z with --all-sessions) while `import`, `serve` and `backfill` stored New York
-- midnight, so one table held days keyed three ways and readers by ts (the dashboard's bars,
-- the warm start) saw days start at different hours.
--
-- Which row wins when two writers stored the same day: there has only ever been one row per
-- (symbol, trading_date), the primary key, and each writer's upsert replaced it in turn, so the
-- row is the last one written (PgSink only over a lower revision or, at the same revision,
-- other values; rollup, import and backfill whenever the values differ). That row's values are
-- kept as they are; only its ts moves to the New York midnight of its trading_date, which every
-- writer derived the same way. No row is dropped or merged away.

UPDATE ohlcv_daily
   SET ts = trading_date::timestamp AT TIME ZONE 'America/New_York'
 WHERE ts IS DISTINCT FROM trading_date::timestamp AT TIME ZONE 'America/New_York';

-- And so it stays, whatever writes it next.
ALTER TABLE ohlcv_daily ADD CONSTRAINT ohlcv_daily_ts_new_york_midnight
  CHECK (ts = trading_date::timestamp AT TIME ZONE 'America/New_York');

COMMENT ON COLUMN ohlcv_daily.ts IS
  'New York midnight starting the trading date (00:00 America/New_York), for every writer';
