// rollup_daily(): one INSERT ... SELECT ... GROUP BY in PostgreSQL.
#include "db/daily_rollup.h"

#include <memory>

#include "tickstock/pg_schema.h"

#include "db/pg_util.h"

namespace tickstock::app {

Result<std::uint64_t> rollup_daily(const RollupOptions& o) {
  auto conn = pg_connect(o.url);
  if (!conn) return conn.error();
  PGconn* c = conn->get();
  // The range is selected on the bar start (New York midnights of from and to + 1 day), so the
  // primary key's index serves it; the date of each bar is its New York date, and its ts the
  // New York midnight that starts that date (as for every writer of ohlcv_daily, sql/005).
  const std::string sql =
      "INSERT INTO " + std::string(bar_table(Timeframe::D1)) +
      " AS o (symbol, trading_date, ts, open, high, low, close, volume, "
      "vwap, trades, revision) "
      "SELECT symbol, (ts AT TIME ZONE 'America/New_York')::date, "
      "(ts AT TIME ZONE 'America/New_York')::date::timestamp AT TIME ZONE 'America/New_York', "
      "(array_agg(open ORDER BY ts))[1], max(high), min(low), "
      "(array_agg(close ORDER BY ts DESC))[1], sum(volume), "
      "CASE WHEN sum(volume) > 0 THEN sum(vwap * volume) / sum(volume) END, sum(trades), 0 "
      "FROM " +
      std::string(bar_table(Timeframe::M1)) +
      " WHERE ts >= ($1::date::timestamp AT TIME ZONE 'America/New_York') "
      "AND ts < (($2::date + 1)::timestamp AT TIME ZONE 'America/New_York') "
      "AND ($3 OR session = 'regular') AND ($4 = '' OR symbol = $4) "
      "GROUP BY symbol, (ts AT TIME ZONE 'America/New_York')::date "
      "ON CONFLICT (symbol, trading_date) DO UPDATE SET ts = EXCLUDED.ts, open = EXCLUDED.open, "
      "high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, volume = "
      "EXCLUDED.volume, vwap = EXCLUDED.vwap, trades = EXCLUDED.trades, revision = o.revision "
      "+ 1, updated_at = now() WHERE (o.open, o.high, o.low, o.close, o.volume) IS DISTINCT "
      "FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.volume)";
  const std::string from = format_date(o.from), to = format_date(o.to);
  const char* all = o.all_sessions ? "true" : "false";
  const char* params[] = {from.c_str(), to.c_str(), all, o.symbol.c_str()};
  PgResult r(PQexecParams(c, sql.c_str(), 4, nullptr, params, nullptr, nullptr, 0), &PQclear);
  if (!r || PQresultStatus(r.get()) != PGRES_COMMAND_OK) return fail("daily rollup: ", pg_error(c));
  return std::strtoull(PQcmdTuples(r.get()), nullptr, 10);
}

}  // namespace tickstock::app
