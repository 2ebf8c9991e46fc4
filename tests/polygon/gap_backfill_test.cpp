// Gap backfill: serve stops, time passes, serve starts again and first fetches the minutes it
// missed from REST, so the database has every minute (and the higher timeframes built on them).
#include <charconv>
#include <csignal>
#include <string>

#include <catch2/catch.hpp>

#include "app/app_process.h"
#include "app/app_support.h"
#include "polygon/polygon_harness.h"
#include "support/pg_test_db.h"

using namespace tickstock;
using namespace tickstock::test;
using namespace std::chrono_literals;

namespace {

// Runs serve --feed polygon against `server` until it has read everything, then stops it.
RunResult serve_until_done(const FakePolygonServer& server, const TestDatabase& db,
                           const std::string& symbols) {
  AppProcess app("serve --feed polygon --symbols " + symbols + " --no-bar-events --spill-dir ''",
                 "env -u TICKSTOCK_SYMBOLS -u TICKSTOCK_UNIVERSE -u TICKSTOCK_SYMBOLS_FILE "
                 "DATABASE_URL='" +
                     db.url() + "' POLYGON_API_KEY=fake-key-7Qw9 POLYGON_CONDITIONS=builtin " +
                     "POLYGON_WS_URL=" + server.url() + " POLYGON_REST_URL=" + server.rest_url());
  const bool done = FakePolygonServer::wait_for(
      [&] { return app.err().find("end of test data") != std::string::npos; }, 60s);
  app.signal(SIGINT);
  RunResult r{app.wait(), app.out(), app.err()};
  if (!done) r.exit_code = -1;
  return r;
}

std::string stored_minutes(const TestDatabase& db) {
  return db.query(
      "SELECT string_agg(symbol || ' ' || extract(epoch FROM ts)::bigint || ' ' || open || ' ' "
      "|| high || ' ' || low || ' ' || close || ' ' || volume, ';' ORDER BY symbol, ts) FROM "
      "ohlcv_1min");
}

}  // namespace

TEST_CASE("Gap backfill: after a restart the missed minutes come from REST before live trades",
          "[polygon][gap][pg]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  REQUIRE(run_app("migrate", db.env()).exit_code == 0);
  // An hour of trades of two symbols, ending half an hour ago (minute-aligned to 5 minutes).
  const std::int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::system_clock::now().time_since_epoch())
                                  .count();
  const std::int64_t m0 = now_ms - now_ms % 300'000 - 90 * 60'000;
  std::vector<FakeTrade> all;
  for (int m = 0; m < 60; ++m)
    for (int k = 0; k < 6; ++k)
      for (const char* sym : {"GAPA", "GAPB"})
        all.push_back({sym,
                       20.0 + (m % 7) * 0.1 + k * 0.01 + (sym[3] == 'B' ? 5 : 0),
                       100.0 + k,
                       m0 + m * 60'000 + k * 9'000,
                       {}});
  const std::vector<FakeTrade> first(all.begin(), all.begin() + 30 * 12);  // minutes 0..29
  const auto want = direct_bars(all);

  FakePolygonOptions one;
  one.trades = first;
  one.end_status = true;
  FakePolygonServer server1(one);
  auto r1 = serve_until_done(server1, db, "GAPA,GAPB");
  INFO(r1.err);
  REQUIRE(r1.exit_code == 0);
  REQUIRE(db.query("SELECT count(*) FROM ohlcv_1min") == "60");

  // Later: Polygon has the minute bars of 29..59; no trades come live in this test.
  FakePolygonOptions two;
  two.end_status = true;
  for (const auto& [key, b] : want) {
    if (b.timeframe != Timeframe::M1 || b.start < (m0 + 29 * 60'000) * 1'000'000) continue;
    two.rest_bars[key.substr(0, key.find('|'))].push_back({b.start / 1'000'000, b.open, b.high,
                                                           b.low, b.close, b.volume, b.vwap,
                                                           static_cast<int>(b.trade_count)});
  }
  FakePolygonServer server2(two);
  auto r2 = serve_until_done(server2, db, "GAPA,GAPB");
  INFO(r2.err);
  REQUIRE(r2.exit_code == 0);
  CHECK(r2.err.find("gap backfill: 62 minute bars of 2 symbols fetched before live trades") !=
        std::string::npos);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "120");
  // Every minute equals the bar the trades make, whichever run stored it.
  std::string expect;
  for (const char* sym : {"GAPA", "GAPB"})
    for (const auto& [key, b] : want)
      if (b.timeframe == Timeframe::M1 && key.rfind(std::string(sym) + "|", 0) == 0) {
        std::string line = std::string(sym) + " " + std::to_string(b.start / kNanosPerSecond);
        for (double v : {b.open, b.high, b.low, b.close, b.volume}) {
          char num[32];
          line += " " + std::string(num, std::to_chars(num, num + sizeof num, v).ptr);
        }
        expect += (expect.empty() ? "" : ";") + line;
      }
  CHECK(stored_minutes(db) == expect);
  // The higher timeframes of the gap were built by the engine too: 12 five-minute bars each.
  CHECK(db.query("SELECT count(*) FROM ohlcv_5min") == "24");
  CHECK(db.query("SELECT count(*) FROM ohlcv_hourly WHERE symbol = 'GAPA'") ==
        db.query("SELECT count(DISTINCT date_trunc('hour', ts)) FROM ohlcv_1min WHERE symbol = "
                 "'GAPA'"));
  // The REST requests asked for the stored newest minute onwards.
  const auto reqs = server2.rest_requests();
  REQUIRE(reqs.size() == 2);
  CHECK(reqs[0].find("/range/1/minute/" + std::to_string(m0 + 29 * 60'000) + "/") !=
        std::string::npos);
}
