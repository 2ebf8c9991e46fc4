// PgWriter against a real PostgreSQL (scripts/test starts one; DATABASE_URL).
#include "pg/pg_writer.h"

#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "support/pg_test_db.h"

using tickstock::Bar;
using tickstock::PatternId;
using tickstock::Symbol;
using tickstock::SymbolTable;
using tickstock::Timeframe;
using tickstock::Timestamp;
using tickstock::detail::DetectionRow;
using tickstock::detail::PgWriter;
using tickstock::test::TestDatabase;

namespace {

Timestamp utc(const char* iso) { return *tickstock::parse_timestamp(iso); }

Bar bar(Symbol s, Timeframe tf, const char* start, double close, std::uint32_t revision = 0) {
  Bar b;
  b.symbol = s;
  b.timeframe = tf;
  b.start = utc(start);
  b.open = 100;
  b.high = close + 1;
  b.low = 99;
  b.close = close;
  b.volume = 1500;
  b.vwap = 100.25;
  b.trade_count = 12;
  b.revision = revision;
  return b;
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
  SymbolTable symbols;
};

}  // namespace

TEST_CASE("PgWriter stores bars of every timeframe and registers unknown symbols", "[pg]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  const Symbol spy = f.symbols.intern("SPY");
  std::vector<Bar> bars;
  const Timeframe tfs[] = {Timeframe::M1,  Timeframe::M5, Timeframe::M15,
                           Timeframe::M30, Timeframe::H1, Timeframe::H4};
  for (const Timeframe tf : tfs) bars.push_back(bar(spy, tf, "2024-03-01T14:30:00Z", 0.1 + 0.2));
  // A daily bar that starts in the New York evening (00:30 UTC next day) keeps its NY date.
  bars.push_back(bar(spy, Timeframe::D1, "2024-03-02T00:30:00Z", 101.5));
  REQUIRE(f.writer->write(bars, {}));
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
  const Symbol aapl = f.symbols.intern("AAPL");
  const std::vector<Bar> first = {bar(aapl, Timeframe::M1, "2024-03-01T14:30:00Z", 101),
                                  bar(aapl, Timeframe::M1, "2024-03-01T14:31:00Z", 102)};
  REQUIRE(f.writer->write(first, {}));
  REQUIRE(f.writer->write(first, {}));  // the same replay again
  CHECK(f.db.query("SELECT count(*) FROM ohlcv_1min") == "2");
  CHECK(f.db.query("SELECT count(*) FROM symbols") == "1");

  const std::vector<Bar> revised = {bar(aapl, Timeframe::M1, "2024-03-01T14:31:00Z", 103, 1)};
  REQUIRE(f.writer->write(revised, {}));
  CHECK(f.db.query("SELECT close || ' ' || revision FROM ohlcv_1min WHERE ts = "
                   "'2024-03-01 14:31:00+00'") == "103 1");
  // A late copy of the older revision does not undo the newer one.
  REQUIRE(f.writer->write(std::vector<Bar>{first[1]}, {}));
  CHECK(f.db.query("SELECT close || ' ' || revision FROM ohlcv_1min WHERE ts = "
                   "'2024-03-01 14:31:00+00'") == "103 1");
}

TEST_CASE("PgWriter upserts and retracts detections; a bad row stores nothing", "[pg]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  Fixture f;
  const Symbol ibm = f.symbols.intern("IBM");
  DetectionRow d;
  d.event.symbol = ibm;
  d.event.timeframe = Timeframe::M5;
  d.event.bar_start = utc("2024-03-01T15:00:00Z");
  d.event.pattern = PatternId::Engulfing;
  d.event.output = -80;
  d.event.direction = tickstock::PatternDirection::Bearish;
  d.event.confidence = 0.625;
  d.price = 190.5;
  d.volume = 4200;
  REQUIRE(f.writer->write({}, std::vector<DetectionRow>{d}));
  REQUIRE(f.writer->write({}, std::vector<DetectionRow>{d}));
  CHECK(f.db.query("SELECT pattern || ' ' || output || ' ' || direction || ' ' || confidence || "
                   "' ' || price || ' ' || timeframe FROM pattern_detections") ==
        "CDLENGULFING -80 bearish 0.625 190.5 5m");
  CHECK(f.db.query("SELECT count(*) FROM pattern_detections") == "1");

  // The bar was revised and the pattern is gone: the row goes too.
  DetectionRow gone = d;
  gone.event.retracted = true;
  gone.event.output = 0;
  gone.event.revision = 1;
  REQUIRE(f.writer->write({}, std::vector<DetectionRow>{gone}));
  CHECK(f.db.query("SELECT count(*) FROM pattern_detections") == "0");

  // A row the schema refuses fails the whole write, names the row, and stores nothing of it.
  DetectionRow bad = d;
  bad.event.confidence = 1.5;
  const std::vector<Bar> bars = {
      bar(f.symbols.intern("NEW"), Timeframe::M1, "2024-03-01T16:00:00Z", 10)};
  const auto r = f.writer->write(bars, std::vector<DetectionRow>{bad});
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("detection IBM CDLENGULFING") != std::string::npos);
  CHECK(r.error().message.find("check constraint") != std::string::npos);
  CHECK(f.db.query("SELECT count(*) FROM ohlcv_1min") == "0");
  CHECK(f.db.query("SELECT count(*) FROM symbols WHERE symbol = 'NEW'") == "0");
  // The writer is still usable, and registers NEW again since that was rolled back.
  REQUIRE(f.writer->write(bars, {}));
  CHECK(f.db.query("SELECT count(*) FROM symbols WHERE symbol = 'NEW'") == "1");
}

TEST_CASE("PgWriter reports an unreachable server", "[pg]") {
  const auto w = PgWriter::connect("postgresql://u:secret@127.0.0.1:1/x");
  REQUIRE_FALSE(w);
  CHECK(w.error().message.find("cannot connect to PostgreSQL") != std::string::npos);
}
