// pg_connect(), pg_exec_params(), append_copy_text().
#include "db/pg_util.h"

#include "base/services.h"

namespace tickstock::app {

Result<PgConn> pg_connect(const std::string& url) {
  PgConn c(PQconnectdb(libpq_url(url).c_str()), &PQfinish);
  if (!c || PQstatus(c.get()) != CONNECTION_OK)
    return fail("cannot connect to PostgreSQL: ",
                c ? redact_url(pg_error(c.get())) : "out of memory");
  return c;
}

Result<PgResult> pg_exec_params(PGconn* c, const std::string& sql,
                                const std::vector<const char*>& params, const std::string& what) {
  PgResult r(PQexecParams(c, sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(),
                          nullptr, nullptr, 0),
             &PQclear);
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return fail(what, ": ", pg_error(c));
  return r;
}

void append_copy_text(std::string& out, std::string_view value) {
  for (const char ch : value) {
    switch (ch) {
      case '\\':
        out += "\\\\";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        out += ch;
    }
  }
}

}  // namespace tickstock::app
