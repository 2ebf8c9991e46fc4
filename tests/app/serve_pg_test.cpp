// serve with a database: every bar and detection it prints is stored.
#include <algorithm>
#include <string>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "support/pg_test_db.h"

using tickstock::test::json_lines;
using tickstock::test::run_app;
using tickstock::test::TestDatabase;

TEST_CASE("serve stores every bar and pattern detection it prints", "[app][db][serve]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  const std::string serve =
      "serve --feed synthetic --speed max --synthetic-minutes 120 --synthetic-symbols 4 "
      "--seed 3 --exit-on-eof --database-url '" +
      db.url() + "'";
  const auto r = run_app(serve, "env -u REDIS_URL -u REDIS_HOST");
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  const auto bars = json_lines(r.out, "bar");
  const auto patterns = json_lines(r.out, "pattern");
  REQUIRE(!bars.empty());
  REQUIRE(!patterns.empty());
  const std::string stored = db.query(
      "SELECT (SELECT count(*) FROM ohlcv_1min) + (SELECT count(*) FROM ohlcv_5min) + "
      "(SELECT count(*) FROM ohlcv_15min) + (SELECT count(*) FROM ohlcv_30min) + "
      "(SELECT count(*) FROM ohlcv_hourly) + (SELECT count(*) FROM ohlcv_4hour) + "
      "(SELECT count(*) FROM ohlcv_daily)");
  CHECK(stored == std::to_string(bars.size()));  // the synthetic feed makes no revisions
  CHECK(db.query("SELECT count(*) FROM pattern_detections") == std::to_string(patterns.size()));
  CHECK(db.query("SELECT count(*) FROM symbols WHERE auto_added") == "4");
  // No foreign key checks it (sql/002): the writer registers every symbol it stores.
  CHECK(db.query("SELECT count(*) FROM (SELECT symbol FROM ohlcv_1min UNION SELECT symbol FROM "
                 "ohlcv_daily UNION SELECT symbol FROM pattern_detections UNION SELECT symbol "
                 "FROM indicator_values) s WHERE symbol NOT IN (SELECT symbol FROM symbols)") ==
        "0");
  // Indicator values: a row per scanned bar once any indicator has a value (RSI after 14).
  CHECK(std::stoi(db.query("SELECT count(*) FROM indicator_values WHERE timeframe = '1m'")) >=
        4 * (120 - 30));
  CHECK(db.query("SELECT count(*) FROM indicator_values WHERE timeframe = '1m' AND rsi IS NOT "
                 "NULL") == std::to_string(4 * (120 - 14)));
  CHECK(r.err.find("postgres: " + std::to_string(bars.size()) + " bars, " +
                   std::to_string(patterns.size()) + " detections, ") != std::string::npos);
  // Running the same replay again changes nothing.
  REQUIRE(run_app(serve, "env -u REDIS_URL -u REDIS_HOST").exit_code == 0);
  CHECK(db.query("SELECT count(*) FROM pattern_detections") == std::to_string(patterns.size()));
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") ==
        std::to_string(std::count_if(bars.begin(), bars.end(), [](const std::string& l) {
          return l.find("\"timeframe\":\"1m\"") != std::string::npos;
        })));
}
