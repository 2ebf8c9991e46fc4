// The database schema PgSink writes, and what its owner does with it: the numbered migrations
// (sql/NNN_name.sql, embedded at build time) that create and upgrade it, the name of the table
// of each timeframe's bars, and the warm start that continues from what the tables hold. The
// operations run on a libpq connection the caller opened, so that the caller decides how to
// connect and how to word a failure to.
#ifndef TICKSTOCK_PG_SCHEMA_H_
#define TICKSTOCK_PG_SCHEMA_H_

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "tickstock/bar_aggregator.h"
#include "tickstock/result.h"
#include "tickstock/scanner.h"
#include "tickstock/types.h"

struct pg_conn;  // libpq's PGconn

namespace tickstock {

// The table that holds bars of `tf`: ohlcv_1min, ohlcv_5min, ohlcv_15min, ohlcv_30min,
// ohlcv_hourly, ohlcv_4hour, ohlcv_daily.
const char* bar_table(Timeframe tf);

// One migration: its file name without .sql ("001_initial") and its SQL.
struct Migration {
  const char* name;
  const char* sql;
};

// Every migration, in order.
std::span<const Migration> migrations();
// The number a migration name starts with (001_initial -> 1).
int migration_version(const Migration& m);
// The version of the newest migration this library knows.
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
Result<MigrateReport> migrate(pg_conn* c);
// The database's schema version (0 when it has none yet).
Result<int> schema_version(pg_conn* c);

struct WarmStartOptions {
  std::int64_t bars_per_series = 1000;  // newest stored bars per (symbol, timeframe); <0: all
};

struct WarmStartReport {
  std::uint64_t series = 0;   // (symbol, timeframe) series primed
  std::uint64_t bars = 0;     // stored bars scanned into them
  std::uint64_t symbols = 0;  // symbols whose open bars were resumed
  std::uint64_t minutes = 0;  // stored 1-minute bars those were rebuilt from
  double seconds = 0;
};

// Warm start: after a restart, the engine continues from what the database holds, so that what
// it finds next is what a run that never stopped would have found. Scans the newest stored bars
// of each series of an active symbol (symbols.active) into `scanner` (Scanner::prime: nothing
// is reported) and resumes those symbols' open bars in `aggregator` from their stored 1-minute
// bars (BarAggregator::resume). REQUIRES: neither has seen a bar yet.
Result<WarmStartReport> warm_start(pg_conn* c, const WarmStartOptions& o, SymbolTable& symbols,
                                   Scanner& scanner, BarAggregator& aggregator);

}  // namespace tickstock

#endif  // TICKSTOCK_PG_SCHEMA_H_
