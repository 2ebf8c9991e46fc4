// Stores accepted job requests in the jobs table (status 'queued'), where the backtest and data
// load work will pick them up. One connection, made on first use and again after a failure.
// Not thread-safe: the job listener's thread owns it.
#ifndef TICKSTOCKAPP_JOBS_JOB_STORE_H_
#define TICKSTOCKAPP_JOBS_JOB_STORE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "tickstock/result.h"

#include "db/pg_util.h"
#include "jobs/job_request.h"

namespace tickstock::app {

class JobStore {
 public:
  // Queued jobs of one kind: at most this many for a user the request names (its user_id),
  // and in all for requests without a known user.
  static constexpr int kMaxQueuedPerUser = 10;
  static constexpr int kMaxQueued = 1000;
  // `url`: a database whose schema is current.
  explicit JobStore(std::string url) : url_(std::move(url)) {}
  // Inserts the request as a queued job of its type and returns jobs.id; its user_id is kept
  // when it names an existing user. The error says why PostgreSQL did not take it (the
  // connection is then made again next time) or that the queue is full.
  Result<std::int64_t> insert(const JobRequest& request);
  // The connection, made on first use.
  Result<PGconn*> connection();
  // Asks the backtest or data-load job `job` (its id as digits, else its request_id) to stop: a
  // queued job is cancelled at once, a running one sets cancel_requested for its runner. An error
  // when no queued or running backtest job has that id.
  struct Cancelled {
    std::int64_t id = 0;
    bool was_queued = false;  // cancelled here: it never ran
    std::string request_id;   // the job's own request_id ("" if none)
    std::string kind;         // backtest or data_load
  };
  Result<Cancelled> cancel(const std::string& job);

 private:
  std::string url_;
  std::optional<PgConn> conn_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_JOBS_JOB_STORE_H_
