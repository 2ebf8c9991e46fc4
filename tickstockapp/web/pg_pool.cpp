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
                               const std::string& what) {
  auto c = acquire();
  if (!c) return fail(what, ": ", c.error().message);
  std::vector<const char*> p;
  p.reserve(params.size());
  for (const auto& s : params) p.push_back(s.c_str());
  auto r = pg_exec_params(c->get(), sql, p, what);
  release(std::move(*c));
  return r;
}

}  // namespace tickstock::app
