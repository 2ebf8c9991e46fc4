// tickstockapp migrate [--database-url URL] [--status]
#include <cstdio>
#include <string>

#include "base/services.h"
#include "cli/commands.h"
#include "db/schema.h"
#include "settings/settings.h"

namespace tickstock::app {

int run_migrate(int argc, char** argv, Log& log) {
  Settings s;
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL URL or conninfo");
  s.add_switch("--status", "", "only print the database's and this binary's schema versions");
  if (auto r = s.parse(argc, argv); !r) {
    log.error("migrate: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf(
        "usage: tickstockapp migrate [--database-url URL] [--status]\n\n"
        "Applies the schema migrations this binary carries (sql/NNN_name.sql) that the database "
        "does\nnot have yet, each in its own transaction. Safe to run again and from several "
        "places at once.\n\n%s",
        s.help().c_str());
    return 0;
  }
  const std::string& url = s.get("--database-url");
  if (url.empty()) {
    log.error("migrate: no database: set DATABASE_URL or pass --database-url");
    return 2;
  }
  const std::string where = redact_url(url);
  if (s.on("--status")) {
    auto v = schema_version(url);
    if (!v) {
      log.error("migrate: " + where + ": " + v.error().message);
      return 1;
    }
    std::printf("database schema version %d, this binary's %d%s\n", *v, latest_schema_version(),
                *v < latest_schema_version() ? " (run tickstockapp migrate)" : "");
    return 0;
  }
  auto report = migrate(url);
  if (!report) {
    log.error("migrate: " + where + ": " + report.error().message);
    return 1;
  }
  for (const std::string& name : report->applied) std::printf("applied %s\n", name.c_str());
  if (report->applied.empty()) {
    std::printf("schema up to date (version %d)\n", report->to_version);
  } else {
    std::printf("schema version %d -> %d\n", report->from_version, report->to_version);
  }
  return 0;
}

}  // namespace tickstock::app
