// The backtest jobs of the REST API: rows of the jobs table (kind 'backtest') that users submit,
// list, read and cancel, and the backtest_stats rows of a finished job, through the web layer's
// PgPool. serve's BacktestRunner (jobs/) runs what is queued here. A user sees only their own
// jobs; an admin sees every job, also those that came over Redis without a known user.
// Thread-safe.
#ifndef TICKSTOCKAPP_WEB_STORE_BACKTEST_JOBS_H_
#define TICKSTOCKAPP_WEB_STORE_BACKTEST_JOBS_H_

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "tickstock/result.h"

#include "web/store/pg_pool.h"

namespace tickstock::app {

// At most this many queued backtest jobs per user (the spec's §7.2).
inline constexpr int kMaxQueuedBacktestsPerUser = 10;

struct BacktestJobRow {
  std::int64_t id = 0;
  std::int64_t user_id = 0;  // 0: no user (a Redis request that named no known one)
  std::string status;        // queued, running, done, failed, cancelled
  double progress = 0;       // 0..1
  std::string request_id;    // "" when the request gave none
  std::string params;        // the request, a JSON object
  std::string result;        // the summary (a JSON object), "" until done
  std::string error;
  std::string result_dir;  // where the runner wrote the files ("" until done)
  std::string data_fingerprint;
  bool cancel_requested = false;
  int attempts = 0;
  std::int64_t created_at = 0, started_at = 0, finished_at = 0;  // Unix seconds, 0 = not yet
};

// Whose jobs a call may see.
struct JobScope {
  std::int64_t user_id = 0;
  bool admin = false;
};

// A backtest_stats query: every filter optional ("" or nullopt = any).
struct StatsQuery {
  std::int64_t job_id = 0;
  std::string pattern, symbol, timeframe, direction;
  std::optional<int> horizon;
  std::optional<bool> significant;
  std::string sort_column;  // a column of kStatsColumns, "" = the canonical order
  bool descending = false;
  int limit = 1000;
  std::int64_t offset = 0;
};

// backtest_stats' columns as the API returns them, in order, with their JSON kinds.
struct StatsColumn {
  const char* name;
  char kind;  // 's' text, 'i' integer, 'd' double (NULL when undefined), 'b' boolean
};
inline constexpr StatsColumn kStatsColumns[] = {
    {"pattern", 's'},    {"symbol", 's'},    {"timeframe", 's'}, {"direction", 's'},
    {"horizon", 'i'},    {"n", 'i'},         {"n_eff", 'i'},     {"censored", 'i'},
    {"hits", 'i'},       {"hit_rate", 'd'},  {"wilson_lo", 'd'}, {"wilson_hi", 'd'},
    {"mean", 'd'},       {"median", 'd'},    {"std", 'd'},       {"mfe", 'd'},
    {"mae", 'd'},        {"base_mean", 'd'}, {"base_hit", 'd'},  {"excess", 'd'},
    {"t", 'd'},          {"p", 'd'},         {"q", 'd'},         {"p_mc", 'd'},
    {"significant", 'b'}};

// Rows as PostgreSQL's text (shortest round-trip for doubles); nullopt = NULL.
struct StatsPage {
  std::vector<std::vector<std::optional<std::string>>> rows;
  std::int64_t total = 0;  // rows matching the filters (0 when the page is past the last)
};

class BacktestJobs {
 public:
  // REQUIRES: pool outlives this. `database_url` is the pool's, for re-scanning a job's bars.
  BacktestJobs(PgPool& pool, std::string database_url, int max_queued = kMaxQueuedBacktestsPerUser)
      : pool_(pool), database_url_(std::move(database_url)), max_queued_(max_queued) {}
  const std::string& database_url() const { return database_url_; }

  // Queues the request `params` (validated by the caller) for `user_id`: the job's id, or
  // nullopt when the user already has max_queued queued jobs.
  Result<std::optional<std::int64_t>> submit(std::int64_t user_id, const std::string& params);
  // Jobs in `scope`, newest first, with ids below `before` (0 = from the newest); `status` ""
  // for any.
  Result<std::vector<BacktestJobRow>> list(const JobScope& scope, const std::string& status,
                                           int limit, std::int64_t before);
  // The job `id` if `scope` may see it.
  Result<std::optional<BacktestJobRow>> get(const JobScope& scope, std::int64_t id);

  enum class CancelOutcome {
    kNotFound,   // no such job in scope
    kFinished,   // done, failed or cancelled already
    kCancelled,  // it was queued: cancelled now, it never runs
    kRequested,  // it is running: its runner stops it within about a second
  };
  Result<CancelOutcome> cancel(const JobScope& scope, std::int64_t id);
  // The job's cells matching `q`. REQUIRES: q.sort_column is "" or a kStatsColumns name.
  Result<StatsPage> stats(const StatsQuery& q);

 private:
  PgPool& pool_;
  std::string database_url_;
  int max_queued_;
  std::mutex submit_mu_;  // the count and the insert of one user's submission go together
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_STORE_BACKTEST_JOBS_H_
