// pg_error(), pg_connect(), pg_exec().
#include "db/pg_util.h"

namespace tickstock::app {

std::string pg_error(PGconn* c) {
  std::string m = PQerrorMessage(c);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

Result<PgConn> pg_connect(const std::string& url) {
  PgConn c(PQconnectdb(url.c_str()), &PQfinish);
  if (!c || PQstatus(c.get()) != CONNECTION_OK)
    return fail("cannot connect to PostgreSQL: ", c ? pg_error(c.get()) : "out of memory");
  return c;
}

Result<PgResult> pg_exec(PGconn* c, const std::string& sql, const std::string& what) {
  PgResult r(PQexec(c, sql.c_str()), &PQclear);
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN)
    return fail(what, ": ", pg_error(c));
  return r;
}

}  // namespace tickstock::app
