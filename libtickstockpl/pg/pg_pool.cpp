// PgPool: connect, lend, take back.
#include "pg/pg_pool.h"

#include <utility>

#include <libpq-fe.h>

#include "tickstock/pg_query.h"
#include "tickstock/redact.h"

namespace tickstock::detail {

PgPool::PgPool(std::string_view url, std::string application_name, std::size_t max_idle)
    : url_(libpq_url(url)), application_name_(std::move(application_name)), max_idle_(max_idle) {}

Result<PgConnPtr> PgPool::take(bool fresh) {
  if (!fresh) {
    const std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      PgConnPtr c = std::move(idle_.back());
      idle_.pop_back();
      return c;
    }
  }
  // Our defaults first: what the URL says overrides them (as PgWriter::connect).
  const char* keys[] = {"application_name", "connect_timeout", "dbname", nullptr};
  const char* values[] = {application_name_.c_str(), "5", url_.c_str(), nullptr};
  PgConnPtr c(PQconnectdbParams(keys, values, 1), &PQfinish);
  if (!c) return fail("cannot connect to PostgreSQL: out of memory");
  // libpq may echo a part of the URL it could not parse: the password must not reach a log.
  if (PQstatus(c.get()) != CONNECTION_OK)
    return fail("cannot connect to PostgreSQL: ", redact_url(pg_message(c.get())));
  return c;
}

void PgPool::give(PgConnPtr c) {
  // A reader stopped before its end leaves its transaction open: a read-only one just ends.
  if (PQtransactionStatus(c.get()) != PQTRANS_IDLE) PQclear(PQexec(c.get(), "ROLLBACK"));
  if (PQstatus(c.get()) != CONNECTION_OK || PQtransactionStatus(c.get()) != PQTRANS_IDLE) return;
  const std::lock_guard lock(mu_);
  if (idle_.size() < max_idle_) idle_.push_back(std::move(c));
}

}  // namespace tickstock::detail
