#include "jobs/job_store.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>

namespace tickstock::app {

Result<PGconn*> JobStore::connection() {
  if (!conn_) {
    auto c = pg_connect(url_);
    if (!c) return c.error();
    conn_.emplace(std::move(*c));
  }
  return conn_->get();
}

Result<JobStore::Cancelled> JobStore::cancel(const std::string& job) {
  auto c = connection();
  if (!c) return c.error();
  const bool by_id =
      !job.empty() && job.size() <= 18 &&
      std::all_of(job.begin(), job.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
  const std::string id = by_id ? job : "0";
  auto r = pg_exec_params(
      *c,
      "UPDATE jobs SET cancel_requested = true, "
      "finished_at = CASE WHEN status = 'queued' THEN now() ELSE finished_at END, "
      "status = CASE WHEN status = 'queued' THEN 'cancelled' ELSE status END "
      "WHERE id = (SELECT id FROM jobs WHERE kind IN ('backtest', 'data_load') AND status IN "
      "('queued', "
      "'running') AND (id = $1::bigint OR params->>'request_id' = $2 OR (params->>'type' = "
      "'backtest_job' AND params->>'job_id' = $2)) ORDER BY id LIMIT 1) "
      "RETURNING id, status, coalesce(params->>'request_id', CASE WHEN params->>'type' = "
      "'backtest_job' THEN params->>'job_id' END, ''), kind",
      {id.c_str(), job.c_str()}, "cannot cancel the job");
  if (!r) {
    if (PQstatus(*c) != CONNECTION_OK) conn_.reset();
    return r.error();
  }
  if (PQntuples(r->get()) == 0) {
    return fail("no queued or running backtest or data-load job '", job, "'");
  }
  Cancelled out;
  out.id = static_cast<std::int64_t>(std::strtoll(PQgetvalue(r->get(), 0, 0), nullptr, 10));
  out.was_queued = std::string(PQgetvalue(r->get(), 0, 1)) == "cancelled";
  out.request_id = PQgetvalue(r->get(), 0, 2);
  out.kind = PQgetvalue(r->get(), 0, 3);
  return out;
}

Result<std::int64_t> JobStore::insert(const JobRequest& request) {
  if (auto c = connection(); !c) return c.error();
  const std::array<const char*, 2> values{request.job_type.c_str(), request.params.c_str()};
  // The request's user_id counts only when it names an existing user. The queue is bounded:
  // kMaxQueuedPerUser jobs of a kind for a named user, kMaxQueued for the rest.
  const std::string sql =
      "INSERT INTO jobs (kind, params, user_id) SELECT $1, $2::jsonb, u.id FROM (SELECT (SELECT "
      "id FROM users WHERE id::text = $2::jsonb->>'user_id') AS id) u WHERE (SELECT count(*) "
      "FROM jobs WHERE kind = $1 AND status = 'queued' AND (u.id IS NULL OR user_id = u.id)) < "
      "CASE WHEN u.id IS NULL THEN " +
      std::to_string(kMaxQueued) + " ELSE " + std::to_string(kMaxQueuedPerUser) +
      " END RETURNING id";
  PgResult r(
      PQexecParams(conn_->get(), sql.c_str(), 2, nullptr, values.data(), nullptr, nullptr, 0),
      &PQclear);
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    Error e = fail("cannot store the job: ", pg_error(conn_->get()));
    if (PQstatus(conn_->get()) != CONNECTION_OK) conn_.reset();
    return e;
  }
  if (PQntuples(r.get()) == 0) {
    return fail("the queue is full: ", std::to_string(kMaxQueuedPerUser), " queued ",
                request.job_type, " jobs per user, ", std::to_string(kMaxQueued), " in all");
  }
  return static_cast<std::int64_t>(std::strtoll(PQgetvalue(r.get(), 0, 0), nullptr, 10));
}

}  // namespace tickstock::app
