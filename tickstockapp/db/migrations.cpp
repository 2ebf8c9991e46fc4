// migrate() and schema_version(): libpq, one connection, one transaction per migration.
#include "db/migrations.h"

#include <cstdlib>
#include <memory>
#include <string>

#include <libpq-fe.h>

namespace tickstock::app {
namespace {

// Any number that other programs on the database are unlikely to use for their own lock.
constexpr const char* kLockKey = "7294061173";

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Res = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string pg_message(PGconn* c) {
  std::string m = PQerrorMessage(c);
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

Result<Conn> connect(const std::string& url) {
  Conn c(PQconnectdb(url.c_str()), &PQfinish);
  if (!c || PQstatus(c.get()) != CONNECTION_OK)
    return fail("cannot connect to PostgreSQL: ", c ? pg_message(c.get()) : "out of memory");
  return c;
}

// Runs `sql` (one or more statements); the error carries `what` and PostgreSQL's message.
Result<Res> exec(PGconn* c, const std::string& sql, const std::string& what) {
  Res r(PQexec(c, sql.c_str()), &PQclear);
  const ExecStatusType st = r ? PQresultStatus(r.get()) : PGRES_FATAL_ERROR;
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return fail(what, ": ", pg_message(c));
  return r;
}

Result<int> current_version(PGconn* c) {
  auto exists =
      exec(c, "SELECT to_regclass('schema_migrations') IS NOT NULL", "reading the schema version");
  if (!exists) return exists.error();
  if (std::string(PQgetvalue(exists->get(), 0, 0)) != "t") return 0;
  auto r = exec(c, "SELECT COALESCE(max(version), 0) FROM schema_migrations",
                "reading the schema version");
  if (!r) return r.error();
  return std::atoi(PQgetvalue(r->get(), 0, 0));
}

}  // namespace

int migration_version(const Migration& m) { return std::atoi(m.name); }

int latest_schema_version() {
  const auto all = migrations();
  return all.empty() ? 0 : migration_version(all.back());
}

Result<MigrateReport> migrate(const std::string& url) {
  auto conn = connect(url);
  if (!conn) return conn.error();
  PGconn* c = conn->get();
  if (auto r = exec(c, "SET client_min_messages = warning", "configuring the session"); !r)
    return r.error();
  if (auto r = exec(c, std::string("SELECT pg_advisory_lock(") + kLockKey + ")",
                    "taking the migration lock");
      !r)
    return r.error();
  if (auto r = exec(c,
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
    if (auto r = exec(c, "BEGIN", what); !r) return r.error();
    auto applied = exec(c, m.sql, what);
    if (applied) {
      applied = exec(c,
                     "INSERT INTO schema_migrations (version, name) VALUES (" + std::to_string(v) +
                         ", '" + m.name + "')",
                     what);
    }
    if (applied) applied = exec(c, "COMMIT", what);
    if (!applied) {
      (void)exec(c, "ROLLBACK", what);
      return applied.error();
    }
    report.to_version = v;
    report.applied.emplace_back(m.name);
  }
  (void)exec(c, std::string("SELECT pg_advisory_unlock(") + kLockKey + ")", "unlocking");
  return report;
}

Result<int> schema_version(const std::string& url) {
  auto conn = connect(url);
  if (!conn) return conn.error();
  return current_version(conn->get());
}

}  // namespace tickstock::app
