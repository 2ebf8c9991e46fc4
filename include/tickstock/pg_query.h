// The libpq basics the pg library and the programs that query its schema share: run a
// statement, stream a query's rows, and say what failed. libpq's types are only declared here
// (PGconn is struct pg_conn, PGresult struct pg_result); include <libpq-fe.h> to use them.
#ifndef TICKSTOCK_PG_QUERY_H_
#define TICKSTOCK_PG_QUERY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "tickstock/result.h"

struct pg_conn;
struct pg_result;

namespace tickstock {

// A result that PQclear frees (the same type as std::unique_ptr<PGresult, decltype(&PQclear)>).
using PgResultPtr = std::unique_ptr<pg_result, void (*)(pg_result*)>;

// libpq's last error on `c`, without its trailing newline.
std::string pg_message(pg_conn* c);
// Runs `sql` (one or more statements, or the start of a COPY FROM STDIN); the error is
// "<what>: <PostgreSQL's message>".
Result<PgResultPtr> pg_exec(pg_conn* c, const std::string& sql, const std::string& what);
// Runs one query with text parameters (null: SQL NULL) and calls `row` for each result row as
// it arrives (the rows are not all held at once); the error is "<what>: <message>".
Result<void> pg_stream(pg_conn* c, const std::string& sql, const std::vector<const char*>& params,
                       const std::function<void(const pg_result*)>& row, const std::string& what);
// A text[] literal for `items`: {"a","b"} with quotes and backslashes escaped.
std::string pg_text_array(const std::vector<std::string>& items);

}  // namespace tickstock

#endif  // TICKSTOCK_PG_QUERY_H_
