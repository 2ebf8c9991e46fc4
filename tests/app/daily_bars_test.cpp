// Daily bars have one start, whoever writes them: 00:00 America/New_York of their trading date
// (sql/005). Each writer (serve's PgSink, rollup, import, the vendor bar store of backfill)
// writes days of one symbol; the table holds one row per day at that hour, and the dashboard's
// /api/bars answers with one kind of start. The migration moves rows stored before.
#include <string>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "app/web/api_support.h"
#include "db/bar_store.h"
#include "db/pg_util.h"
#include "support/pg_test_db.h"

using namespace tickstock::test;

namespace {

// 1-minute bars of `symbol` on `date` (a winter date: New York is UTC-5): one pre-market minute
// (08:00 New York) and the regular session 09:30-15:59, as a bars CSV with its header.
std::string day_of_minutes(const std::string& symbol, const std::string& date) {
  std::string csv = "ts,symbol,open,high,low,close,volume\n";
  const tickstock::Timestamp open = *tickstock::parse_timestamp(date + "T14:30:00Z");
  auto row = [&](tickstock::Timestamp t, double price) {
    csv += tickstock::format_iso8601(t) + "," + symbol + "," + std::to_string(price) + "," +
           std::to_string(price + 0.5) + "," + std::to_string(price - 0.5) + "," +
           std::to_string(price + 0.25) + ",100\n";
  };
  row(open - 90 * tickstock::kNanosPerMinute, 90);  // pre-market: only --all-sessions has it
  for (int i = 0; i < 390; ++i) row(open + i * tickstock::kNanosPerMinute, 100 + (i % 7));
  return csv;
}

}  // namespace

TEST_CASE("every writer stores a day's bar at New York midnight: one row, one kind of start",
          "[app][db][daily]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  const std::string env = db.env() + " REDIS_URL= REDIS_HOST=";
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  // 2024-03-05 through serve (PgSink), then rollup --all-sessions over it.
  const std::string m05 = write_temp("ibm-0305.csv", day_of_minutes("IBM", "2024-03-05"));
  auto r = run_app("serve --feed replay:" + m05 + " --speed max --exit-on-eof --no-bar-events " +
                       "--spill-dir ''",
                   env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const std::string day =
      "SELECT count(*) || ' ' || string_agg(to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'), "
      "',') FROM ohlcv_daily WHERE symbol = 'IBM' AND trading_date = ";
  CHECK(db.query(day + "'2024-03-05'") == "1 2024-03-05 05:00");
  r = run_app("rollup --daily --all-sessions --from 2024-03-05", env);
  CHECK(r.out == "rolled up 1 daily bars (2024-03-05..2024-03-05)\n");  // it changed the row
  CHECK(db.query(day + "'2024-03-05'") == "1 2024-03-05 05:00");        // was 13:00 (08:00 NY)
  // 2024-03-06: minutes imported, then rolled up (regular session).
  const std::string m06 = write_temp("ibm-0306.csv", day_of_minutes("IBM", "2024-03-06"));
  REQUIRE(run_app("import --bars " + m06, env).exit_code == 0);
  r = run_app("rollup --daily --from 2024-03-06", env);
  CHECK(r.out == "rolled up 1 daily bars (2024-03-06..2024-03-06)\n");
  CHECK(db.query(day + "'2024-03-06'") == "1 2024-03-06 05:00");  // was 14:30 (09:30 NY)
  // 2024-03-04 and 2024-03-05 again: a daily file imported.
  const std::string daily = write_temp("ibm-daily.csv",
                                       "ts,symbol,open,high,low,close,volume\n"
                                       "2024-03-04,IBM,190,195,189,194,5000000\n"
                                       "2024-03-05,IBM,194,196,193,195,4000000\n");
  REQUIRE(run_app("import --bars " + daily + " --timeframe 1d", env).exit_code == 0);
  CHECK(db.query(day + "'2024-03-04'") == "1 2024-03-04 05:00");
  CHECK(db.query(day + "'2024-03-05'") == "1 2024-03-05 05:00");
  // 2024-03-07: a vendor's daily bar (backfill) that starts at the open, not at midnight.
  tickstock::SymbolTable symbols;
  tickstock::Bar vendor;
  vendor.symbol = symbols.intern("IBM");
  vendor.timeframe = tickstock::Timeframe::D1;
  vendor.start = *tickstock::parse_timestamp("2024-03-07T14:30:00Z");
  vendor.open = vendor.low = 195;
  vendor.high = vendor.close = 197;
  vendor.volume = 3000000;
  {
    auto conn = tickstock::app::pg_connect(db.url());
    REQUIRE(conn);
    REQUIRE(tickstock::app::store_bars(conn->get(), tickstock::Timeframe::D1, {vendor}));
  }
  CHECK(db.query(day + "'2024-03-07'") == "1 2024-03-07 05:00");  // was 14:30
  CHECK(db.query("SELECT count(*) || ' ' || count(DISTINCT trading_date) || ' ' || "
                 "string_agg(DISTINCT to_char(ts AT TIME ZONE 'America/New_York', 'HH24:MI:SS'), "
                 "',') FROM ohlcv_daily WHERE symbol = 'IBM'") == "4 4 00:00:00");

  // The dashboard answers with one kind of start.
  REQUIRE(
      run_app("user add ops --role admin", "printf 'ops-password-1\\n' | " + db.env()).exit_code ==
      0);
  auto web_env = memory_env();
  web_env[0].second = db.url();
  WebServe serve({"--speed", "max", "--synthetic-minutes", "1", "--spill-dir", "",
                  "--password-hash-cost", "minimum"},
                 web_env);
  REQUIRE(serve.port() > 0);
  HttpClient c(serve.port());
  const Login l = login(c, "ops", "ops-password-1");
  REQUIRE(l.ok());
  const HttpReply bars =
      c.get("/api/bars?symbol=IBM&timeframe=1d&from=2024-03-01&to=2024-03-10", auth(l));
  INFO(bars.body);
  CHECK(bars.status == 200);
  std::string starts;
  for (auto at = bars.body.find("\"start\":\""); at != std::string::npos;
       at = bars.body.find("\"start\":\"", at + 1))
    starts += bars.body.substr(at + 9, 20) + " ";
  CHECK(starts ==
        "2024-03-04T05:00:00Z 2024-03-05T05:00:00Z 2024-03-06T05:00:00Z 2024-03-07T05:00:00Z ");
  CHECK(serve.stop() == 0);
  for (const auto& f : {m05, m06, daily}) std::remove(f.c_str());
}

TEST_CASE("migrate 005 moves every stored daily bar to New York midnight and keeps it there",
          "[app][db][daily][migrate]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  // A database at 004, with days stored the three ways of the writers before 005.
  db.query("ALTER TABLE ohlcv_daily DROP CONSTRAINT ohlcv_daily_ts_new_york_midnight");
  db.query("DELETE FROM schema_migrations WHERE version >= 5");
  db.query(
      "ALTER TABLE jobs DROP COLUMN heartbeat_at, DROP COLUMN cancel_requested, DROP COLUMN "
      "attempts, DROP COLUMN result_dir, DROP COLUMN data_fingerprint");  // undo 006
  db.query("DROP TABLE backtest_stats");                                  // undo 007
  db.query(
      "INSERT INTO ohlcv_daily (symbol, trading_date, ts, open, high, low, close, volume, "
      "revision) VALUES "
      "('SPY', '2013-10-10', '2013-10-10 13:30+00', 165, 168, 164, 167, 1000, 1),"   // rollup
      "('SPY', '2013-10-11', '2013-10-11 08:00+00', 167, 170, 166, 169, 2000, 2),"   // --all-sess.
      "('SPY', '2013-10-14', '2013-10-14 04:00+00', 169, 171, 168, 170, 3000, 0),"   // serve
      "('IBM', '2024-03-05', '2024-03-05 05:00+00', 194, 196, 193, 195, 4000, 0),"   // import
      "('IBM', '2024-01-02', '2024-01-02 14:30+00', 160, 162, 159, 161, 5000, 3)");  // backfill
  const auto r = run_app("migrate", db.env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out ==
        "applied 005_daily_ts\napplied 006_backtests\napplied 007_backtest_stats\nschema version "
        "4 -> 7\n");
  // Every row kept, values as they were; each at its trading date's New York midnight (EDT in
  // October: 04:00Z, EST in January and March: 05:00Z).
  CHECK(db.query("SELECT string_agg(symbol || ' ' || trading_date || ' ' || to_char(ts AT TIME "
                 "ZONE 'UTC', 'HH24:MI') || ' ' || close || ' ' || volume || ' ' || revision, "
                 "',' ORDER BY symbol, trading_date) FROM ohlcv_daily") ==
        "IBM 2024-01-02 05:00 161 5000 3,IBM 2024-03-05 05:00 195 4000 0,"
        "SPY 2013-10-10 04:00 167 1000 1,SPY 2013-10-11 04:00 169 2000 2,"
        "SPY 2013-10-14 04:00 170 3000 0");
  // And so it stays: a writer with another start is refused.
  CHECK_THROWS_WITH(db.query("INSERT INTO ohlcv_daily (symbol, trading_date, ts, open, high, low, "
                             "close, volume) VALUES ('SPY', '2013-10-15', '2013-10-15 13:30+00', "
                             "1, 1, 1, 1, 1)"),
                    Catch::Contains("ohlcv_daily_ts_new_york_midnight"));
}
