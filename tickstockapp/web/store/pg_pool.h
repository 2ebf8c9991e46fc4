// A few PostgreSQL connections shared by the web layer's worker threads: made as needed and
// reused; a broken one is dropped and the next call connects again, so an outage fails the
// calls made during it and no more. Every connection and statement is bounded in time, so a
// database host that goes silent costs a request seconds, not the minutes of TCP's own timeouts.
#ifndef TICKSTOCKAPP_WEB_STORE_PG_POOL_H_
#define TICKSTOCKAPP_WEB_STORE_PG_POOL_H_

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "db/pg_util.h"

namespace tickstock::app {

// How long the web layer waits for PostgreSQL. The connection URL's own connect_timeout,
// keepalives* and tcp_user_timeout win over these; a statement_timeout set by the URL's
// options, the role or the database is kept (only "0", none, is replaced).
struct PgTimeouts {
  std::chrono::seconds connect{5};               // libpq connect_timeout (the whole handshake)
  std::chrono::milliseconds statement{10000};    // the server's statement_timeout
  std::chrono::milliseconds answer_grace{3000};  // beyond the statement_timeout, the client
                                                 // stops waiting and drops the connection
  int keepalives_idle_s = 15;                    // TCP keepalives on an idle connection
  int keepalives_interval_s = 5;
  int keepalives_count = 3;
  std::chrono::milliseconds tcp_user_timeout{30000};  // unacknowledged data: the host is gone
  std::chrono::seconds retry_after_failure{2};        // after a failed connect, calls fail at once
                                                      // for this long instead of queueing behind it
};

// A connection bounded by `t`, its statement_timeout set; `statement_ms` is the one in effect.
Result<PgConn> pg_connect_bounded(const std::string& url, const PgTimeouts& t,
                                  std::int64_t& statement_ms);
// Runs one statement with text parameters, waiting for the answer until `deadline`; past it the
// error says so and the connection must be dropped (its state is unknown). On an error from the
// server, `sqlstate` (when given) receives its SQLSTATE code.
Result<PgResult> pg_exec_until(PGconn* c, const std::string& sql,
                               const std::vector<const char*>& params, const std::string& what,
                               std::chrono::steady_clock::time_point deadline,
                               std::string* sqlstate = nullptr);

// Thread-safe: each call takes a connection of its own.
class PgPool {
 public:
  // Connects lazily to `url`; keeps at most `max_idle` idle connections.
  explicit PgPool(std::string url, std::size_t max_idle = 4, PgTimeouts timeouts = {})
      : url_(std::move(url)), max_idle_(max_idle), timeouts_(timeouts) {}
  // Runs one statement with text parameters; the error is "<what>: <message>" (a connection
  // error says "cannot connect to PostgreSQL: ...", without the URL's password).
  Result<PgResult> query(const std::string& sql, const std::vector<std::string>& params,
                         const std::string& what) {
    return query(sql, params, what, nullptr);
  }
  // As above; on failure `sqlstate` receives PostgreSQL's SQLSTATE code ("" when the statement
  // never ran, e.g. no connection).
  Result<PgResult> query(const std::string& sql, const std::vector<std::string>& params,
                         const std::string& what, std::string* sqlstate);

 private:
  struct Conn {
    PgConn conn;
    std::int64_t statement_ms = 0;  // the statement_timeout in effect on it
  };
  Result<Conn> acquire();
  void release(Conn c);

  std::string url_;
  std::size_t max_idle_;
  PgTimeouts timeouts_;
  std::mutex mu_;
  std::vector<Conn> idle_;
  std::chrono::steady_clock::time_point failed_at_{};  // the last failed connect
  std::string failure_;                                // and why
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_STORE_PG_POOL_H_
