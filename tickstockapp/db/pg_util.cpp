// pg_error(), pg_connect(), pg_exec().
#include "db/pg_util.h"

#include "base/services.h"

namespace tickstock::app {

std::string pg_error(PGconn* c) {
  std::string m = PQerrorMessage(c);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

Result<PgConn> pg_connect(const std::string& url) {
  PgConn c(PQconnectdb(libpq_url(url).c_str()), &PQfinish);
  if (!c || PQstatus(c.get()) != CONNECTION_OK)
    return fail("cannot connect to PostgreSQL: ",
                c ? redact_url(pg_error(c.get())) : "out of memory");
  return c;
}

Result<PgResult> pg_exec(PGconn* c, const std::string& sql, const std::string& what) {
  PgResult r(PQexec(c, sql.c_str()), &PQclear);
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN)
    return fail(what, ": ", pg_error(c));
  return r;
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

Result<void> pg_stream(PGconn* c, const std::string& sql, const std::vector<const char*>& params,
                       const std::function<void(const PGresult*)>& row, const std::string& what) {
  if (PQsendQueryParams(c, sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(),
                        nullptr, nullptr, 0) != 1 ||
      PQsetSingleRowMode(c) != 1)
    return fail(what, ": ", pg_error(c));
  std::string error;
  while (PGresult* r = PQgetResult(c)) {
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE) {
      if (error.empty()) row(r);
    } else if (st != PGRES_TUPLES_OK && error.empty()) {
      error = pg_error(c);
    }
    PQclear(r);
  }
  if (!error.empty()) return fail(what, ": ", error);
  return {};
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

std::string pg_text_array(const std::vector<std::string>& items) {
  std::string out = "{";
  for (const std::string& item : items) {
    if (out.size() > 1) out += ',';
    out += '"';
    for (const char ch : item) {
      if (ch == '"' || ch == '\\') out += '\\';
      out += ch;
    }
    out += '"';
  }
  return out + "}";
}

}  // namespace tickstock::app
