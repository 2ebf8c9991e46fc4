// tickstockapp import against the real PostgreSQL that scripts/test starts.
#include <cstdio>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "app/app_support.h"
#include "db/bar_import.h"
#include "db/bar_store.h"
#include "db/pg_util.h"
#include "support/pg_test_db.h"

using tickstock::test::run_app;
using tickstock::test::TestDatabase;
using tickstock::test::write_temp;

TEST_CASE("import loads minute bars, registers symbols and is idempotent", "[app][db][import]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::string csv =
      write_temp("m1.csv",
                 "ts,symbol,open,high,low,close,volume\n"
                 "2024-03-01T14:30:00Z,SPY,510.1,510.5,509.9,510.3,1200\n"
                 "2024-03-01T14:31:00Z,QQQ,440,441,439.5,0.30000000000000004,7\n"
                 "2024-03-01T14:30:00Z,SPY,510.1,510.5,509.9,510.4,1300\n");
  const auto r = run_app("import --bars " + csv, db.env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "imported 3 bars (2 stored or changed, 2 new symbols)\n");
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "2");
  // The later line of the same bar wins; doubles are stored exactly.
  CHECK(db.query("SELECT close || ' ' || volume FROM ohlcv_1min WHERE symbol = 'SPY'") ==
        "510.4 1300");
  CHECK(db.query("SELECT close::text FROM ohlcv_1min WHERE symbol = 'QQQ'") ==
        "0.30000000000000004");
  CHECK(db.query("SELECT string_agg(symbol || ':' || auto_added, ',' ORDER BY symbol) FROM "
                 "symbols") == "QQQ:true,SPY:true");
  const auto again = run_app("import --bars " + csv, db.env());
  CHECK(again.exit_code == 0);
  CHECK(again.out == "imported 3 bars (0 stored or changed, 0 new symbols)\n");
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "2");
  std::remove(csv.c_str());
}

TEST_CASE("import copies new bars straight in and upserts a file seen before",
          "[app][db][import]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  db.query("INSERT INTO symbols (symbol, type) VALUES ('IWM', 'etf')");
  const std::string csv = write_temp("direct.csv",
                                     "ts,symbol,open,high,low,close,volume\n"
                                     "2024-03-01T09:00:00Z,IWM,200,201,199,200.5,10\n"
                                     "2024-03-01T14:30:00Z,IWM,200.5,202,200,201,20\n"
                                     "2024-03-01T21:15:00Z,DIA,390,391,389,390.5,30\n");
  const auto r = run_app("import --bars " + csv, db.env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "imported 3 bars (3 stored or changed, 1 new symbols)\n");
  // Each minute with its New York session.
  CHECK(db.query("SELECT string_agg(symbol || ' ' || to_char(ts AT TIME ZONE 'UTC', 'HH24:MI') "
                 "|| ' ' || session || ' ' || close, ',' ORDER BY ts) FROM ohlcv_1min") ==
        "IWM 09:00 pre 200.5,IWM 14:30 regular 201,DIA 21:15 post 390.5");
  CHECK(db.query("SELECT string_agg(symbol || ':' || type, ',' ORDER BY symbol) FROM symbols") ==
        "DIA:stock,IWM:etf");
  // The same file again meets its own rows: upserted, nothing changes.
  const auto again = run_app("import --bars " + csv, db.env());
  CHECK(again.exit_code == 0);
  CHECK(again.out == "imported 3 bars (0 stored or changed, 0 new symbols)\n");
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "3");
  std::remove(csv.c_str());
}

TEST_CASE("import --timeframe 1d keeps the New York trading date", "[app][db][import]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::string csv = write_temp("d1.csv",
                                     "ts,open,high,low,close,volume\n"
                                     "2024-03-01,1,2,0.5,1.5,100\n"
                                     "2024-07-01,1,2,0.5,1.25,100\n");
  const auto r = run_app("import --bars " + csv + " --timeframe 1d --symbol IBM", db.env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(db.query("SELECT string_agg(trading_date::text || ' ' || to_char(ts AT TIME ZONE 'UTC', "
                 "'HH24:MI'), ',' ORDER BY trading_date) FROM ohlcv_daily WHERE symbol = 'IBM'") ==
        "2024-03-01 05:00,2024-07-01 04:00");  // New York midnight, winter and summer
  std::remove(csv.c_str());
}

TEST_CASE("import refuses a bad line with file:line and imports nothing", "[app][db][import]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::string csv = write_temp("bad.csv",
                                     "ts,symbol,open,high,low,close,volume\n"
                                     "2024-03-01T14:30:00Z,SPY,1,2,0.5,1.5,100\n"
                                     "2024-03-01T14:31:00Z,SPY,1,2,0.5,abc,100\n");
  const auto r = run_app("import --bars " + csv, db.env());
  CHECK(r.exit_code == 3);
  CHECK(r.err.find(csv + ":3: field 'close': 'abc'") != std::string::npos);
  CHECK(r.err.find("nothing imported") != std::string::npos);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "0");
  CHECK(db.query("SELECT count(*) FROM symbols") == "0");
  std::remove(csv.c_str());

  const auto none = run_app("import --bars " + csv, "env -u DATABASE_URL");
  CHECK(none.exit_code == 2);
  CHECK(none.err.find("DATABASE_URL") != std::string::npos);
  const auto tf = run_app("import --bars x.csv --timeframe 5m", db.env());
  CHECK(tf.exit_code == 2);
  CHECK(tf.err.find("expected 1m or 1d") != std::string::npos);
}

TEST_CASE("import refuses a file without a symbol column unless --symbol names it",
          "[app][db][import]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::string csv = write_temp("nosym.csv",
                                     "ts,open,high,low,close,volume\n"
                                     "2024-03-01T14:30:00Z,1,2,0.5,1.5,100\n"
                                     "2024-03-01T14:31:00Z,1,2,0.5,1.5,100\n");
  const auto r = run_app("import --bars " + csv, db.env());
  CHECK(r.exit_code == 3);
  CHECK(r.err.find(csv + ": no symbol column: name the symbol of its bars with --symbol NAME") !=
        std::string::npos);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "0");
  CHECK(db.query("SELECT count(*) FROM symbols") == "0");  // no made-up BARS
  const auto named = run_app("import --bars " + csv + " --symbol IBM", db.env());
  CHECK(named.exit_code == 0);
  CHECK(db.query("SELECT string_agg(DISTINCT symbol, ',') FROM ohlcv_1min") == "IBM");
  // A symbol column and --symbol: which one is meant is not clear.
  const std::string with_column = write_temp("sym.csv",
                                             "ts,symbol,open,high,low,close,volume\n"
                                             "2024-03-01T14:30:00Z,SPY,1,2,0.5,1.5,100\n");
  const auto both = run_app("import --bars " + with_column + " --symbol IBM", db.env());
  CHECK(both.exit_code == 3);
  CHECK(both.err.find(with_column + ": has a symbol column; --symbol 'IBM' would not be used") !=
        std::string::npos);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min WHERE symbol = 'SPY'") == "0");
  // --symbol follows the symbol grammar like every other entry.
  const auto bad = run_app("import --bars " + csv + " --symbol 'I B'", db.env());
  CHECK(bad.exit_code == 2);
  CHECK_THAT(bad.err, Catch::Contains("--symbol: field 'symbol': 'I B' is not a symbol"));
  std::remove(csv.c_str());
  std::remove(with_column.c_str());
}

TEST_CASE("import refuses bars of another timeframe than --timeframe", "[app][db][import]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  std::string five = "ts,symbol,open,high,low,close,volume\n";
  for (const char* t : {"14:30", "14:35", "14:40", "14:45"})
    five += std::string("2024-03-01T") + t + ":00Z,SPY,1,2,0.5,1.5,100\n";
  const std::string csv = write_temp("m5.csv", five);
  const auto r = run_app("import --bars " + csv, db.env());
  CHECK(r.exit_code == 3);
  CHECK(r.err.find(csv + ": the closest two bars of a symbol are 5 minutes apart (line 3)") !=
        std::string::npos);
  CHECK(r.err.find("--sparse-minutes") != std::string::npos);
  CHECK(r.err.find("nothing imported") != std::string::npos);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "0");
  // Said to be sparse 1-minute bars: stored.
  const auto sparse = run_app("import --bars " + csv + " --sparse-minutes", db.env());
  CHECK(sparse.exit_code == 0);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "4");

  const std::string off = write_temp("off.csv",
                                     "ts,symbol,open,high,low,close,volume\n"
                                     "2024-03-01T14:30:00Z,QQQ,1,2,0.5,1.5,100\n"
                                     "2024-03-01T14:30:30Z,QQQ,1,2,0.5,1.5,100\n");
  const auto seconds = run_app("import --bars " + off, db.env());
  CHECK(seconds.exit_code == 3);
  CHECK(seconds.err.find(off + ":3: ts 2024-03-01T14:30:30Z is not the start of a minute") !=
        std::string::npos);

  const std::string intraday = write_temp("d1x.csv",
                                          "ts,symbol,open,high,low,close,volume\n"
                                          "2024-03-01T14:30:00Z,IBM,1,2,0.5,1.5,100\n"
                                          "2024-03-01T14:35:00Z,IBM,1,2,0.5,1.5,100\n");
  const auto daily = run_app("import --bars " + intraday + " --timeframe 1d", db.env());
  CHECK(daily.exit_code == 3);
  CHECK(daily.err.find(intraday + ":3: IBM has two bars on 2024-03-01") != std::string::npos);
  CHECK(db.query("SELECT count(*) FROM ohlcv_daily") == "0");
  for (const auto& f : {csv, off, intraday}) std::remove(f.c_str());
}

TEST_CASE("import and the vendor bar store escape symbols in their COPY rows",
          "[app][db][import]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  // import refuses such a symbol at its entry; the COPY row builder it shares with the vendor
  // bar store (append_copy_text) is given one straight, through the store.
  const std::string odd = "T\tA\nB\\C\rD";
  const std::string odd_sql = "E'T\\tA\\nB\\\\C\\rD'";
  const std::string csv = write_temp("odd.csv",
                                     "ts,open,high,low,close,volume\n"
                                     "2024-03-01T14:30:00Z,1,2,0.5,1.5,100\n");
  tickstock::app::ImportOptions o;
  o.url = db.url();
  o.path = csv;
  o.symbol = odd;
  auto r = tickstock::app::import_bars(o, [](std::int64_t, std::int64_t, std::uint64_t) {});
  REQUIRE_FALSE(r);
  CHECK_THAT(r.error().message,
             Catch::Contains("field 'symbol'") && Catch::Contains("is not a symbol"));
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "0");

  tickstock::SymbolTable symbols;
  tickstock::Bar b;
  b.symbol = symbols.intern(odd + "v");
  b.start = *tickstock::parse_timestamp("2024-03-04T14:30:00Z");
  b.open = b.high = b.low = b.close = 3.5;
  b.volume = 10;
  auto conn = tickstock::app::pg_connect(db.url());
  REQUIRE(conn);
  tickstock::Bar next = b;  // a row after the odd one: its fields must not run into it
  next.symbol = symbols.intern("NEXT");
  next.close = 4.25;
  auto stored = tickstock::app::store_bars(conn->get(), tickstock::Timeframe::M1, {b, next});
  INFO((stored ? std::string() : stored.error().message));
  REQUIRE(stored);
  CHECK(*stored == 2);
  CHECK(db.query("SELECT close FROM ohlcv_1min WHERE symbol = 'NEXT'") == "4.25");
  CHECK(db.query("SELECT close FROM ohlcv_1min WHERE symbol = " + odd_sql + " || 'v'") == "3.5");
  CHECK(db.query("SELECT count(*) FROM symbols WHERE symbol LIKE 'T%'") == "1");
  std::remove(csv.c_str());
}
