// A few PostgreSQL connections shared by the web layer's worker threads: made as needed and
// reused; a broken one is dropped and the next call connects again, so an outage fails the
// calls made during it and no more.
#ifndef TICKSTOCKAPP_WEB_PG_POOL_H_
#define TICKSTOCKAPP_WEB_PG_POOL_H_

#include <mutex>
#include <string>
#include <vector>

#include "db/pg_util.h"

namespace tickstock::app {

// Thread-safe: each call takes a connection of its own.
class PgPool {
 public:
  // Connects lazily to `url`; keeps at most `max_idle` idle connections.
  explicit PgPool(std::string url, std::size_t max_idle = 4)
      : url_(std::move(url)), max_idle_(max_idle) {}
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
  Result<PgConn> acquire();
  void release(PgConn c);

  std::string url_;
  std::size_t max_idle_;
  std::mutex mu_;
  std::vector<PgConn> idle_;
};

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_WEB_PG_POOL_H_
