// Connect, then hand the connection to the library.
#include "db/schema.h"

#include "db/pg_util.h"

namespace tickstock::app {

Result<MigrateReport> migrate(const std::string& url) {
  auto conn = pg_connect(url);
  if (!conn) return conn.error();
  return tickstock::migrate(conn->get());
}

Result<int> schema_version(const std::string& url) {
  auto conn = pg_connect(url);
  if (!conn) return conn.error();
  return tickstock::schema_version(conn->get());
}

Result<WarmStartReport> warm_start(const std::string& url, const WarmStartOptions& o,
                                   SymbolTable& symbols, Scanner& scanner,
                                   BarAggregator& aggregator) {
  auto conn = pg_connect(url);
  if (!conn) return conn.error();
  return tickstock::warm_start(conn->get(), o, symbols, scanner, aggregator);
}

}  // namespace tickstock::app
