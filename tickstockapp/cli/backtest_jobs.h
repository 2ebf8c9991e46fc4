// `backtest submit`, `status`, `cancel` and `list`: backtest jobs through the jobs table of
// DATABASE_URL, for a running `serve` (docs/backtest.md, "Jobs"). No server login is needed.
#ifndef TICKSTOCKAPP_CLI_BACKTEST_JOBS_H_
#define TICKSTOCKAPP_CLI_BACKTEST_JOBS_H_

#include "base/log.h"

namespace tickstock::app {

// Queues a job with the options of `backtest run`; prints its id. --wait follows it and exits
// as `run` does: 0 done, 1 failed, 2 bad arguments, 3 data missing, 4 cancelled.
int run_backtest_submit(int argc, char** argv, Log& log);
// Prints a job's row (JOB: its id or request_id); 1 when there is none.
int run_backtest_status(int argc, char** argv, Log& log);
// Cancels a queued job, or asks its runner to stop a running one; 1 when there is none.
int run_backtest_cancel(int argc, char** argv, Log& log);
// The newest backtest jobs, one a line (--status S, --limit N).
int run_backtest_list(int argc, char** argv, Log& log);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_CLI_BACKTEST_JOBS_H_
