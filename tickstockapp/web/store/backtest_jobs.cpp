// BacktestJobs: one parameterised statement per call; the scope becomes part of each WHERE.
#include "web/store/backtest_jobs.h"

#include <cstdlib>

namespace tickstock::app {
namespace {

constexpr const char* kJobColumns =
    "id, coalesce(user_id, 0), status, progress, coalesce(params->>'request_id', CASE WHEN "
    "params->>'type' = 'backtest_job' THEN params->>'job_id' END, ''), params::text, "
    "coalesce(result::text, ''), coalesce(error, ''), coalesce(result_dir, ''), "
    "coalesce(data_fingerprint, ''), cancel_requested, attempts, "
    "extract(epoch FROM created_at)::bigint, coalesce(extract(epoch FROM started_at)::bigint, 0), "
    "coalesce(extract(epoch FROM finished_at)::bigint, 0)";

// "$n" for the scope's user: admins match every row.
std::string scope_condition(const JobScope& scope, int param) {
  return scope.admin ? "($" + std::to_string(param) + "::bigint IS NOT NULL)"
                     : "user_id = $" + std::to_string(param);
}

std::int64_t int_at(const PGresult* r, int row, int col) {
  return std::strtoll(PQgetvalue(r, row, col), nullptr, 10);
}

BacktestJobRow job_at(const PGresult* r, int i) {
  BacktestJobRow j;
  j.id = int_at(r, i, 0);
  j.user_id = int_at(r, i, 1);
  j.status = PQgetvalue(r, i, 2);
  j.progress = std::strtod(PQgetvalue(r, i, 3), nullptr);
  j.request_id = PQgetvalue(r, i, 4);
  j.params = PQgetvalue(r, i, 5);
  j.result = PQgetvalue(r, i, 6);
  j.error = PQgetvalue(r, i, 7);
  j.result_dir = PQgetvalue(r, i, 8);
  j.data_fingerprint = PQgetvalue(r, i, 9);
  j.cancel_requested = PQgetvalue(r, i, 10)[0] == 't';
  j.attempts = static_cast<int>(int_at(r, i, 11));
  j.created_at = int_at(r, i, 12);
  j.started_at = int_at(r, i, 13);
  j.finished_at = int_at(r, i, 14);
  return j;
}

}  // namespace

Result<std::optional<std::int64_t>> BacktestJobs::submit(std::int64_t user_id,
                                                         const std::string& params) {
  // One process serialises its users' submissions, so the count cannot be raced past here.
  std::lock_guard lock(submit_mu_);
  auto r = pool_.query(
      "INSERT INTO jobs (kind, params, user_id) SELECT 'backtest', $2::jsonb, $1 WHERE (SELECT "
      "count(*) FROM jobs WHERE kind = 'backtest' AND status = 'queued' AND user_id = $1) < $3 "
      "RETURNING id",
      {std::to_string(user_id), params, std::to_string(max_queued_)}, "queueing a backtest");
  if (!r) return r.error();
  if (PQntuples(r->get()) == 0) return std::optional<std::int64_t>{};
  return std::optional<std::int64_t>{int_at(r->get(), 0, 0)};
}

Result<std::vector<BacktestJobRow>> BacktestJobs::list(const JobScope& scope,
                                                       const std::string& status, int limit,
                                                       std::int64_t before) {
  auto r = pool_.query(
      std::string("SELECT ") + kJobColumns + " FROM jobs WHERE kind = 'backtest' AND " +
          scope_condition(scope, 1) +
          " AND ($2 = '' OR status = $2) AND ($3::bigint = 0 OR id < $3) "
          "ORDER BY id DESC LIMIT $4",
      {std::to_string(scope.user_id), status, std::to_string(before), std::to_string(limit)},
      "listing backtests");
  if (!r) return r.error();
  std::vector<BacktestJobRow> out;
  for (int i = 0; i < PQntuples(r->get()); ++i) out.push_back(job_at(r->get(), i));
  return out;
}

Result<std::optional<BacktestJobRow>> BacktestJobs::get(const JobScope& scope, std::int64_t id) {
  auto r =
      pool_.query(std::string("SELECT ") + kJobColumns + " FROM jobs WHERE kind = 'backtest' AND " +
                      scope_condition(scope, 1) + " AND id = $2",
                  {std::to_string(scope.user_id), std::to_string(id)}, "reading a backtest");
  if (!r) return r.error();
  if (PQntuples(r->get()) == 0) return std::optional<BacktestJobRow>{};
  return std::optional<BacktestJobRow>{job_at(r->get(), 0)};
}

Result<BacktestJobs::CancelOutcome> BacktestJobs::cancel(const JobScope& scope, std::int64_t id) {
  // A queued job is cancelled at once; a running one is flagged for its runner. The answer's
  // old status tells which; a finished job is left as it is.
  auto r = pool_.query(
      "WITH old AS (SELECT id, status FROM jobs WHERE kind = 'backtest' AND " +
          scope_condition(scope, 1) +
          " AND id = $2 FOR UPDATE), upd AS (UPDATE jobs j SET cancel_requested = true, "
          "status = CASE WHEN old.status = 'queued' THEN 'cancelled' ELSE j.status END, "
          "finished_at = CASE WHEN old.status = 'queued' THEN now() ELSE j.finished_at END "
          "FROM old WHERE j.id = old.id AND old.status IN ('queued', 'running') RETURNING j.id) "
          "SELECT old.status FROM old",
      {std::to_string(scope.user_id), std::to_string(id)}, "cancelling a backtest");
  if (!r) return r.error();
  if (PQntuples(r->get()) == 0) return CancelOutcome::kNotFound;
  const std::string old = PQgetvalue(r->get(), 0, 0);
  if (old == "queued") return CancelOutcome::kCancelled;
  if (old == "running") return CancelOutcome::kRequested;
  return CancelOutcome::kFinished;
}

Result<StatsPage> BacktestJobs::stats(const StatsQuery& q) {
  std::string columns;
  for (const StatsColumn& c : kStatsColumns) {
    columns += (columns.empty() ? "" : ", ");
    columns += c.name;
  }
  // Column names come from kStatsColumns, never from the request.
  std::string order = "pattern, symbol = 'ALL' DESC, symbol, timeframe, direction, horizon";
  if (!q.sort_column.empty())
    order = q.sort_column + (q.descending ? " DESC" : " ASC") + " NULLS LAST, " + order;
  const std::string where =
      " FROM backtest_stats WHERE job_id = $1 AND ($2 = '' OR pattern = $2) AND ($3 = '' OR "
      "symbol = $3) AND ($4 = '' OR timeframe = $4) AND ($5 = '' OR direction = $5) AND "
      "($6 = '' OR horizon = nullif($6, '')::int) AND ($7 = '' OR significant = nullif($7, "
      "'')::boolean)";
  const std::string horizon = q.horizon ? std::to_string(*q.horizon) : "";
  const std::string significant = q.significant ? (*q.significant ? "true" : "false") : "";
  const std::string sql = "SELECT " + columns + ", count(*) OVER ()" + where + " ORDER BY " +
                          order + " LIMIT $8 OFFSET $9";
  auto r = pool_.query(sql,
                       {std::to_string(q.job_id), q.pattern, q.symbol, q.timeframe, q.direction,
                        horizon, significant, std::to_string(q.limit), std::to_string(q.offset)},
                       "reading backtest statistics");
  if (!r) return r.error();
  StatsPage page;
  const PGresult* p = r->get();
  const int ncols = static_cast<int>(std::size(kStatsColumns));
  for (int i = 0; i < PQntuples(p); ++i) {
    auto& row = page.rows.emplace_back();
    for (int c = 0; c < ncols; ++c) {
      if (PQgetisnull(p, i, c)) {
        row.emplace_back(std::nullopt);
      } else {
        row.emplace_back(PQgetvalue(p, i, c));
      }
    }
    page.total = int_at(p, i, ncols);
  }
  return page;
}

}  // namespace tickstock::app
