// tickstockapp rollup --daily against the real PostgreSQL that scripts/test starts.
#include <cstdio>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include "app/app_support.h"
#include "support/pg_test_db.h"

using tickstock::test::run_app;
using tickstock::test::TestDatabase;

TEST_CASE("rollup --daily derives daily bars by New York date and session", "[app][db][rollup]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  const std::string env = db.env();
  REQUIRE(run_app("migrate", env).exit_code == 0);
  const std::string csv = "/tmp/tickstock-rollup-" + std::to_string(getpid()) + ".csv";
  // New York 09:00 (pre), 09:30 and 15:59 (regular), 16:05 and 19:30 (post) on 2024-03-01,
  // and 09:30 on 2024-03-04.
  std::ofstream(csv) << "ts,symbol,open,high,low,close,volume\n"
                        "2024-03-01T14:00:00Z,IBM,9,12,8,10,50\n"
                        "2024-03-01T14:30:00Z,IBM,10,11,9.5,10.5,100\n"
                        "2024-03-01T20:59:00Z,IBM,10.5,13,10,12,300\n"
                        "2024-03-01T21:05:00Z,IBM,12,14,11,13,40\n"
                        "2024-03-02T00:30:00Z,IBM,13,15,12,14,20\n"
                        "2024-03-04T14:30:00Z,IBM,20,21,19,20.5,10\n";
  REQUIRE(run_app("import --bars " + csv, env).exit_code == 0);
  std::remove(csv.c_str());
  const std::string row =
      "SELECT trading_date || ' ' || to_char(ts AT TIME ZONE 'UTC', 'HH24:MI') || ' ' || open || "
      "' ' || high || ' ' || low || ' ' || close || ' ' || volume FROM ohlcv_daily WHERE "
      "trading_date = '2024-03-01'";

  auto r = run_app("rollup --daily --from 2024-03-01 --to 2024-03-04", env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out == "rolled up 2 daily bars (2024-03-01..2024-03-04)\n");
  // Regular session only; the bar starts at New York midnight (05:00Z in winter), as every
  // daily bar does, not at its first minute.
  CHECK(db.query(row) == "2024-03-01 05:00 10 13 9.5 12 400");
  CHECK(db.query("SELECT close FROM ohlcv_daily WHERE trading_date = '2024-03-04'") == "20.5");

  r = run_app("rollup --daily --from 2024-03-01 --to 2024-03-04", env);
  CHECK(r.out == "rolled up 0 daily bars (2024-03-01..2024-03-04)\n");  // nothing changed

  // The evening bar (19:30 New York, 00:30 UTC the next day) belongs to March 1.
  r = run_app("rollup --daily --from 2024-03-01 --all-sessions --symbol IBM", env);
  CHECK(r.out == "rolled up 1 daily bars (2024-03-01..2024-03-01)\n");
  CHECK(db.query(row) == "2024-03-01 05:00 9 15 8 14 510");
  CHECK(db.query("SELECT count(*) FROM ohlcv_daily") == "2");

  CHECK(run_app("rollup --daily --from 2024-13-01", env).exit_code == 2);
  CHECK(run_app("rollup --daily --from 2024-03-04 --to 2024-03-01", env).exit_code == 2);
  CHECK(run_app("rollup --from 2024-03-01", env).exit_code == 2);
}
