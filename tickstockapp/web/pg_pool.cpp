// PgPool: idle connections under a mutex; the statement runs outside it.
#include "web/pg_pool.h"

namespace tickstock::app {

Result<PgConn> PgPool::acquire() {
  {
    std::lock_guard lock(mu_);
    while (!idle_.empty()) {
      PgConn c = std::move(idle_.back());
      idle_.pop_back();
      if (PQstatus(c.get()) == CONNECTION_OK) return c;
    }
  }
  return pg_connect(url_);
}

void PgPool::release(PgConn c) {
  if (PQstatus(c.get()) != CONNECTION_OK) return;
  std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
}

Result<PgResult> PgPool::query(const std::string& sql, const std::vector<std::string>& params,
                               const std::string& what, std::string* sqlstate) {
  if (sqlstate != nullptr) sqlstate->clear();
  auto c = acquire();
  if (!c) return fail(what, ": ", c.error().message);
  std::vector<const char*> p;
  p.reserve(params.size());
  for (const auto& s : params) p.push_back(s.c_str());
  PgResult r(PQexecParams(c->get(), sql.c_str(), static_cast<int>(p.size()), nullptr, p.data(),
                          nullptr, nullptr, 0),
             &PQclear);
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    release(std::move(*c));
    return r;
  }
  if (sqlstate != nullptr && r) {
    const char* code = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
    if (code != nullptr) *sqlstate = code;
  }
  Error e = fail(what, ": ", pg_error(c->get()));
  release(std::move(*c));
  return e;
}

}  // namespace tickstock::app
