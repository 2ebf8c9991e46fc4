// tickstockapp symbols against the real PostgreSQL that scripts/test starts.
#include <cstdio>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "support/pg_test_db.h"

using tickstock::test::run_app;
using tickstock::test::TestDatabase;
using tickstock::test::write_temp;

TEST_CASE("symbols --load adds and updates the symbol master", "[app][db][symbols]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  // A symbol a feed registered before: the file takes it over.
  db.query("INSERT INTO symbols (symbol, auto_added) VALUES ('SPY', true)");
  const std::string csv = write_temp("s.csv",
                                     "symbol,name,type,exchange,active\n"
                                     "SPY,SPDR S&P 500 ETF Trust,etf,ARCA,yes\n"
                                     "BRK.B,\"Berkshire Hathaway Inc., Class B\",stock,NYSE,true\n"
                                     "TWTR,Twitter,,NYSE,false\n");
  const auto r = run_app("symbols --load " + csv, db.env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "loaded 3 symbols (3 added or changed)\n");
  CHECK(db.query("SELECT string_agg(symbol || '|' || coalesce(name, '') || '|' || type || '|' "
                 "|| coalesce(exchange, '') || '|' || active || '|' || auto_added, ';' ORDER BY "
                 "symbol) FROM symbols") ==
        "BRK.B|Berkshire Hathaway Inc., Class B|stock|NYSE|true|false;"
        "SPY|SPDR S&P 500 ETF Trust|etf|ARCA|true|false;TWTR|Twitter|stock|NYSE|false|false");
  // Again: nothing changes. A file with fewer columns leaves the others alone.
  CHECK(run_app("symbols --load " + csv, db.env()).out ==
        "loaded 3 symbols (0 added or changed)\n");
  const std::string partial = write_temp("p.csv", "symbol,active\nTWTR,true\n");
  CHECK(run_app("symbols --load " + partial, db.env()).out ==
        "loaded 1 symbols (1 added or changed)\n");
  CHECK(db.query("SELECT name || ' ' || exchange || ' ' || active FROM symbols WHERE symbol = "
                 "'TWTR'") == "Twitter NYSE true");
  std::remove(csv.c_str());
  std::remove(partial.c_str());
}

TEST_CASE("symbols --groups gives each group exactly the listed members", "[app][db][symbols]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::string v1 = write_temp("g1.csv",
                                    "group,kind,symbol,weight,description\n"
                                    "tech,SECTOR,AAPL,0.5,Information technology\n"
                                    "tech,sector,MSFT,0.5,\n"
                                    "sp500,UNIVERSE,AAPL,,\n"
                                    "sp500,UNIVERSE,SPY,,\n");
  const auto r = run_app("symbols --groups " + v1, db.env());
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "loaded 2 groups with 4 members (4 members added, changed or removed)\n");
  CHECK(db.query("SELECT string_agg(name || ':' || kind || ':' || coalesce(description, ''), ';' "
                 "ORDER BY name) FROM symbol_groups") ==
        "sp500:UNIVERSE:;tech:SECTOR:Information technology");
  CHECK(db.query("SELECT string_agg(symbol, ',' ORDER BY symbol) FROM symbols") == "AAPL,MSFT,SPY");
  // A new version of tech: MSFT leaves, NVDA joins, AAPL's weight changes; sp500 is untouched.
  const std::string v2 = write_temp("g2.csv",
                                    "group,kind,symbol,weight\n"
                                    "tech,SECTOR,AAPL,0.6\n"
                                    "tech,SECTOR,NVDA,0.4\n");
  const auto r2 = run_app("symbols --groups " + v2, db.env());
  CHECK(r2.out == "loaded 1 groups with 2 members (3 members added, changed or removed)\n");
  CHECK(db.query("SELECT string_agg(group_name || ':' || symbol || ':' || coalesce(weight::text, "
                 "'-'), ',' ORDER BY group_name, symbol) FROM symbol_group_members") ==
        "sp500:AAPL:-,sp500:SPY:-,tech:AAPL:0.6,tech:NVDA:0.4");
  std::remove(v1.c_str());
  std::remove(v2.c_str());
}

TEST_CASE("symbols refuses a bad file with file:line and loads nothing", "[app][db][symbols]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::string kind = write_temp("k.csv",
                                      "group,kind,symbol\n"
                                      "tech,SECTOR,AAPL\n"
                                      "tech,INDUSTRY,MSFT\n");
  const auto a = run_app("symbols --groups " + kind, db.env());
  CHECK(a.exit_code == 3);
  CHECK(a.err.find(kind + ":3: field 'kind': 'INDUSTRY' is not one of ETF, SECTOR, THEME, "
                          "UNIVERSE") != std::string::npos);
  const std::string mixed = write_temp("m.csv",
                                       "group,kind,symbol\n"
                                       "tech,SECTOR,AAPL\n"
                                       "tech,THEME,MSFT\n");
  CHECK(run_app("symbols --groups " + mixed, db.env())
            .err.find(mixed + ":3: field 'kind': 'THEME' differs from the group's kind SECTOR") !=
        std::string::npos);
  const std::string twice = write_temp("t.csv", "symbol,name\nSPY,a\nQQQ,b\nSPY,c\n");
  CHECK(run_app("symbols --load " + twice, db.env())
            .err.find(twice + ":4: field 'symbol': 'SPY' is listed twice (also on line 2)") !=
        std::string::npos);
  const std::string column = write_temp("c.csv", "symbol,sector\nSPY,x\n");
  CHECK(run_app("symbols --load " + column, db.env())
            .err.find(column + ":1: unknown column 'sector'") != std::string::npos);
  const std::string ticker = write_temp("x.csv", "symbol\nSPY\nDROP TABLE\n");
  const auto x = run_app("symbols --load " + ticker, db.env());
  CHECK(x.exit_code == 3);
  CHECK(x.err.find(ticker + ":3: field 'symbol': 'DROP TABLE' is not a symbol") !=
        std::string::npos);
  const std::string quote = write_temp("q.csv", "symbol,name\nSPY,\"unclosed\n");
  CHECK(run_app("symbols --load " + quote, db.env()).err.find(quote + ":2: unclosed quote") !=
        std::string::npos);
  CHECK(db.query("SELECT count(*) FROM symbols") == "0");
  CHECK(db.query("SELECT count(*) FROM symbol_groups") == "0");
  for (const auto& f : {kind, mixed, twice, column, ticker, quote}) std::remove(f.c_str());
}

TEST_CASE("symbols --load and --groups hold symbols to the symbol grammar, values shown escaped",
          "[app][db][symbols][symbol]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  tickstock::test::TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::string good = write_temp(
      "grammar.csv", "symbol,name\nBRK.B,Berkshire B\nX:BTCUSD,Bitcoin\nO:SPY251219C00650000,\n");
  const auto ok = run_app("symbols --load " + good, db.env());
  CHECK(ok.exit_code == 0);
  CHECK(db.query("SELECT string_agg(symbol, ' ' ORDER BY symbol) FROM symbols") ==
        "BRK.B O:SPY251219C00650000 X:BTCUSD");
  const std::string ctl = write_temp("ctl.csv", "symbol,name\nSPY,a\nQQ\x1bQ,b\n");
  const auto a = run_app("symbols --load " + ctl, db.env());
  CHECK(a.exit_code == 3);
  CHECK_THAT(a.err, Catch::Contains(ctl + ":3: field 'symbol': 'QQ\\x1bQ' is not a symbol (byte 3 "
                                          "is '\\x1b'"));
  const std::string group = write_temp("gctl.csv", "group,kind,symbol\ncore,UNIVERSE,A\x7f\n");
  const auto g = run_app("symbols --groups " + group, db.env());
  CHECK(g.exit_code == 3);
  CHECK_THAT(g.err, Catch::Contains(group + ":2: field 'symbol': 'A\\x7f' is not a symbol"));
  const std::string kind = write_temp("kctl.csv", "group,kind,symbol\ncore,UNI\x01,SPY\n");
  CHECK_THAT(run_app("symbols --groups " + kind, db.env()).err,
             Catch::Contains(kind + ":2: field 'kind': 'UNI\\x01' is not one of"));
  CHECK(db.query("SELECT count(*) FROM symbols") == "3");  // nothing else was loaded
}
