// tickstockapp backfill --symbols LIST|--symbols-file FILE|--universe GROUP --timeframe 1m|1d
//                       --from DATE [--to DATE]: Polygon REST history into the database.
#include <cstdio>
#include <string>

#include "tickstock/calendar.h"

#include "base/progress.h"
#include "cli/commands.h"
#include "db/pg_util.h"
#include "polygon/history_backfill.h"
#include "polygon/universe.h"
#include "settings/polygon_settings.h"

namespace tickstock::app {
namespace {

void declare(Settings& s) {
  declare_universe_settings(s);
  s.add("--timeframe", "", "1m", "1m (ohlcv_1min) or 1d (ohlcv_daily)");
  s.add("--from", "", "", "first New York date, YYYY-MM-DD (required)");
  s.add("--to", "", "", "last New York date, YYYY-MM-DD");
  s.show_default("--to", "--from");
  s.add("--database-url", "DATABASE_URL", "", "PostgreSQL URL or conninfo");
  declare_polygon_rest_settings(s);
}

}  // namespace

int run_backfill(int argc, char** argv, Log& log) {
  Settings s;
  declare(s);
  if (auto r = s.parse(argc, argv); !r) {
    log.error("backfill: " + r.error().message);
    return 2;
  }
  if (s.help_requested()) {
    std::printf(
        "usage: tickstockapp backfill --symbols LIST | --symbols-file FILE | --universe GROUP\n"
        "                             --timeframe 1m|1d --from YYYY-MM-DD [--to YYYY-MM-DD]\n\n"
        "Loads Polygon.io (Massive) aggregates (adjusted, every page) into the database: each\n"
        "symbol in one transaction, new symbols registered, a stored bar that differs replaced\n"
        "(revision + 1). The API key is read from POLYGON_API_KEY only.\n\n%s",
        s.help().c_str());
    return 0;
  }
  const std::string& tfs = s.get("--timeframe");
  const Timeframe tf = tfs == "1d" ? Timeframe::D1 : Timeframe::M1;
  if (tfs != "1m" && tfs != "1d") {
    log.error("backfill: --timeframe '" + tfs + "': expected 1m or 1d");
    return 2;
  }
  const auto from = parse_date(s.get("--from"));
  const auto to = parse_date(s.get("--to").empty() ? s.get("--from") : s.get("--to"));
  if (!from || !to || days_from_civil(*to) < days_from_civil(*from)) {
    log.error("backfill: --from '" + s.get("--from") + "' / --to '" + s.get("--to") +
              "': expected YYYY-MM-DD dates, --from not after --to");
    return 2;
  }
  const std::string& url = s.get("--database-url");
  if (url.empty()) {
    log.error("backfill: needs the database (DATABASE_URL or --database-url)");
    return 2;
  }
  auto universe = resolve_universe(s, url);
  if (!universe) {
    log.error("backfill: " + universe.error().message);
    return 2;
  }
  if (universe->empty() || (*universe)[0] == "*") {
    log.error(
        "backfill: name the symbols (--symbols, --symbols-file or --universe); * is not a list");
    return 2;
  }
  auto ro = polygon_rest_options(s);
  if (!ro) {
    log.error("backfill: " + ro.error().message);
    return 2;
  }
  auto conn = pg_connect(url);
  if (!conn) {
    log.error("backfill: " + conn.error().message);
    return 1;
  }
  PolygonRest rest(*ro, log);
  HistoryRequest request{*universe, tf, new_york_midnight(*from),
                         new_york_midnight(civil_from_days(days_from_civil(*to) + 1)) - 1};
  ProgressBar progress("backfill");
  const HistoryReport done = backfill_history(
      rest, conn->get(), request,
      [&](std::size_t i, std::size_t n, std::uint64_t bars, const std::string&) {
        progress.step(static_cast<std::int64_t>(i), static_cast<std::int64_t>(n), bars);
      });
  progress.finish();
  for (const std::string& e : done.errors) log.error("backfill: " + e);
  const auto n = static_cast<std::int64_t>(universe->size());
  const auto failed = static_cast<std::int64_t>(done.failed);
  const std::uint64_t bars = done.bars, stored = done.stored;
  const RestStats& rs = rest.stats();
  log.info("backfill: " + std::to_string(n - failed) + " of " + std::to_string(n) + " symbols, " +
           std::to_string(bars) + " " + tfs + " bars (" + std::to_string(stored) +
           " stored or changed), " + std::to_string(rs.requests) + " requests (" +
           std::to_string(rs.rate_limited) + " rate limited, " + std::to_string(rs.retries) +
           " retried, " + std::to_string(rs.budget_waits) + " budget waits)");
  return failed == 0 ? 0 : 1;
}

}  // namespace tickstock::app
