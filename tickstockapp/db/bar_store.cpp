#include "db/bar_store.h"

#include <charconv>

#include "tickstock/calendar.h"
#include "tickstock/pg_schema.h"

#include "db/pg_util.h"

namespace tickstock::app {
namespace {

void append_double(std::string& out, double v) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// The staging rows as COPY text.
std::string copy_rows(Timeframe tf, const std::vector<Bar>& bars) {
  std::string out;
  out.reserve(bars.size() * 96);
  for (const Bar& b : bars) {
    append_copy_text(out, b.symbol.name());
    out += '\t';
    out += std::to_string(b.start / 1000);
    out += '\t';
    out += tf == Timeframe::D1 ? format_date(new_york_date(b.start)) : std::string("\\N");
    out += '\t';
    out.append(session_name(new_york_session(b.start)));
    for (double v : {b.open, b.high, b.low, b.close, b.volume, b.vwap}) {
      out += '\t';
      append_double(out, v);
    }
    out += '\t';
    out += std::to_string(b.trade_count);
    out += '\n';
  }
  return out;
}

}  // namespace

Result<std::uint64_t> store_bars(PGconn* c, Timeframe tf, const std::vector<Bar>& bars) {
  if (tf != Timeframe::M1 && tf != Timeframe::D1) return fail("store_bars: only 1m and 1d bars");
  if (bars.empty()) return std::uint64_t{0};
  for (const char* sql :
       {"BEGIN",
        "CREATE TEMP TABLE vendor_bars (symbol text, ts_us bigint, trading_date date, session "
        "text, open float8, high float8, low float8, close float8, volume float8, vwap float8, "
        "trades bigint) ON COMMIT DROP",
        "COPY vendor_bars FROM STDIN"}) {
    if (auto r = pg_exec(c, sql, "storing bars"); !r) return r.error();
  }
  const std::string rows = copy_rows(tf, bars);
  if (PQputCopyData(c, rows.data(), static_cast<int>(rows.size())) != 1 ||
      PQputCopyEnd(c, nullptr) != 1)
    return fail("storing bars: COPY: ", pg_error(c));
  PgResult copied(PQgetResult(c), &PQclear);
  if (PQresultStatus(copied.get()) != PGRES_COMMAND_OK)
    return fail("storing bars: COPY: ", pg_error(c));
  while (PGresult* extra = PQgetResult(c)) PQclear(extra);
  const std::string epoch = "timestamptz 'epoch' + ts_us * interval '1 microsecond'";
  const std::string set =
      "open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low, close = EXCLUDED.close, "
      "volume = EXCLUDED.volume, vwap = EXCLUDED.vwap, trades = EXCLUDED.trades, revision = "
      "o.revision + 1, updated_at = now() WHERE (o.open, o.high, o.low, o.close, o.volume, "
      "o.trades) IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, "
      "EXCLUDED.volume, EXCLUDED.trades)";
  const std::string upsert =
      tf == Timeframe::D1
          ? "INSERT INTO " + std::string(bar_table(Timeframe::D1)) +
                " AS o (symbol, trading_date, ts, open, high, low, close, "
                "volume, vwap, trades) SELECT DISTINCT ON (symbol, trading_date) symbol, "
                "trading_date, trading_date::timestamp AT TIME ZONE 'America/New_York', open, "
                "high, "
                "low, close, volume, vwap, trades FROM vendor_bars ORDER BY symbol, "
                "trading_date ON CONFLICT (symbol, trading_date) DO UPDATE SET ts = EXCLUDED.ts, " +
                set
          : "INSERT INTO " + std::string(bar_table(Timeframe::M1)) +
                " AS o (symbol, ts, session, open, high, low, close, volume, "
                "vwap, trades) SELECT DISTINCT ON (symbol, ts_us) symbol, " +
                epoch +
                ", session, open, high, low, close, volume, vwap, trades FROM vendor_bars ORDER "
                "BY symbol, ts_us ON CONFLICT (symbol, ts) DO UPDATE SET " +
                set;
  if (auto r = pg_exec(c,
                       "INSERT INTO symbols (symbol, auto_added) SELECT DISTINCT symbol, true "
                       "FROM vendor_bars ON CONFLICT (symbol) DO NOTHING",
                       "registering symbols");
      !r)
    return r.error();
  auto stored = pg_exec(c, upsert, "storing bars");
  if (!stored) return stored.error();
  const std::uint64_t n = std::strtoull(PQcmdTuples(stored->get()), nullptr, 10);
  if (auto r = pg_exec(c, "COMMIT", "committing bars"); !r) return r.error();
  return n;
}

Result<std::map<std::string, Timestamp>> newest_minutes(PGconn* c,
                                                        const std::vector<std::string>& symbols) {
  const bool all = symbols.size() == 1 && symbols[0] == "*";
  const std::string names = pg_text_array(symbols);
  std::map<std::string, Timestamp> out;
  auto r = pg_stream(
      c,
      std::string("SELECT symbol, (extract(epoch FROM max(ts)) * 1000000)::bigint FROM " +
                  std::string(bar_table(Timeframe::M1)) + " WHERE ") +
          (all ? "symbol IN (SELECT symbol FROM symbols WHERE active) AND $1::text[] IS NOT NULL"
               : "symbol = ANY($1::text[])") +
          " GROUP BY symbol",
      {names.c_str()},
      [&](const PGresult* row) {
        out[PQgetvalue(row, 0, 0)] = std::strtoll(PQgetvalue(row, 0, 1), nullptr, 10) * 1000;
      },
      "finding the newest stored minutes");
  if (!r) return r.error();
  return out;
}

}  // namespace tickstock::app
