#include "jobs/job_store.h"

#include <array>
#include <cstdlib>

namespace tickstock::app {

Result<std::int64_t> JobStore::insert(const JobRequest& request) {
  if (!conn_) {
    auto c = pg_connect(url_);
    if (!c) return c.error();
    conn_.emplace(std::move(*c));
  }
  const std::array<const char*, 2> values{request.job_type.c_str(), request.params.c_str()};
  PgResult r(PQexecParams(conn_->get(),
                          "INSERT INTO jobs (kind, params) VALUES ($1, $2::jsonb) RETURNING id", 2,
                          nullptr, values.data(), nullptr, nullptr, 0),
             &PQclear);
  if (!r || PQresultStatus(r.get()) != PGRES_TUPLES_OK) {
    Error e = fail("cannot store the job: ", pg_error(conn_->get()));
    if (PQstatus(conn_->get()) != CONNECTION_OK) conn_.reset();
    return e;
  }
  return static_cast<std::int64_t>(std::strtoll(PQgetvalue(r.get(), 0, 0), nullptr, 10));
}

}  // namespace tickstock::app
