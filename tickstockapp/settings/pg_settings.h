// How `serve` stores into PostgreSQL: the PgSink settings, the sink's options from them, and
// the summary it prints at exit.
#ifndef TICKSTOCKAPP_SETTINGS_PG_SETTINGS_H_
#define TICKSTOCKAPP_SETTINGS_PG_SETTINGS_H_

#include "tickstock/bar_aggregator.h"
#include "tickstock/pg_sink.h"
#include "tickstock/scanner.h"

#include "base/error_reporter.h"
#include "base/log.h"
#include "settings/settings.h"

namespace tickstock::app {

// Declares --spill-dir, --pg-memory-mb, --spill-limit-mb, --pg-connections,
// --no-store-indicators and --warm-bars (--database-url is the command's own).
void declare_pg_settings(Settings& s);
// PgSinkOptions for `url` from those settings; the sink's messages go to `log`, the ones about
// lost or refused data to `errors` (component "postgres"). The spill file is
// DIR/pg-<hash of the URL without its password>.spill, so each database has its own.
Result<PgSinkOptions> pg_sink_options(const Settings& s, const std::string& url,
                                      ErrorReporter& errors, Log& log);
// Logs the "postgres: ..." line of a run's end; reported as an error when anything was lost
// or refused (the rows the database refused are in `refused_path`).
void log_pg_summary(const PgSinkStats& st, const std::string& refused_path, ErrorReporter& errors,
                    Log& log);
// Warm start from the database unless --warm-bars is 0: first writes what `sink` kept from an
// earlier run (so the database holds everything), then primes `scanner` and resumes
// `aggregator` (see tickstock/pg_schema.h). Failures are logged; the run goes on cold.
void warm_start_from(const Settings& s, PgSink& sink, SymbolTable& symbols, Scanner& scanner,
                     BarAggregator& aggregator, Log& log);

}  // namespace tickstock::app

#endif  // TICKSTOCKAPP_SETTINGS_PG_SETTINGS_H_
