// Runs the data-load jobs stored in the jobs table (kind data_load), one at a time on a thread
// of its own (the queue: jobs/job_runner.h): Polygon's aggregates into the bar tables, symbol
// by symbol (what `backfill` does), or a bars CSV of the data-load directory in one transaction
// (what `import` does). Progress and the result go to Redis as backtest_progress and
// backtest_result events with job_type data_load.
#ifndef TICKSTOCKAPP_JOBS_DATA_LOAD_RUNNER_H_
#define TICKSTOCKAPP_JOBS_DATA_LOAD_RUNNER_H_

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "tickstock/redis_sink.h"

#include "base/log.h"
#include "jobs/data_load_job.h"
#include "jobs/job_runner.h"
#include "polygon/rest_client.h"

namespace tickstock::app {

struct DataLoadRunnerOptions {
  std::string database_url;
  RestOptions rest;                           // Polygon's REST API (key from POLYGON_API_KEY)
  std::string dir = "var/imports";            // --data-load-dir: where file:NAME is looked for
  std::chrono::milliseconds poll{1000};       // how often the queue is looked at when idle
  std::chrono::milliseconds heartbeat{1000};  // progress, heartbeat and cancel check
};

class DataLoadRunner final : public JobRunner {
 public:
  // `events` may be null (no Redis). REQUIRES: events and log outlive the runner.
  DataLoadRunner(DataLoadRunnerOptions options, RedisSink* events, Log& log);
  ~DataLoadRunner() override;  // stop()

 private:
  void run_job(const Job& job) override;
  void run_polygon(const Job& job, const DataLoadRequest& r);
  void run_file(const Job& job, const DataLoadRequest& r);
  // Publishes the progress when JobRunner::progress says an event is due.
  void on_progress(const Job& job, double share, const std::string& symbol,
                   const std::string& message);
  // Stores the outcome and publishes the result event; `results` a JSON object or "".
  void end(const Job& job, const std::string& status, const std::string& error,
           const std::string& results, std::vector<std::pair<std::string, double>> metrics = {});

  DataLoadRunnerOptions options_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_JOBS_DATA_LOAD_RUNNER_H_
