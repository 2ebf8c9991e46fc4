-- 003: where the TimescaleDB extension is installed on the server, the bar tables become
-- hypertables (chunks of 7 days of bar starts; their primary keys already hold the time
-- column). Plain PostgreSQL keeps the tables as they are, with their BRIN indexes (001, 002):
-- TimescaleDB is not packaged for Debian 12, so that is the path taken here and in CI.

DO $$
DECLARE
  t text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    RAISE NOTICE 'timescaledb is not available: bar tables stay plain tables with BRIN indexes';
    RETURN;
  END IF;
  CREATE EXTENSION IF NOT EXISTS timescaledb;
  FOREACH t IN ARRAY ARRAY['ohlcv_1min', 'ohlcv_5min', 'ohlcv_15min', 'ohlcv_30min',
                           'ohlcv_hourly', 'ohlcv_4hour'] LOOP
    PERFORM create_hypertable(t::regclass, 'ts', chunk_time_interval => interval '7 days',
                              migrate_data => true, if_not_exists => true);
  END LOOP;
  PERFORM create_hypertable('ohlcv_daily'::regclass, 'trading_date',
                            chunk_time_interval => interval '365 days', migrate_data => true,
                            if_not_exists => true);
END $$;
