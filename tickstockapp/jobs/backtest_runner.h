// Runs the backtest jobs stored in the jobs table, one at a time, on a thread of its own (and the
// backtest's workers), so the engine thread never waits for it (the queue: jobs/job_runner.h).
// Progress and the result are published on Redis when a sink is given; files go to
// <dir>/<job id>/ and the cells to backtest_stats.
#ifndef TICKSTOCKAPP_JOBS_BACKTEST_RUNNER_H_
#define TICKSTOCKAPP_JOBS_BACKTEST_RUNNER_H_

#include <chrono>
#include <string>

#include "tickstock/backtest.h"
#include "tickstock/redis_sink.h"

#include "base/log.h"
#include "jobs/job_runner.h"

namespace tickstock::app {

struct BacktestRunnerOptions {
  std::string database_url;
  std::string dir = "var/backtests";          // --backtest-dir: files of job N in DIR/N
  int threads = 1;                            // --backtest-threads
  std::chrono::milliseconds poll{1000};       // how often the queue is looked at when idle
  std::chrono::milliseconds heartbeat{1000};  // progress, heartbeat and cancel check
};

class BacktestRunner final : public JobRunner {
 public:
  // `events` may be null (no Redis). REQUIRES: events and log outlive the runner.
  BacktestRunner(BacktestRunnerOptions options, RedisSink* events, Log& log);
  ~BacktestRunner() override;  // stop()

 private:
  void run_job(const Job& job) override;
  void on_progress(const Job& job, const BacktestRunProgress& p);
  // Stores the outcome (the report's summary when done) and publishes the result event.
  void end(const Job& job, const std::string& status, const std::string& error,
           const BacktestReport* report, const std::string& dir);

  BacktestRunnerOptions options_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_JOBS_BACKTEST_RUNNER_H_
