// PgPool: idle connections under a mutex; the statement runs outside it, and the answer is
// awaited with poll() until a deadline.
#include "web/store/pg_pool.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <poll.h>

namespace tickstock::app {
namespace {

using Clock = std::chrono::steady_clock;

std::string result_error(const PGresult* r, PGconn* c) {
  std::string m = r != nullptr ? PQresultErrorMessage(r) : "";
  if (m.empty()) m = PQerrorMessage(c);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

Result<PgConn> pg_connect_bounded(const std::string& url, const PgTimeouts& t,
                                  std::int64_t& statement_ms) {
  // Ours first: the URL (expanded from dbname, last) overrides what it sets itself.
  const std::string connect = std::to_string(std::max<std::int64_t>(2, t.connect.count()));
  const std::string idle = std::to_string(t.keepalives_idle_s);
  const std::string interval = std::to_string(t.keepalives_interval_s);
  const std::string count = std::to_string(t.keepalives_count);
  const std::string user_timeout = std::to_string(t.tcp_user_timeout.count());
  const char* keys[] = {
      "connect_timeout",  "keepalives",       "keepalives_idle", "keepalives_interval",
      "keepalives_count", "tcp_user_timeout", "dbname",          nullptr};
  const char* values[] = {connect.c_str(),  "1",           idle.c_str(),
                          interval.c_str(), count.c_str(), user_timeout.c_str(),
                          url.c_str(),      nullptr};
  PgConn c(PQconnectdbParams(keys, values, 1), &PQfinish);
  if (!c || PQstatus(c.get()) != CONNECTION_OK)
    return fail("cannot connect to PostgreSQL: ", c ? pg_error(c.get()) : "out of memory");
  // A statement_timeout already in effect (URL options, role, database) is kept; none gets ours.
  const std::string ours = std::to_string(t.statement.count()) + "ms";
  auto r =
      pg_exec_until(c.get(),
                    "SELECT (extract(epoch FROM (CASE current_setting('statement_timeout') "
                    "WHEN '0' THEN set_config('statement_timeout', $1, false) "
                    "ELSE current_setting('statement_timeout') END)::interval) * 1000)::bigint",
                    {ours.c_str()}, "setting statement_timeout", Clock::now() + t.connect);
  if (!r) return fail("cannot connect to PostgreSQL: ", r.error().message);
  statement_ms = std::strtoll(PQgetvalue(r->get(), 0, 0), nullptr, 10);
  return c;
}

Result<PgResult> pg_exec_until(PGconn* c, const std::string& sql,
                               const std::vector<const char*>& params, const std::string& what,
                               Clock::time_point deadline, std::string* sqlstate) {
  if (PQsendQueryParams(c, sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(),
                        nullptr, nullptr, 0) != 1)
    return fail(what, ": ", pg_error(c));
  PgResult kept(nullptr, &PQclear);
  std::string error;
  for (;;) {
    while (PQisBusy(c) != 0) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return fail(what, ": PostgreSQL did not answer in time");
      pollfd p{PQsocket(c), POLLIN, 0};
      const int n = ::poll(&p, 1, static_cast<int>(std::min<std::int64_t>(left, 60000)));
      if (n < 0 && errno != EINTR) return fail(what, ": poll: ", std::strerror(errno));
      if (n > 0 && PQconsumeInput(c) == 0) return fail(what, ": ", pg_error(c));
    }
    PgResult r(PQgetResult(c), &PQclear);
    if (!r) break;
    const ExecStatusType st = PQresultStatus(r.get());
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
      if (error.empty()) {
        error = result_error(r.get(), c);
        const char* code = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
        if (sqlstate != nullptr && code != nullptr) *sqlstate = code;
      }
    } else if (!kept) {
      kept = std::move(r);
    }
  }
  if (!error.empty()) return fail(what, ": ", error);
  if (!kept) return fail(what, ": ", pg_error(c));
  return kept;
}

Result<PgPool::Conn> PgPool::acquire() {
  {
    std::lock_guard lock(mu_);
    while (!idle_.empty()) {
      Conn c = std::move(idle_.back());
      idle_.pop_back();
      if (PQstatus(c.conn.get()) == CONNECTION_OK) return c;
    }
    // The database was just unreachable: fail now rather than wait connect_timeout again.
    if (failed_at_ != Clock::time_point{} &&
        Clock::now() - failed_at_ < timeouts_.retry_after_failure)
      return Error{failure_};
  }
  Conn c{PgConn(nullptr, &PQfinish), 0};
  auto made = pg_connect_bounded(url_, timeouts_, c.statement_ms);
  std::lock_guard lock(mu_);
  if (!made) {
    failed_at_ = Clock::now();
    failure_ = made.error().message;
    return made.error();
  }
  failed_at_ = {};
  c.conn = std::move(*made);
  return c;
}

void PgPool::release(Conn c) {
  // A statement still running (its answer did not come in time) leaves the connection unusable.
  if (PQstatus(c.conn.get()) != CONNECTION_OK || PQtransactionStatus(c.conn.get()) != PQTRANS_IDLE)
    return;
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
  const auto wait = std::chrono::milliseconds(c->statement_ms > 0 ? c->statement_ms
                                                                  : timeouts_.statement.count()) +
                    timeouts_.answer_grace;
  auto r = pg_exec_until(c->conn.get(), sql, p, what, Clock::now() + wait, sqlstate);
  release(std::move(*c));
  return r;
}

}  // namespace tickstock::app
