// The database schema as numbered migrations (sql/NNN_name.sql, embedded at build time) and
// the code that applies them.
#ifndef TICKSTOCKAPP_DB_MIGRATIONS_H_
#define TICKSTOCKAPP_DB_MIGRATIONS_H_

#include <span>
#include <string>
#include <vector>

#include "tickstock/result.h"

namespace tickstock::app {

// One migration: its file name without .sql ("001_initial") and its SQL.
struct Migration {
  const char* name;
  const char* sql;
};

// Every migration, in order.
std::span<const Migration> migrations();
// The number a migration name starts with (001_initial -> 1).
int migration_version(const Migration& m);
// The version of the newest migration this binary knows.
int latest_schema_version();

// What migrate() did.
struct MigrateReport {
  int from_version = 0;              // 0: an empty database
  int to_version = 0;                // after
  std::vector<std::string> applied;  // names, in order
};

// Applies the migrations newer than the database's version, each in its own transaction,
// holding an advisory lock so that concurrent migrators take turns. The error names the
// migration and PostgreSQL's message; a failed migration leaves the database at the version
// before it.
Result<MigrateReport> migrate(const std::string& url);
// The database's schema version (0 when it has none yet).
Result<int> schema_version(const std::string& url);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_DB_MIGRATIONS_H_
