// pg_message(), pg_exec(), pg_stream(), pg_text_array().
#include "tickstock/pg_query.h"

#include <libpq-fe.h>

namespace tickstock {

std::string pg_message(PGconn* c) {
  std::string m = PQerrorMessage(c);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

Result<PgResultPtr> pg_exec(PGconn* c, const std::string& sql, const std::string& what) {
  PgResultPtr r(PQexec(c, sql.c_str()), &PQclear);
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_COPY_IN)
    return fail(what, ": ", pg_message(c));
  return r;
}

Result<void> pg_stream(PGconn* c, const std::string& sql, const std::vector<const char*>& params,
                       const std::function<void(const PGresult*)>& row, const std::string& what) {
  if (PQsendQueryParams(c, sql.c_str(), static_cast<int>(params.size()), nullptr, params.data(),
                        nullptr, nullptr, 0) != 1 ||
      PQsetSingleRowMode(c) != 1)
    return fail(what, ": ", pg_message(c));
  std::string error;
  while (PGresult* r = PQgetResult(c)) {
    const ExecStatusType st = PQresultStatus(r);
    if (st == PGRES_SINGLE_TUPLE) {
      if (error.empty()) row(r);
    } else if (st != PGRES_TUPLES_OK && error.empty()) {
      error = pg_message(c);
    }
    PQclear(r);
  }
  if (!error.empty()) return fail(what, ": ", error);
  return {};
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

}  // namespace tickstock
