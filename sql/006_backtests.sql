-- Backtest jobs run in serve (docs/backtest.md, "Jobs"): a heartbeat so that a job left running
-- by a crash is queued again, a cancel flag the runner reads every second, how often a job was
-- started, and where its files are.
ALTER TABLE jobs
  ADD COLUMN heartbeat_at timestamptz,
  ADD COLUMN cancel_requested boolean NOT NULL DEFAULT false,
  ADD COLUMN attempts integer NOT NULL DEFAULT 0,
  ADD COLUMN result_dir text,
  ADD COLUMN data_fingerprint text;
