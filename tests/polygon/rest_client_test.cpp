// PolygonRest against the fake server: pagination through next_url, 429 with Retry-After,
// retries, the request budget, errors; tickstockapp backfill into PostgreSQL.
#include "polygon/rest_client.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "app/app_support.h"
#include "support/fake_polygon_server.h"
#include "support/pg_test_db.h"

using namespace tickstock;
using namespace tickstock::test;
using namespace std::chrono_literals;
using app::PolygonRest;
using app::RestOptions;
using app::RestTiming;

namespace {

constexpr std::int64_t kDay0 = 1'704'205'800'000;  // 2024-01-02 14:30 UTC, 09:30 New York

std::vector<FakeBar> minute_bars(int n, std::int64_t start_ms = kDay0) {
  std::vector<FakeBar> out;
  for (int i = 0; i < n; ++i) {
    const double p = 100 + i * 0.01;
    out.push_back(
        {start_ms + i * 60'000LL, p, p + 0.05, p - 0.05, p + 0.02, 1000.0 + i, p, 10 + i});
  }
  return out;
}

// Timing that records the waits instead of waiting, and moves its clock by them.
struct FakeTiming {
  std::vector<std::chrono::milliseconds> sleeps;
  std::chrono::steady_clock::time_point now{};
  RestTiming timing() {
    RestTiming t;
    t.now = [this] { return now; };
    t.sleep = [this](std::chrono::milliseconds d) {
      sleeps.push_back(d);
      now += d;
    };
    return t;
  }
};

RestOptions options(const FakePolygonServer& server) {
  RestOptions o;
  o.base_url = server.rest_url();
  o.api_key = "fake-key-7Qw9";
  o.retry_min = 10ms;
  return o;
}

}  // namespace

TEST_CASE("Polygon REST: aggregates follow next_url across pages, key in a header only",
          "[polygon][rest]") {
  FakePolygonOptions so;
  so.rest_bars["SPY"] = minute_bars(120);
  so.rest_page = 50;
  FakePolygonServer server(so);
  app::Log log;
  FakeTiming ft;
  PolygonRest rest(options(server), log, ft.timing());
  SymbolTable symbols;
  auto bars = rest.aggregates(symbols, "SPY", Timeframe::M1, kDay0 * 1'000'000,
                              (kDay0 + 3'600'000 * 3) * 1'000'000);
  REQUIRE(bars.has_value());
  REQUIRE(bars->size() == 120);
  const Bar& b = (*bars)[7];
  CHECK(b.symbol.name() == "SPY");
  CHECK(b.start == (kDay0 + 7 * 60'000) * 1'000'000);
  CHECK(b.open == 100.07);
  CHECK(b.high == 100.07 + 0.05);
  CHECK(b.volume == 1007);
  CHECK(b.trade_count == 17);
  CHECK(b.session == Session::Regular);
  const auto reqs = server.rest_requests();
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0] ==
        "/v2/aggs/ticker/SPY/range/1/minute/1704205800000/1704216600000?adjusted=true&"
        "sort=asc&limit=50000");
  CHECK(reqs[1].find("cursor=50") != std::string::npos);
  CHECK(reqs[2].find("cursor=100") != std::string::npos);
  for (const auto& r : reqs) CHECK(r.find("fake-key") == std::string::npos);  // and "(no key)"
  for (const auto& r : reqs) CHECK(r.find("(no key)") == std::string::npos);
  CHECK(rest.stats().pages == 3);
  CHECK(ft.sleeps.empty());
}

TEST_CASE("Polygon REST: daily bars start at New York midnight of their date", "[polygon][rest]") {
  FakePolygonOptions so;
  so.rest_bars["AAPL"] = {
      {1'704'171'600'000, 185, 188, 183, 185.6, 8e7, 185.9, 1000}};  // 01-02 05:00Z
  FakePolygonServer server(so);
  app::Log log;
  PolygonRest rest(options(server), log);
  SymbolTable symbols;
  auto bars = rest.aggregates(symbols, "AAPL", Timeframe::D1, 0, 2'000'000'000'000'000'000);
  REQUIRE(bars.has_value());
  REQUIRE(bars->size() == 1);
  CHECK(format_iso8601((*bars)[0].start) == "2024-01-02T05:00:00Z");
}

TEST_CASE("Polygon REST: 429 waits as Retry-After says, server errors are retried with backoff",
          "[polygon][rest][faults]") {
  FakePolygonOptions so;
  so.rest_bars["SPY"] = minute_bars(10);
  so.rest_429_first = 2;
  so.rest_retry_after = "3";
  so.rest_500_first = 2;
  FakePolygonServer server(so);
  app::Log log;
  FakeTiming ft;
  PolygonRest rest(options(server), log, ft.timing());
  SymbolTable symbols;
  auto bars = rest.aggregates(symbols, "SPY", Timeframe::M1, 0, kDay0 * 2'000'000);
  REQUIRE(bars.has_value());
  CHECK(bars->size() == 10);
  CHECK(ft.sleeps == std::vector<std::chrono::milliseconds>{3000ms, 3000ms, 10ms, 20ms});
  CHECK(rest.stats().rate_limited == 2);
  CHECK(rest.stats().retries == 2);
  CHECK(server.rest_requests().size() == 5);
}

TEST_CASE("Polygon REST: the plan's request budget spaces requests a minute apart",
          "[polygon][rest]") {
  FakePolygonOptions so;
  so.rest_bars["SPY"] = minute_bars(50);
  so.rest_page = 10;  // 5 pages
  FakePolygonServer server(so);
  app::Log log;
  FakeTiming ft;
  auto o = options(server);
  o.requests_per_minute = 2;
  PolygonRest rest(o, log, ft.timing());
  SymbolTable symbols;
  REQUIRE(rest.aggregates(symbols, "SPY", Timeframe::M1, 0, kDay0 * 2'000'000)->size() == 50);
  // Requests 3 and 5 wait for the minute of requests 1 and 3 to pass (no real time passes
  // between requests here, so each wait is a whole minute).
  CHECK(ft.sleeps == std::vector<std::chrono::milliseconds>{60'000ms, 60'000ms});
  CHECK(rest.stats().budget_waits == 2);
}

TEST_CASE("Polygon REST: errors say what failed", "[polygon][rest][faults]") {
  FakePolygonOptions so;
  so.rest_500_first = 100;
  FakePolygonServer server(so);
  app::Log log;
  FakeTiming ft;
  auto o = options(server);
  o.max_retries = 2;
  SymbolTable symbols;
  auto r = PolygonRest(o, log, ft.timing()).aggregates(symbols, "SPY", Timeframe::M1, 0, 1);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().message == "SPY: Polygon REST: giving up after 2 retries: HTTP 500");
  o.base_url = server.rest_url() + "/nothing-here";
  o.api_key = "k";
  FakePolygonOptions so2;
  FakePolygonServer server2(so2);
  o.base_url = "ws://x";
  CHECK(PolygonRest(o, log).conditions().error().message ==
        "POLYGON_REST_URL 'ws://x': expected http:// or https://");
  o = options(server2);
  o.base_url = server2.rest_url();
  // The fake answers 404 for unknown paths; the reference path works once it has JSON.
  CHECK_FALSE(PolygonRest(o, log).conditions().has_value());
}

TEST_CASE("Polygon REST: the conditions reference becomes the condition table",
          "[polygon][rest][conditions]") {
  FakePolygonOptions so;
  so.conditions_json =
      R"({"results":[{"id":37,"update_rules":{"consolidated":{"updates_high_low":true,)"
      R"("updates_open_close":false,"updates_volume":true}}}],"status":"OK","count":1})";
  FakePolygonServer server(so);
  app::Log log;
  auto t = PolygonRest(options(server), log).conditions();
  REQUIRE(t.has_value());
  CHECK(t->flags(37) == kTickNoOpenClose);
  CHECK(server.rest_requests().at(0).rfind("/v3/reference/conditions?asset_class=stocks", 0) == 0);
}

TEST_CASE("backfill: REST minute bars into ohlcv_1min, every page, again changes nothing",
          "[polygon][rest][backfill][pg]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  db.apply_schema();
  FakePolygonOptions so;
  so.rest_bars["SPY"] = minute_bars(390);
  so.rest_bars["QQQ"] = minute_bars(200);
  so.rest_page = 100;
  so.rest_429_first = 1;
  so.rest_retry_after = "0";
  FakePolygonServer server(so);
  const std::string env = "env -u TICKSTOCK_SYMBOLS -u TICKSTOCK_UNIVERSE DATABASE_URL='" +
                          db.url() +
                          "' POLYGON_API_KEY=fake-key-7Qw9 POLYGON_REST_URL=" + server.rest_url();
  auto r = run_app("backfill --symbols spy,QQQ --timeframe 1m --from 2024-01-02", env);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("backfill: 2 of 2 symbols, 590 1m bars (590 stored or changed), 7 requests (1 "
                   "rate limited") != std::string::npos);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "590");
  CHECK(db.query("SELECT open || ',' || high || ',' || volume || ',' || trades || ',' || session "
                 "FROM ohlcv_1min WHERE symbol = 'SPY' AND ts = '2024-01-02 14:37:00Z'") ==
        "100.07,100.11999999999999,1007,17,regular");
  CHECK(db.query("SELECT count(*) FROM symbols WHERE symbol IN ('SPY', 'QQQ')") == "2");
  CHECK(r.err.find("fake-key-7Qw9") == std::string::npos);
  r = run_app("backfill --symbols SPY --timeframe 1m --from 2024-01-02 --to 2024-01-02", env);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("390 1m bars (0 stored or changed)") != std::string::npos);
  CHECK(db.query("SELECT max(revision) FROM ohlcv_1min") == "0");
  r = run_app("backfill --symbols SPY --timeframe 1d --from 2024-01-02", env);
  REQUIRE(r.exit_code == 0);
  r = run_app("backfill --symbols SPY --timeframe 5m --from 2024-01-02", env);
  CHECK(r.exit_code == 2);
  r = run_app("backfill --symbols SPY --from 2024-13-02", env);
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("expected YYYY-MM-DD dates") != std::string::npos);
}

TEST_CASE("Polygon REST: huge, negative and odd numbers in aggregates are refused before any cast",
          "[polygon][rest][numbers]") {
  FakePolygonOptions so;
  const std::string good =
      R"({"v":10,"vw":1.5,"o":1.5,"c":1.5,"h":2,"l":1,"t":1704205800000,"n":3})";
  std::string results = good;
  for (const std::string bad :
       {R"({"v":10,"o":1,"c":1,"h":1,"l":1,"t":9223372036854775807,"n":1})",
        R"({"v":10,"o":1,"c":1,"h":1,"l":1,"t":-1,"n":1})",
        R"({"v":10,"o":1,"c":1,"h":1,"l":1,"t":9183110400001,"n":1})",
        R"({"v":10,"o":1,"c":1,"h":1,"l":1,"t":1e300,"n":1})",
        R"({"v":10,"o":1,"c":1,"h":1,"l":1,"t":1704205860000,"n":1e300})",
        R"({"v":10,"o":1,"c":1,"h":1,"l":1,"t":1704205860000,"n":-5})",
        R"({"v":10,"o":1,"c":1,"h":1,"l":1,"t":1704205860000,"n":4294967296})",
        R"({"v":10,"o":1,"c":1,"h":1,"l":1,"t":1704205860000,"n":18446744073709551615})",
        R"({"v":-1,"o":1,"c":1,"h":1,"l":1,"t":1704205860000})",
        R"({"v":10,"o":1,"c":1,"h":1,"l":0,"t":1704205860000})",
        R"({"v":10,"o":1,"c":1,"h":1,"l":-1e308,"t":1704205860000})"})
    results += std::string(",") + bad;
  // Taken: the largest numbers a double holds are no cast's problem; n at its limit.
  results += R"(,{"v":1.7976931348623157e308,"vw":-3,"o":1e308,"c":1e308,"h":1.7e308,"l":1e-308,)"
             R"("t":1704205920000,"n":4294967295})";
  so.rest_raw["ODD"] = R"({"status":"OK","results":[)" + results + "]}";
  FakePolygonServer server(so);
  app::Log log;
  FakeTiming ft;
  PolygonRest rest(options(server), log, ft.timing());
  SymbolTable symbols;
  for (const Timeframe tf : {Timeframe::M1, Timeframe::D1}) {
    auto bars = rest.aggregates(symbols, "ODD", tf, 0, kDay0 * 2'000'000);
    REQUIRE(bars.has_value());
    REQUIRE(bars->size() == 2);
    CHECK((*bars)[0].trade_count == 3);
    CHECK((*bars)[1].trade_count == 4294967295u);
    CHECK((*bars)[1].vwap == (*bars)[1].close);  // a vwap that is no price: the close
  }
  CHECK(rest.stats().bad_results == 22);
}

TEST_CASE("Polygon REST: a huge Retry-After is waited as an hour at most, never overflowed",
          "[polygon][rest][numbers]") {
  for (const auto& [header, wait] :
       {std::pair<std::string, std::chrono::milliseconds>{"9223372036854776", 3'600'000ms},
        {"99999999999999999999999", 20ms},  // not a number a long holds: the backoff
        {"-5", 20ms},
        {"1e9", 20ms}}) {
    INFO(header);
    FakePolygonOptions so;
    so.rest_bars["SPY"] = minute_bars(2);
    so.rest_429_first = 1;
    so.rest_retry_after = header;
    FakePolygonServer server(so);
    app::Log log;
    FakeTiming ft;
    PolygonRest rest(options(server), log, ft.timing());
    SymbolTable symbols;
    REQUIRE(rest.aggregates(symbols, "SPY", Timeframe::M1, 0, kDay0 * 2'000'000).has_value());
    REQUIRE(ft.sleeps.size() == 1);
    CHECK(ft.sleeps[0] == wait);
  }
}
