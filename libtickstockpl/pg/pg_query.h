// The libpq basics the schema's operations share (migrations, warm start): run a statement or
// stream a query's rows, and say what failed.
#ifndef TICKSTOCK_PG_PG_QUERY_H_
#define TICKSTOCK_PG_PG_QUERY_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <libpq-fe.h>

#include "tickstock/result.h"

namespace tickstock::detail {

using PgResultPtr = std::unique_ptr<PGresult, decltype(&PQclear)>;

// libpq's last error on `c`, without its trailing newline.
std::string pg_message(PGconn* c);
// Runs `sql` (one or more statements); the error is "<what>: <PostgreSQL's message>".
Result<PgResultPtr> pg_exec(PGconn* c, const std::string& sql, const std::string& what);
// Runs one query with text parameters (null: SQL NULL) and calls `row` for each result row as
// it arrives (the rows are not all held at once); the error is "<what>: <message>".
Result<void> pg_stream(PGconn* c, const std::string& sql, const std::vector<const char*>& params,
                       const std::function<void(const PGresult*)>& row, const std::string& what);
// A text[] literal for `items`: {"a","b"} with quotes and backslashes escaped.
std::string pg_text_array(const std::vector<std::string>& items);

}  // namespace tickstock::detail

#endif  // TICKSTOCK_PG_PG_QUERY_H_
