// PgSink against a real PostgreSQL (DATABASE_URL) and against one that is not there.
#include "tickstock/pg_sink.h"

#include <string>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "support/pg_test_db.h"
#include "support/test_bars.h"

using tickstock::Bar;
using tickstock::PgSink;
using tickstock::PgSinkOptions;
using tickstock::SymbolTable;
using tickstock::Timeframe;
using tickstock::test::minute_bar;
using tickstock::test::TestDatabase;

namespace {}  // namespace

TEST_CASE("PgSink writes every bar and detection it is given, in batches", "[pg][threads]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  db.apply_schema();
  SymbolTable symbols;
  const auto a = symbols.intern("AAA"), b = symbols.intern("BBB");
  PgSinkOptions o;
  o.url = db.url();
  o.batch_size = 64;
  PgSink sink(o);
  for (int i = 0; i < 500; ++i) {
    sink.on_bar(minute_bar(a, i, 10 + i * 0.01));
    sink.on_bar(minute_bar(b, i, 20 + i * 0.01));
  }
  sink.on_bar(minute_bar(a, 499, 99.5, 1));  // a revision of the last bar
  tickstock::ScanResult scanned;
  scanned.bar = minute_bar(b, 7, 20.07);
  sink.on_scan(scanned);
  tickstock::PatternEvent e;
  e.symbol = b;
  e.timeframe = Timeframe::M1;
  e.bar_start = scanned.bar.start;
  e.pattern = tickstock::PatternId::Doji;
  e.output = 100;
  e.direction = tickstock::PatternDirection::Neutral;
  e.confidence = 0.55;
  sink.on_pattern(e);
  REQUIRE(sink.flush_for(std::chrono::seconds(30)));
  const auto st = sink.stats();
  CHECK(st.bars == 1001);
  CHECK(st.detections == 1);
  CHECK(st.backlog == 0);
  CHECK(st.batches >= 1001 / 64);
  CHECK(st.failed_batches == 0);
  CHECK(st.connected);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "1000");
  CHECK(db.query("SELECT close || ' ' || revision FROM ohlcv_1min WHERE symbol = 'AAA' ORDER BY "
                 "ts DESC LIMIT 1") == "99.5 1");
  CHECK(db.query("SELECT price || ' ' || volume FROM pattern_detections") == "20.07 107");
}

TEST_CASE("PgSink keeps accepting while the database is unreachable, then refuses and counts",
          "[pg][threads]") {
  SymbolTable symbols;
  const auto a = symbols.intern("AAA");
  PgSinkOptions o;
  o.url = "postgresql://tickstock@127.0.0.1:1/none";
  o.memory_limit = 10 * 73;  // ten bar records of "AAA"
  o.batch_size = 1;
  o.min_backoff = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(50);
  o.flush_timeout = std::chrono::milliseconds(200);
  PgSink sink(o);
  // The writer thread holds at most the one block it took before memory filled up.
  for (int i = 0; i < 40; ++i) sink.on_bar(minute_bar(a, i, 10));
  CHECK_FALSE(sink.flush_for(std::chrono::milliseconds(300)));
  const auto st = sink.stats();
  CHECK(st.refused >= 20);
  CHECK(st.backlog + st.refused == 40);
  CHECK(st.bars == 0);
  CHECK_FALSE(st.connected);
  CHECK(st.last_error.find("cannot connect to PostgreSQL") != std::string::npos);
}
