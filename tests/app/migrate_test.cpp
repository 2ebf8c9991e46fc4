// tickstockapp migrate against the real PostgreSQL that scripts/test starts.
#include <string>
#include <thread>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "support/pg_test_db.h"

using tickstock::test::run_app;
using tickstock::test::TestDatabase;

TEST_CASE("migrate creates every table once and is idempotent", "[app][db][migrate]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  const auto first = run_app("migrate", db.env());
  INFO(first.err);
  REQUIRE(first.exit_code == 0);
  CHECK(first.out ==
        "applied 001_initial\napplied 002_write_path\napplied 003_hypertables\napplied "
        "004_accounts\napplied 005_daily_ts\napplied 006_backtests\napplied 007_backtest_stats\n"
        "schema version 0 -> 7\n");
  // No TimescaleDB here: 003 leaves the bar tables plain tables with BRIN indexes.
  CHECK(db.query("SELECT count(*) FROM pg_available_extensions WHERE name = 'timescaledb'") == "0");
  CHECK(db.query("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'") == "0");
  CHECK(db.query("SELECT reloptions::text FROM pg_class WHERE relname = 'ohlcv_1min_ts_brin'") ==
        "{autosummarize=on}");
  for (const char* table :
       {"symbols",     "symbol_groups",  "symbol_group_members", "ohlcv_1min",
        "ohlcv_5min",  "ohlcv_15min",    "ohlcv_30min",          "ohlcv_hourly",
        "ohlcv_4hour", "ohlcv_daily",    "pattern_detections",   "indicator_values",
        "users",       "sessions",       "user_subscriptions",   "pending_alerts",
        "jobs",        "backtest_stats", "error_logs",           "schema_migrations"}) {
    INFO(table);
    CHECK(db.query(std::string("SELECT to_regclass('public.") + table + "') IS NOT NULL") == "t");
  }
  // Intraday bars are keyed by (symbol, UTC start), daily ones by New York trading date.
  CHECK(db.query("SELECT data_type FROM information_schema.columns WHERE table_name = "
                 "'ohlcv_5min' AND column_name = 'ts'") == "timestamp with time zone");
  CHECK(db.query("SELECT data_type FROM information_schema.columns WHERE table_name = "
                 "'ohlcv_daily' AND column_name = 'trading_date'") == "date");

  const auto again = run_app("migrate", db.env());
  CHECK(again.exit_code == 0);
  CHECK(again.out == "schema up to date (version 7)\n");
  CHECK(db.query("SELECT count(*) FROM schema_migrations") == "7");
  const auto status = run_app("migrate --status", db.env());
  CHECK(status.exit_code == 0);
  CHECK(status.out == "database schema version 7, this binary's 7\n");
}

TEST_CASE("migrate keys make re-processing idempotent", "[app][db][migrate]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  db.query("INSERT INTO symbols (symbol) VALUES ('SPY')");
  const std::string det =
      "INSERT INTO pattern_detections (symbol, timeframe, bar_start, pattern, output, direction, "
      "confidence, price, volume) VALUES ('SPY', '1m', '2024-03-01 14:31:00+00', 'CDLDOJI', "
      "100, 'neutral', 0.7, 500.1, 1000)";
  db.query(det);
  CHECK_THROWS_WITH(db.query(det), Catch::Contains("duplicate key"));
  const std::string bar =
      "INSERT INTO ohlcv_1min (symbol, ts, open, high, low, close, volume) VALUES ('SPY', "
      "'2024-03-01 14:31:00+00', 1, 1, 1, 1, 1)";
  db.query(bar);
  CHECK_THROWS_WITH(db.query(bar), Catch::Contains("duplicate key"));
  const std::string values =
      "INSERT INTO indicator_values (symbol, timeframe, bar_start, rsi) VALUES ('SPY', '1m', "
      "'2024-03-01 14:31:00+00', 55)";
  db.query(values);
  CHECK_THROWS_WITH(db.query(values), Catch::Contains("duplicate key"));
  CHECK_THROWS_WITH(
      db.query("INSERT INTO pattern_detections (symbol, timeframe, bar_start, pattern, output, "
               "direction, confidence, price, volume) VALUES ('SPY', '1m', now(), 'CDLDOJI', "
               "100, 'neutral', 1.5, 1, 1)"),
      Catch::Contains("check constraint"));
}

TEST_CASE("concurrent migrates take turns", "[app][db][migrate]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  tickstock::test::RunResult a, b;
  std::thread ta([&] { a = run_app("migrate", db.env()); });
  std::thread tb([&] { b = run_app("migrate", db.env()); });
  ta.join();
  tb.join();
  INFO(a.err << b.err);
  CHECK(a.exit_code == 0);
  CHECK(b.exit_code == 0);
  // Exactly one of them applied the migration.
  CHECK((a.out.find("applied 001_initial") != std::string::npos) !=
        (b.out.find("applied 001_initial") != std::string::npos));
  CHECK(db.query("SELECT count(*) FROM schema_migrations") == "7");
}

TEST_CASE("migrate 002 refuses to drop indicator values that 001 stored", "[app][db][migrate]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  // A database at 001 whose indicator_values has a row: 002 undone by hand.
  db.query("DELETE FROM schema_migrations WHERE version >= 2");
  db.query("DROP TABLE indicator_values");
  db.query(
      "CREATE TABLE indicator_values (symbol text, timeframe text, bar_start timestamptz, "
      "indicator text, \"values\" jsonb)");
  db.query("INSERT INTO indicator_values VALUES ('SPY', '1m', now(), 'RSI', '{\"rsi\": 50}')");
  const auto r = run_app("migrate", db.env());
  CHECK(r.exit_code == 1);
  CHECK(r.err.find("002_write_path") != std::string::npos);
  CHECK(r.err.find("indicator_values has rows") != std::string::npos);
  CHECK(db.query("SELECT count(*) FROM indicator_values") == "1");
  CHECK(db.query("SELECT max(version) FROM schema_migrations") == "1");
}

TEST_CASE("migrate reports a missing or unreachable database", "[app][db][migrate]") {
  const auto none = run_app("migrate", "env -u DATABASE_URL");
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("DATABASE_URL") != std::string::npos);
  const auto down = run_app("migrate --database-url postgresql://u:secret@127.0.0.1:1/x");
  CHECK(down.exit_code == 1);
  CHECK(down.err.find("cannot connect to PostgreSQL") != std::string::npos);
  CHECK(down.err.find("postgresql://u:***@127.0.0.1:1/x") != std::string::npos);
  CHECK(down.err.find("secret") == std::string::npos);
}

TEST_CASE("serve checks the schema version at start", "[app][db][migrate]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  const std::string serve =
      "serve --feed synthetic --speed max --synthetic-minutes 1 --exit-on-eof --database-url '" +
      db.url() + "'";
  const std::string env = "env -u REDIS_URL -u REDIS_HOST";
  const auto before = run_app(serve, env);
  CHECK(before.exit_code == 0);
  CHECK(before.err.find("PostgreSQL schema version 0 is older than 7: run `tickstockapp "
                        "migrate`") != std::string::npos);
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const auto after = run_app(serve, env);
  CHECK(after.exit_code == 0);
  CHECK(after.err.find("PostgreSQL schema version 7") != std::string::npos);
  CHECK(after.err.find("older than") == std::string::npos);
}
