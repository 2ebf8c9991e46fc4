// make_pg_bar_source against a real PostgreSQL (scripts/test starts one; DATABASE_URL), on bars
// inserted here with SQL: stored 1m, 5m and 1d series against a naive selection (warm-up and
// ranges), 1h and 1d rolled up from 1m against a BarAggregator fed directly, a series longer
// than one FETCH, symbols without rows, reads from several threads, errors, and run_backtest
// against the vector source byte for byte.
#include "tickstock/pg_bar_source.h"

#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"
#include "tickstock/pg_schema.h"

#include "lib/backtest/csv_fixture.h"
#include "support/pg_test_db.h"

using namespace tickstock;
using tickstock::csv_fixture::aggregate;
using tickstock::csv_fixture::candle;
using tickstock::csv_fixture::daily_bars;
using tickstock::csv_fixture::minute_bars;
using tickstock::csv_fixture::num;
using tickstock::csv_fixture::weekdays;
using tickstock::test::TestDatabase;

namespace {

const Timestamp kEarly = new_york_midnight({2000, 1, 1});
const Timestamp kLate = new_york_midnight({2030, 1, 1});
const std::vector<Date> kDays = weekdays({2024, 3, 6}, 5);  // across the switch to EDT

// What the source must deliver for `bars` as stored: every other vwap NULL (read as the
// close), trade counts, and revision 0 whatever the row says.
std::vector<Bar> with_row_fields(std::vector<Bar> bars) {
  for (std::size_t i = 0; i < bars.size(); ++i) {
    bars[i].vwap = i % 2 == 0 ? bars[i].close : (bars[i].high + bars[i].low) / 2;
    bars[i].trade_count = static_cast<std::uint32_t>(i % 50);
  }
  return bars;
}

// Inserts `bars` of `symbol` into `tf`'s table as the writers store them: a daily row at the
// New York midnight of its trading date, intraday rows with their session; revision 3 (never
// delivered) and vwap NULL where it is the close.
void store(const TestDatabase& db, const std::string& symbol, Timeframe tf,
           const std::vector<Bar>& bars) {
  const bool daily = tf == Timeframe::D1;
  std::string sql = std::string("INSERT INTO ") + bar_table(tf) + " (symbol, " +
                    (daily ? "trading_date, " : "") +
                    "ts, open, high, low, close, volume, vwap, trades, revision" +
                    (daily ? "" : ", session") + ") VALUES ";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    const std::string date = "'" + format_date(new_york_date(b.start)) + "'";
    sql += (i > 0 ? ",(" : "(") + ("'" + symbol + "', ") +
           (daily ? date + ", (" + date + "::date)::timestamp AT TIME ZONE 'America/New_York'"
                  : "to_timestamp(" + std::to_string(b.start / kNanosPerSecond) + ")") +
           ", " + num(b.open) + ", " + num(b.high) + ", " + num(b.low) + ", " + num(b.close) +
           ", " + num(b.volume) + ", " + (b.vwap == b.close ? "NULL" : num(b.vwap)) + ", " +
           std::to_string(b.trade_count) + ", 3" +
           (daily ? "" : ", '" + std::string(session_name(b.session)) + "'") + ")";
  }
  db.query(sql);
}

std::vector<Bar> read_all(BarSource& source, const SeriesRequest& r, std::size_t chunk_size = 7) {
  auto cursor = source.open(r);
  REQUIRE(cursor);
  std::vector<Bar> out;
  std::vector<Bar> chunk(chunk_size);  // small: the cursor must resume where it stopped
  for (;;) {
    auto n = (*cursor)->next_chunk(chunk);
    REQUIRE(n);
    if (*n == 0) return out;
    out.insert(out.end(), chunk.begin(), chunk.begin() + static_cast<std::ptrdiff_t>(*n));
  }
}

bool same_bar(const Bar& a, const Bar& b) {
  return a.timeframe == b.timeframe && a.session == b.session && a.revision == b.revision &&
         a.start == b.start && a.open == b.open && a.high == b.high && a.low == b.low &&
         a.close == b.close && a.volume == b.volume && a.vwap == b.vwap &&
         a.trade_count == b.trade_count;
}

// The request's bars of `all` (sorted), selected by a plain loop.
std::vector<Bar> naive_select(const std::vector<Bar>& all, const SeriesRequest& r) {
  std::vector<Bar> before, out;
  for (const Bar& b : all) {
    if (b.start < r.start) before.push_back(b);
    if (b.start >= r.start && b.start <= r.end) out.push_back(b);
  }
  const std::size_t warm =
      r.warmup_bars < 0
          ? before.size()
          : std::min<std::size_t>(before.size(), static_cast<std::size_t>(r.warmup_bars));
  out.insert(out.begin(), before.end() - static_cast<std::ptrdiff_t>(warm), before.end());
  return out;
}

// count(r) == what open(r) delivers == the naive selection from `all`, each bar with its symbol.
void check_request(BarSource& source, const SeriesRequest& r, const std::vector<Bar>& all) {
  INFO(std::string(r.symbol) << " " << timeframe_name(r.timeframe) << " " << format_iso8601(r.start)
                             << ".." << format_iso8601(r.end) << " warm-up " << r.warmup_bars);
  auto n = source.count(r);
  REQUIRE(n);
  const std::vector<Bar> got = read_all(source, r);
  CHECK(*n == got.size());
  const std::vector<Bar> want = naive_select(all, r);
  REQUIRE(got.size() == want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    INFO("bar " << i << " at " << format_iso8601(want[i].start));
    CHECK(same_bar(got[i], want[i]));
    CHECK(got[i].symbol.name() == r.symbol);
  }
}

// Warm-ups and ranges around the bars of `all`: whole, inside, between bars, one bar, none.
void check_requests(BarSource& source, std::string_view symbol, Timeframe tf,
                    const std::vector<Bar>& all) {
  const Timestamp mid = all[all.size() / 3].start, late = all[all.size() * 2 / 3].start;
  for (const int warm : {0, 1, 5, 1000, -1}) {
    check_request(source, {symbol, tf, kEarly, kLate, warm}, all);
    check_request(source, {symbol, tf, mid, late, warm}, all);
    check_request(source, {symbol, tf, mid + 1, late - 1, warm}, all);
    check_request(source, {symbol, tf, mid, mid, warm}, all);
    check_request(source, {symbol, tf, kLate, kLate + 1, warm}, all);  // all warm-up
  }
}

// 5-minute candles of 08:00-17:55 New York on `dates`, every seventh missing.
std::vector<Bar> five_minute_bars(std::uint64_t seed, const std::vector<Date>& dates) {
  std::vector<Bar> out;
  double close = 70;
  for (const Date& d : dates) {
    for (int m = 8 * 60; m < 18 * 60; m += 5) {
      const Timestamp start = new_york_midnight(d) + m * kNanosPerMinute;
      const Bar b = candle(seed, close, Timeframe::M5, start);
      if (m % 7 != 0) out.push_back(b);
    }
  }
  return out;
}

struct Fixture {
  Fixture() {
    db.apply_schema();
    store(db, "AAA", Timeframe::M1, aaa);
    store(db, "AAA", Timeframe::M5, aaa5);
    store(db, "DDD", Timeframe::D1, ddd);
    auto s = make_pg_bar_source(db.url());
    if (!s) FAIL(s.error().message);
    source = std::move(*s);
  }
  TestDatabase db;
  const std::vector<Bar> aaa = with_row_fields(minute_bars(7, kDays));
  const std::vector<Bar> aaa5 = with_row_fields(five_minute_bars(8, kDays));
  const std::vector<Bar> ddd = with_row_fields(daily_bars(9, weekdays({2023, 11, 1}, 30)));
  std::unique_ptr<BarSource> source;
};

}  // namespace

TEST_CASE("pg bar source: stored 1m, 5m and 1d bars, warm-up and ranges", "[pg][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  CHECK(*f.source->count({"AAA", Timeframe::M1, kEarly, kLate, 0}) == f.aaa.size());
  // Stored 5m bars are read as they are, not rolled up from the minutes.
  CHECK(*f.source->count({"AAA", Timeframe::M5, kEarly, kLate, 0}) == f.aaa5.size());
  CHECK(*f.source->count({"DDD", Timeframe::D1, kEarly, kLate, 0}) == f.ddd.size());
  CHECK(*f.source->count({"DDD", Timeframe::M1, kEarly, kLate, -1}) == 0);  // nothing to roll up
  check_requests(*f.source, "AAA", Timeframe::M1, f.aaa);
  check_requests(*f.source, "AAA", Timeframe::M5, f.aaa5);
  check_requests(*f.source, "DDD", Timeframe::D1, f.ddd);
}

TEST_CASE("pg bar source: 1h and 1d roll up from 1m as the live aggregator does",
          "[pg][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  REQUIRE(f.db.query("SELECT count(*) FROM ohlcv_hourly") == "0");
  for (const Timeframe tf : {Timeframe::M15, Timeframe::H1, Timeframe::D1}) {
    INFO(timeframe_name(tf));
    const std::vector<Bar> want = aggregate(f.aaa, tf);
    REQUIRE(want.size() >= 5);
    CHECK(*f.source->count({"AAA", tf, kEarly, kLate, 0}) == want.size());
    // Warm-ups read only the minutes they need: the bars must still be those of all minutes.
    check_requests(*f.source, "AAA", tf, want);
  }
  // Rows of the timeframe's own table in range win over the minutes.
  store(f.db, "AAA", Timeframe::H1, {f.aaa5[3]});
  CHECK(*f.source->count({"AAA", Timeframe::H1, kEarly, kLate, 0}) == 1);
}

TEST_CASE("pg bar source: a series longer than one fetch arrives whole and in order",
          "[pg][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  db.apply_schema();
  constexpr int kRows = 25'000;  // two and a half FETCHes
  db.query(
      "INSERT INTO ohlcv_1min (symbol, ts, open, high, low, close, volume, vwap, trades, session) "
      "SELECT 'BIG', timestamptz '2024-01-02 00:00Z' + i * interval '1 minute', 100 + i, "
      "101 + i, 99 + i, 100.5 + i, i, NULL, i, 'overnight' FROM generate_series(0, " +
      std::to_string(kRows - 1) + ") i");
  auto source = make_pg_bar_source(db.url());
  REQUIRE(source);
  const Timestamp t0 = *parse_timestamp("2024-01-02T00:00:00Z");
  CHECK(*(*source)->count({"BIG", Timeframe::M1, kEarly, kLate, 0}) == kRows);
  const std::vector<Bar> bars = read_all(**source, {"BIG", Timeframe::M1, kEarly, kLate, 0}, 4096);
  REQUIRE(bars.size() == kRows);
  for (int i = 0; i < kRows; ++i) {
    const Bar& b = bars[static_cast<std::size_t>(i)];
    if (b.start != t0 + i * kNanosPerMinute || b.open != 100 + i || b.close != 100.5 + i ||
        b.vwap != b.close || b.trade_count != static_cast<std::uint32_t>(i) ||
        b.session != Session::Overnight) {
      FAIL("bar " << i << " at " << format_iso8601(b.start));
    }
  }
  // The warm-up reaches back across FETCHes as well.
  const SeriesRequest r{"BIG", Timeframe::M1, t0 + 20'000 * kNanosPerMinute, kLate, 12'345};
  CHECK(*(*source)->count(r) == 5'000 + 12'345);
  const std::vector<Bar> tail = read_all(**source, r, 10'000);
  REQUIRE(tail.size() == 5'000 + 12'345);
  CHECK(tail.front().start == t0 + (20'000 - 12'345) * kNanosPerMinute);
  CHECK(tail.back().start == t0 + (kRows - 1) * kNanosPerMinute);
}

TEST_CASE("pg bar source: symbols without rows have no bars", "[pg][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  for (const std::string_view symbol : {"ZZZ", "not a symbol", ""}) {
    for (const Timeframe tf : {Timeframe::M1, Timeframe::H1, Timeframe::D1}) {
      INFO(symbol << " " << timeframe_name(tf));
      CHECK(*f.source->count({symbol, tf, kEarly, kLate, -1}) == 0);
      CHECK(read_all(*f.source, {symbol, tf, kEarly, kLate, -1}).empty());
    }
  }
  // A symbol's rows outside [start, end] are its warm-up only.
  CHECK(*f.source->count({"DDD", Timeframe::D1, kLate, kLate, 0}) == 0);
  CHECK(*f.source->count({"DDD", Timeframe::D1, kLate, kLate, 3}) == 3);
}

TEST_CASE("pg bar source: series read from several threads at once", "[pg][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  const std::vector<std::tuple<std::string_view, Timeframe, std::size_t>> series{
      {"AAA", Timeframe::M1, f.aaa.size()},
      {"AAA", Timeframe::M5, f.aaa5.size()},
      {"AAA", Timeframe::H1, aggregate(f.aaa, Timeframe::H1).size()},
      {"DDD", Timeframe::D1, f.ddd.size()}};
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        const auto& [symbol, tf, n] = series[static_cast<std::size_t>(t + round) % series.size()];
        auto cursor = f.source->open({symbol, tf, kEarly, kLate, -1});
        std::vector<Bar> chunk(1000);
        std::size_t got = 0;
        while (cursor) {
          auto k = (*cursor)->next_chunk(chunk);
          if (!k || *k == 0) break;
          got += *k;
        }
        if (got != n) ++wrong;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  CHECK(wrong == 0);
}

TEST_CASE("pg bar source: errors name the server's reason, the table and the symbol",
          "[pg][backtest]") {
  // No server listens on port 1: an error, not a crash, and no password in it.
  for (const char* url : {"postgresql://127.0.0.1:1/x", "postgresql://tick:s3cret@127.0.0.1:1/x",
                          "host=127.0.0.1 port=1 password s3cret"}) {
    INFO(url);
    auto source = make_pg_bar_source(url);
    REQUIRE_FALSE(source);
    CHECK_THAT(source.error().message, Catch::StartsWith("cannot connect to PostgreSQL: "));
    CHECK(source.error().message.size() > std::string("cannot connect to PostgreSQL: ").size());
    CHECK_THAT(source.error().message, !Catch::Contains("s3cret"));
  }
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  f.db.query("DROP TABLE ohlcv_hourly");
  auto n = f.source->count({"AAA", Timeframe::H1, kEarly, kLate, 0});
  REQUIRE_FALSE(n);
  CHECK_THAT(n.error().message, Catch::Contains("ohlcv_hourly") && Catch::Contains("AAA"));
  // The connection that failed is not handed out broken: the next read works.
  CHECK(*f.source->count({"AAA", Timeframe::M1, kEarly, kLate, 0}) == f.aaa.size());
}

TEST_CASE("pg bar source: run_backtest gives the vector source's results byte for byte",
          "[pg][backtest]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  db.apply_schema();
  const std::vector<Date> dates = weekdays({2023, 6, 1}, 300);
  const std::vector<Bar> da = with_row_fields(daily_bars(31, dates));
  const std::vector<Bar> db_bars = with_row_fields(daily_bars(32, dates));
  const std::vector<Bar> aaa = with_row_fields(minute_bars(33, kDays));
  const std::vector<Bar> aaa5 = with_row_fields(five_minute_bars(34, kDays));
  store(db, "DA", Timeframe::D1, da);
  store(db, "DB", Timeframe::D1, db_bars);
  store(db, "AAA", Timeframe::M1, aaa);
  store(db, "AAA", Timeframe::M5, aaa5);
  std::vector<Bar> aaa_all = aaa;
  aaa_all.insert(aaa_all.end(), aaa5.begin(), aaa5.end());
  const std::vector<Bar> daily = aggregate(aaa, Timeframe::D1);  // PostgreSQL rolls it up
  aaa_all.insert(aaa_all.end(), daily.begin(), daily.end());
  auto pg = make_pg_bar_source(db.url());
  REQUIRE(pg);
  auto memory = make_vector_bar_source({{"AAA", aaa_all}, {"DA", da}, {"DB", db_bars}});

  BacktestOptions o;
  o.symbols = {"AAA", "DA", "DB"};
  o.timeframes = {Timeframe::D1, Timeframe::M5, Timeframe::M1};
  o.start = new_york_midnight({2023, 9, 1});
  o.end = new_york_midnight({2024, 6, 28});
  o.warmup_bars = 50;
  o.threads = 2;
  auto plan_pg = plan_backtest(o, **pg);
  auto plan_memory = plan_backtest(o, *memory);
  REQUIRE(plan_pg);
  REQUIRE(plan_memory);
  REQUIRE(plan_pg->series.size() == plan_memory->series.size());
  CHECK(plan_pg->bars_total == plan_memory->bars_total);
  auto from_pg = run_backtest(*plan_pg, o, **pg);
  auto from_memory = run_backtest(*plan_memory, o, *memory);
  REQUIRE(from_pg);
  REQUIRE(from_memory);
  CHECK(from_pg->events > 0);
  CHECK(from_pg->bars_read == plan_pg->bars_total);
  CHECK(results_json(*from_pg) == results_json(*from_memory));
}
