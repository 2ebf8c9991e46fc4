// Connections to one database, lent to one reader at a time and kept between reads: a source
// that many worker threads read opens a few connections, not one per series, and never lets two
// threads use one at once.
#ifndef TICKSTOCK_PG_PG_POOL_H_
#define TICKSTOCK_PG_PG_POOL_H_

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "tickstock/result.h"

struct pg_conn;  // libpq's PGconn

namespace tickstock::detail {

// A connection that PQfinish closes.
using PgConnPtr = std::unique_ptr<pg_conn, void (*)(pg_conn*)>;

class PgPool {
 public:
  // Connections to `url` (a URL as the app takes it, or a conninfo string), named
  // `application_name` on the server; at most `max_idle` are kept between reads.
  PgPool(std::string_view url, std::string application_name, std::size_t max_idle);
  // An idle connection, or a new one when there is none or `fresh`. The error is libpq's
  // reason, without the password.
  Result<PgConnPtr> take(bool fresh);
  // Takes `c` back when it is healthy, ending the transaction a reader left open.
  void give(PgConnPtr c);

 private:
  const std::string url_, application_name_;
  const std::size_t max_idle_;
  std::mutex mu_;
  std::vector<PgConnPtr> idle_;  // guarded by mu_
};

// A connection lent by a pool, given back when the lease ends.
class PgLease {
 public:
  PgLease(std::shared_ptr<PgPool> pool, PgConnPtr c) : pool_(std::move(pool)), c_(std::move(c)) {}
  PgLease(PgLease&&) noexcept = default;
  PgLease(const PgLease&) = delete;
  PgLease& operator=(const PgLease&) = delete;
  PgLease& operator=(PgLease&&) = delete;
  ~PgLease() {
    if (c_) pool_->give(std::move(c_));
  }
  pg_conn* get() const { return c_.get(); }

 private:
  std::shared_ptr<PgPool> pool_;
  PgConnPtr c_;
};

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_PG_POOL_H_
