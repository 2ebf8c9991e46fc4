// migrate() and schema_version(): one transaction per migration; bar_table().
#include <cstdlib>
#include <memory>
#include <string>

#include <libpq-fe.h>

#include "tickstock/pg_query.h"
#include "tickstock/pg_schema.h"

namespace tickstock {
namespace {

// Any number that other programs on the database are unlikely to use for their own lock.
constexpr const char* kLockKey = "7294061173";

Result<int> current_version(PGconn* c) {
  auto exists = pg_exec(c, "SELECT to_regclass('schema_migrations') IS NOT NULL",
                        "reading the schema version");
  if (!exists) return exists.error();
  if (std::string(PQgetvalue(exists->get(), 0, 0)) != "t") return 0;
  auto r = pg_exec(c, "SELECT COALESCE(max(version), 0) FROM schema_migrations",
                   "reading the schema version");
  if (!r) return r.error();
  return std::atoi(PQgetvalue(r->get(), 0, 0));
}

}  // namespace

const char* bar_table(Timeframe tf) {
  switch (tf) {
    case Timeframe::M1:
      return "ohlcv_1min";
    case Timeframe::M5:
      return "ohlcv_5min";
    case Timeframe::M15:
      return "ohlcv_15min";
    case Timeframe::M30:
      return "ohlcv_30min";
    case Timeframe::H1:
      return "ohlcv_hourly";
    case Timeframe::H4:
      return "ohlcv_4hour";
    case Timeframe::D1:
      return "ohlcv_daily";
  }
  return "ohlcv_1min";
}

int migration_version(const Migration& m) { return std::atoi(m.name); }

int latest_schema_version() {
  const auto all = migrations();
  return all.empty() ? 0 : migration_version(all.back());
}

Result<MigrateReport> migrate(PGconn* c) {
  if (auto r = pg_exec(c, "SET client_min_messages = warning", "configuring the session"); !r)
    return r.error();
  if (auto r = pg_exec(c, std::string("SELECT pg_advisory_lock(") + kLockKey + ")",
                       "taking the migration lock");
      !r)
    return r.error();
  if (auto r = pg_exec(c,
                       "CREATE TABLE IF NOT EXISTS schema_migrations ("
                       " version integer PRIMARY KEY, name text NOT NULL,"
                       " applied_at timestamptz NOT NULL DEFAULT now())",
                       "creating schema_migrations");
      !r)
    return r.error();
  auto version = current_version(c);
  if (!version) return version.error();
  MigrateReport report;
  report.from_version = report.to_version = *version;
  if (*version > latest_schema_version())
    return fail("the database is at schema version ", std::to_string(*version),
                ", newer than this binary's ", std::to_string(latest_schema_version()),
                ": use a newer tickstockapp");
  for (const Migration& m : migrations()) {
    const int v = migration_version(m);
    if (v <= report.to_version) continue;
    const std::string what = std::string("migration ") + m.name;
    if (auto r = pg_exec(c, "BEGIN", what); !r) return r.error();
    auto applied = pg_exec(c, m.sql, what);
    if (applied) {
      applied = pg_exec(c,
                        "INSERT INTO schema_migrations (version, name) VALUES (" +
                            std::to_string(v) + ", '" + m.name + "')",
                        what);
    }
    if (applied) applied = pg_exec(c, "COMMIT", what);
    if (!applied) {
      (void)pg_exec(c, "ROLLBACK", what);
      return applied.error();
    }
    report.to_version = v;
    report.applied.emplace_back(m.name);
  }
  (void)pg_exec(c, std::string("SELECT pg_advisory_unlock(") + kLockKey + ")", "unlocking");
  return report;
}

Result<int> schema_version(PGconn* c) { return current_version(c); }

}  // namespace tickstock
