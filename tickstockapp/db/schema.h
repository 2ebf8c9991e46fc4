// The schema's operations (tickstock/pg_schema.h: the pg library owns the schema) on the
// database named by a URL, connected the app's way (pg_connect: libpq_url, redacted errors).
#ifndef TICKSTOCKAPP_DB_SCHEMA_H_
#define TICKSTOCKAPP_DB_SCHEMA_H_

#include <string>

#include "tickstock/pg_schema.h"

namespace tickstock::app {

// tickstock::migrate on `url`.
Result<MigrateReport> migrate(const std::string& url);
// tickstock::schema_version on `url`.
Result<int> schema_version(const std::string& url);
// tickstock::warm_start on `url`.
Result<WarmStartReport> warm_start(const std::string& url, const WarmStartOptions& o,
                                   SymbolTable& symbols, Scanner& scanner,
                                   BarAggregator& aggregator);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_DB_SCHEMA_H_
