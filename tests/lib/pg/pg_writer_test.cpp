// PgWriter against a real PostgreSQL (scripts/test starts one; DATABASE_URL).
#include "pg/pg_writer.h"

#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "support/pg_test_db.h"

using tickstock::Field;
using tickstock::PatternId;
using tickstock::Timeframe;
using tickstock::Timestamp;
using tickstock::detail::BarRow;
using tickstock::detail::DetectionRow;
using tickstock::detail::IndicatorRow;
using tickstock::detail::PgWriter;
using tickstock::detail::WriteBatch;
using tickstock::test::TestDatabase;

namespace {

Timestamp utc(const char* iso) { return *tickstock::parse_timestamp(iso); }

BarRow bar(std::string_view s, Timeframe tf, const char* start, double close,
           std::uint32_t revision = 0) {
  BarRow b;
  b.symbol = s;
  b.timeframe = tf;
  b.start = utc(start);
  b.open = 100;
  b.high = close + 1;
  b.low = 99;
  b.close = close;
  b.volume = 1500;
  b.vwap = 100.25;
  b.trades = 12;
  b.revision = revision;
  return b;
}

WriteBatch bars_of(std::vector<BarRow> bars) {
  WriteBatch w;
  w.bars = std::move(bars);
  return w;
}

WriteBatch detections_of(std::vector<DetectionRow> detections) {
  WriteBatch w;
  w.detections = std::move(detections);
  return w;
}

struct Fixture {
  Fixture() {
    db.apply_schema();
    auto w = PgWriter::connect(db.url());
    if (!w) FAIL(w.error().message);
    writer = std::move(*w);
  }
  TestDatabase db;
  std::unique_ptr<PgWriter> writer;
};

}  // namespace

TEST_CASE("PgWriter stores bars of every timeframe and registers unknown symbols", "[pg]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  const std::string_view spy = "SPY";
  std::vector<BarRow> bars;
  const Timeframe tfs[] = {Timeframe::M1,  Timeframe::M5, Timeframe::M15,
                           Timeframe::M30, Timeframe::H1, Timeframe::H4};
  for (const Timeframe tf : tfs) bars.push_back(bar(spy, tf, "2024-03-01T14:30:00Z", 0.1 + 0.2));
  // A daily bar that starts in the New York evening (00:30 UTC next day) keeps its NY date.
  bars.push_back(bar(spy, Timeframe::D1, "2024-03-02T00:30:00Z", 101.5));
  REQUIRE(f.writer->write(bars_of(bars)));
  for (const char* t :
       {"ohlcv_1min", "ohlcv_5min", "ohlcv_15min", "ohlcv_30min", "ohlcv_hourly", "ohlcv_4hour"}) {
    INFO(t);
    CHECK(f.db.query(std::string("SELECT count(*) FROM ") + t) == "1");
    // Doubles come back exactly (0.1 + 0.2 is not 0.3) and the start is the UTC instant.
    CHECK(f.db.query(std::string("SELECT close::text FROM ") + t) == "0.30000000000000004");
    CHECK(f.db.query(std::string("SELECT to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
                                 "FROM ") +
                     t) == "2024-03-01 14:30");
    CHECK(f.db.query(std::string("SELECT trades || ' ' || revision || ' ' || session FROM ") + t) ==
          "12 0 regular");
  }
  CHECK(f.db.query("SELECT trading_date::text FROM ohlcv_daily") == "2024-03-01");
  CHECK(f.db.query("SELECT symbol || ' ' || auto_added FROM symbols") == "SPY true");
}

TEST_CASE("PgWriter is idempotent and a revision replaces the bar", "[pg]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  const std::vector<BarRow> first = {bar("AAPL", Timeframe::M1, "2024-03-01T14:30:00Z", 101),
                                     bar("AAPL", Timeframe::M1, "2024-03-01T14:31:00Z", 102)};
  REQUIRE(f.writer->write(bars_of(first)));
  const std::string stored = f.db.query("SELECT xmin::text FROM ohlcv_1min ORDER BY ts LIMIT 1");
  REQUIRE(f.writer->write(bars_of(first)));  // the same replay again
  CHECK(f.db.query("SELECT count(*) FROM ohlcv_1min") == "2");
  CHECK(f.db.query("SELECT count(*) FROM symbols") == "1");
  // An identical row is left alone (no new row version).
  CHECK(f.db.query("SELECT xmin::text FROM ohlcv_1min ORDER BY ts LIMIT 1") == stored);

  const std::vector<BarRow> revised = {bar("AAPL", Timeframe::M1, "2024-03-01T14:31:00Z", 103, 1)};
  REQUIRE(f.writer->write(bars_of(revised)));
  CHECK(f.db.query("SELECT close || ' ' || revision FROM ohlcv_1min WHERE ts = "
                   "'2024-03-01 14:31:00+00'") == "103 1");
  // A late copy of the older revision does not undo the newer one.
  REQUIRE(f.writer->write(bars_of({first[1]})));
  CHECK(f.db.query("SELECT close || ' ' || revision FROM ohlcv_1min WHERE ts = "
                   "'2024-03-01 14:31:00+00'") == "103 1");
}

TEST_CASE("PgWriter upserts and retracts detections, a bad row stores nothing", "[pg]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  DetectionRow d;
  d.symbol = "IBM";
  d.timeframe = Timeframe::M5;
  d.bar_start = utc("2024-03-01T15:00:00Z");
  d.pattern = PatternId::Engulfing;
  d.output = -80;
  d.direction = tickstock::PatternDirection::Bearish;
  d.confidence = 0.625;
  d.price = 190.5;
  d.volume = 4200;
  REQUIRE(f.writer->write(detections_of({d})));
  REQUIRE(f.writer->write(detections_of({d})));
  CHECK(f.db.query("SELECT pattern || ' ' || output || ' ' || direction || ' ' || confidence || "
                   "' ' || price || ' ' || timeframe FROM pattern_detections") ==
        "CDLENGULFING -80 bearish 0.625 190.5 5m");
  CHECK(f.db.query("SELECT count(*) FROM pattern_detections") == "1");

  // The bar was revised and the pattern is gone: the row goes too.
  DetectionRow gone = d;
  gone.retracted = true;
  gone.output = 0;
  gone.revision = 1;
  REQUIRE(f.writer->write(detections_of({gone})));
  CHECK(f.db.query("SELECT count(*) FROM pattern_detections") == "0");

  // In one batch, the last event of a key is what counts: found, retracted, found again.
  DetectionRow again = d;
  again.revision = 2;
  again.output = 80;
  again.direction = tickstock::PatternDirection::Bullish;
  REQUIRE(f.writer->write(detections_of({d, gone, again})));
  CHECK(f.db.query("SELECT output || ' ' || revision FROM pattern_detections") == "80 2");
  REQUIRE(f.writer->write(detections_of({again, gone})));  // revision 1 cannot undo revision 2
  CHECK(f.db.query("SELECT count(*) FROM pattern_detections") == "1");

  // A row the schema refuses fails the whole write, names what and the row, stores nothing.
  DetectionRow bad = d;
  bad.confidence = 1.5;
  WriteBatch mixed = bars_of({bar("NEW", Timeframe::M1, "2024-03-01T16:00:00Z", 10)});
  mixed.detections.push_back(bad);
  const auto r = f.writer->write(mixed);
  REQUIRE_FALSE(r);
  INFO(r.error().message);
  CHECK(r.error().message.find("storing pattern detections") != std::string::npos);
  CHECK(r.error().message.find("check constraint") != std::string::npos);
  CHECK(r.error().message.find("IBM") != std::string::npos);
  CHECK(f.db.query("SELECT count(*) FROM ohlcv_1min") == "0");
  CHECK(f.db.query("SELECT count(*) FROM symbols WHERE symbol = 'NEW'") == "0");
  // The writer is still usable, and registers NEW again since that was rolled back.
  REQUIRE(f.writer->write(bars_of(mixed.bars)));
  CHECK(f.db.query("SELECT count(*) FROM symbols WHERE symbol = 'NEW'") == "1");
}

TEST_CASE("PgWriter keeps the highest revision, then the last, of one bar in a batch", "[pg]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  REQUIRE(f.writer->write(bars_of({bar("X", Timeframe::M1, "2024-03-01T14:30:00Z", 10, 2),
                                   bar("X", Timeframe::M1, "2024-03-01T14:30:00Z", 11, 1),
                                   bar("X", Timeframe::M1, "2024-03-01T14:30:00Z", 12, 2),
                                   bar("X", Timeframe::M5, "2024-03-01T14:30:00Z", 13, 0)})));
  CHECK(f.db.query("SELECT close || ' ' || revision FROM ohlcv_1min") == "12 2");
  CHECK(f.db.query("SELECT close FROM ohlcv_5min") == "13");
}

TEST_CASE("PgWriter stores indicator values as columns, NULL without a value", "[pg]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  IndicatorRow v;
  v.symbol = "QQQ";
  v.timeframe = Timeframe::H1;
  v.bar_start = utc("2024-03-01T14:00:00Z");
  v.values.fill(std::nan(""));
  v.values[static_cast<std::size_t>(Field::Rsi)] = 61.25;
  v.values[static_cast<std::size_t>(Field::MacdSignal)] = -0.1 - 0.2;
  v.values[static_cast<std::size_t>(Field::FibS3)] = 380.5;
  WriteBatch w;
  w.indicators = {v};
  REQUIRE(f.writer->write(w));
  REQUIRE(f.writer->write(w));
  CHECK(f.db.query("SELECT count(*) FROM indicator_values") == "1");
  CHECK(f.db.query("SELECT rsi || ' ' || macd_signal || ' ' || fib_s3 || ' ' || timeframe FROM "
                   "indicator_values") == "61.25 -0.30000000000000004 380.5 1h");
  CHECK(f.db.query("SELECT (sma IS NULL AND ema IS NULL AND vwap IS NULL)::text FROM "
                   "indicator_values") == "true");
  w.indicators[0].revision = 1;
  w.indicators[0].values[static_cast<std::size_t>(Field::Rsi)] = 59;
  REQUIRE(f.writer->write(w));
  CHECK(f.db.query("SELECT rsi || ' ' || revision FROM indicator_values") == "59 1");
}

TEST_CASE("indicator_values has one column per scanner output, in order", "[pg]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  std::string expected;
  for (int i = 0; i < tickstock::kFieldCount; ++i)
    expected += (i > 0 ? "," : "") + tickstock::detail::indicator_column(static_cast<Field>(i));
  CHECK(f.db.query("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM "
                   "information_schema.columns WHERE table_name = 'indicator_values' AND "
                   "data_type = 'double precision'") == expected);
}

TEST_CASE("PgWriter reports an unreachable server", "[pg]") {
  const auto w = PgWriter::connect("postgresql://u:secret@127.0.0.1:1/x");
  REQUIRE_FALSE(w);
  CHECK(w.error().message.find("cannot connect to PostgreSQL") != std::string::npos);
}
