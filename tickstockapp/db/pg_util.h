// The libpq basics the database commands share: connect, run a statement, say what failed.
#ifndef TICKSTOCKAPP_DB_PG_UTIL_H_
#define TICKSTOCKAPP_DB_PG_UTIL_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <libpq-fe.h>

#include "tickstock/pg_query.h"  // IWYU pragma: export
#include "tickstock/result.h"

namespace tickstock::app {

using PgConn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using PgResult = std::unique_ptr<PGresult, decltype(&PQclear)>;

// libpq's last error on `c`, without its trailing newline (pg_exec, pg_stream and
// pg_text_array: tickstock/pg_query.h).
inline std::string pg_error(PGconn* c) { return pg_message(c); }
// A connection to `url`; the error starts "cannot connect to PostgreSQL: ".
Result<PgConn> pg_connect(const std::string& url);
// Runs one statement with text parameters (null: SQL NULL); the error is "<what>: <message>".
Result<PgResult> pg_exec_params(PGconn* c, const std::string& sql,
                                const std::vector<const char*>& params, const std::string& what);
// Appends `value` as one field of a COPY text row: backslash, tab, newline and carriage return
// escaped, so that no value can end its field or row early.
void append_copy_text(std::string& out, std::string_view value);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_DB_PG_UTIL_H_
