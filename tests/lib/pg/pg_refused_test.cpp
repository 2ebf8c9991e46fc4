// PgSink against a real PostgreSQL that refuses some rows (a NUL byte in a symbol, a broken
// CHECK constraint): the rest of the batch is stored, the refused rows are kept with their
// reason in the refused file, and a write the database fails for reasons of its own is made
// again rather than dropped.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/pg_sink.h"

#include "support/pg_test_db.h"
#include "support/test_bars.h"

using tickstock::PgSink;
using tickstock::PgSinkOptions;
using tickstock::SymbolTable;
using tickstock::Timeframe;
using tickstock::test::minute_bar;
using tickstock::test::TestDatabase;

namespace {

struct TempDir {
  TempDir() {
    static int n = 0;
    dir = std::filesystem::temp_directory_path() /
          ("tickstock-refused-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
  }
  ~TempDir() { std::filesystem::remove_all(dir); }
  std::filesystem::path dir;
};

std::vector<std::string> lines_of(const std::string& path) {
  std::ifstream in(path);
  std::vector<std::string> out;
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

tickstock::PatternEvent detection(tickstock::Symbol s, const tickstock::Bar& bar, double conf) {
  tickstock::PatternEvent e;
  e.symbol = s;
  e.timeframe = Timeframe::M1;
  e.bar_start = bar.start;
  e.pattern = tickstock::PatternId::Doji;
  e.output = 100;
  e.direction = tickstock::PatternDirection::Neutral;
  e.confidence = conf;
  return e;
}

struct Logged {
  std::mutex mu;
  std::vector<std::string> lines;
  bool said(const std::string& what) { return count(what) > 0; }
  std::size_t count(const std::string& what) {
    std::lock_guard lock(mu);
    return static_cast<std::size_t>(
        std::count_if(lines.begin(), lines.end(),
                      [&](const std::string& m) { return m.find(what) != std::string::npos; }));
  }
};

}  // namespace

TEST_CASE("PgSink stores every good row of a batch the database partly refuses",
          "[pg][threads][refused]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  db.apply_schema();
  TempDir tmp;
  SymbolTable symbols;
  const auto nul = symbols.intern(std::string("BA\0D", 4));  // PostgreSQL text cannot hold NUL
  std::vector<tickstock::Symbol> good;
  for (const char* name : {"AAA", "BBB", "CCC", "DDD", "EEE"}) good.push_back(symbols.intern(name));
  Logged logged;
  PgSinkOptions o;
  o.url = db.url();
  o.spill_path = (tmp.dir / "pg-x.spill").string();
  o.batch_size = 2000;  // everything in one batch
  o.connections = 2;
  o.log = [&](bool, const std::string& m) {
    std::lock_guard lock(logged.mu);
    logged.lines.push_back(m);
  };
  PgSink sink(o);
  for (int i = 0; i < 60; ++i) {
    for (const auto s : good) sink.on_bar(minute_bar(s, i, 10 + i));
    if (i == 30) sink.on_bar(minute_bar(nul, i, 10));
  }
  // A detection whose confidence breaks the table's CHECK, between two good ones.
  tickstock::ScanResult scanned;
  scanned.bar = minute_bar(good[0], 59, 69);
  sink.on_scan(scanned);
  sink.on_pattern(detection(good[0], scanned.bar, 0.5));
  auto bad = detection(good[0], scanned.bar, 1.5);
  bad.pattern = tickstock::PatternId::Hammer;
  sink.on_pattern(bad);
  auto other = detection(good[0], scanned.bar, 0.75);
  other.pattern = tickstock::PatternId::Engulfing;
  sink.on_pattern(other);
  REQUIRE(sink.flush_for(std::chrono::seconds(60)));
  const auto st = sink.stats();
  CHECK(st.bars == 300);
  CHECK(st.detections == 2);
  CHECK(st.refused_rows == 2);
  CHECK(st.refused_rows_kept == 2);
  CHECK(st.dropped == 0);
  // A slow machine can cut the queue in two batches, one refused row each.
  CHECK(st.failed_batches >= 1);
  CHECK(st.failed_batches <= 2);
  CHECK(st.backlog == 0);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "300");
  CHECK(db.query("SELECT count(DISTINCT symbol) FROM ohlcv_1min") == "5");
  CHECK(db.query("SELECT string_agg(pattern, ',' ORDER BY pattern) FROM pattern_detections") ==
        "CDLDOJI,CDLENGULFING");
  // Kept beside the spill file, one JSON line each, with PostgreSQL's reason.
  CHECK(sink.refused_path() == (tmp.dir / "pg-x.refused").string());
  const auto lines = lines_of(sink.refused_path());
  REQUIRE(lines.size() == 2);
  const std::string& bar_line =
      lines[0].find("ohlcv_1min") != std::string::npos ? lines[0] : lines[1];
  const std::string& det_line = &bar_line == &lines[0] ? lines[1] : lines[0];
  CHECK(bar_line.find("\"table\":\"ohlcv_1min\"") != std::string::npos);
  CHECK(bar_line.find("\"symbol\":\"BA\\u0000D\"") != std::string::npos);
  CHECK(bar_line.find("\"start\":\"2024-03-01T15:00:00Z\"") != std::string::npos);
  CHECK(bar_line.find("0x00") != std::string::npos);  // invalid byte sequence ... 0x00
  CHECK(det_line.find("\"table\":\"pattern_detections\"") != std::string::npos);
  CHECK(det_line.find("\"pattern\":\"CDLHAMMER\"") != std::string::npos);
  CHECK(det_line.find("\"confidence\":1.5") != std::string::npos);
  CHECK(det_line.find("pattern_detections_confidence_check") != std::string::npos);
  if (st.failed_batches == 1)
    CHECK(logged.said("the database refused 2 rows; the rest of the batch is stored"));
  else
    CHECK(logged.count("the database refused 1 rows; the rest of the batch is stored") == 2);
}

TEST_CASE("PgSink counts refused rows it cannot keep once the refused file is full",
          "[pg][threads][refused]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  db.apply_schema();
  TempDir tmp;
  SymbolTable symbols;
  const auto nul = symbols.intern(std::string("N\0L", 3));
  const auto a = symbols.intern("AAA");
  Logged logged;
  PgSinkOptions o;
  o.url = db.url();
  o.spill_path = (tmp.dir / "pg.spill").string();
  o.refused_limit = 64;  // less than one line
  o.log = [&](bool, const std::string& m) {
    std::lock_guard lock(logged.mu);
    logged.lines.push_back(m);
  };
  PgSink sink(o);
  sink.on_bar(minute_bar(a, 0, 10));
  sink.on_bar(minute_bar(nul, 0, 10));
  sink.on_bar(minute_bar(a, 1, 11));
  REQUIRE(sink.flush_for(std::chrono::seconds(30)));
  const auto st = sink.stats();
  CHECK(st.bars == 2);
  CHECK(st.refused_rows == 1);
  CHECK(st.refused_rows_kept == 0);
  CHECK(st.dropped == 1);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "2");
  CHECK(logged.said("1 of them are lost (refused rows file " + sink.refused_path() +
                    " is full (64 bytes)"));
}

TEST_CASE("PgSink writes again, rather than drops, what the database fails for its own reasons",
          "[pg][threads][refused]") {
  TICKSTOCK_SKIP_WITHOUT_DATABASE();
  TestDatabase db;
  db.apply_schema();
  SymbolTable symbols;
  const auto a = symbols.intern("AAA");
  Logged logged;
  PgSinkOptions o;
  o.url = db.url();
  o.connections = 1;
  o.min_backoff = std::chrono::milliseconds(20);
  o.max_backoff = std::chrono::milliseconds(100);
  o.log = [&](bool, const std::string& m) {
    std::lock_guard lock(logged.mu);
    logged.lines.push_back(m);
  };
  PgSink sink(o);
  sink.on_bar(minute_bar(a, 0, 10));
  REQUIRE(sink.flush_for(std::chrono::seconds(30)));
  // The table goes away for a while (an operator's mistake, a migration in progress).
  db.query("ALTER TABLE ohlcv_1min RENAME TO ohlcv_1min_away");
  for (int i = 1; i < 50; ++i) sink.on_bar(minute_bar(a, i, 10 + i));
  for (int i = 0; i < 100 && !logged.said("the database failed a write"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(logged.said("the database failed a write"));
  CHECK(sink.stats().backlog == 49);
  db.query("ALTER TABLE ohlcv_1min_away RENAME TO ohlcv_1min");
  REQUIRE(sink.flush_for(std::chrono::seconds(30)));
  const auto st = sink.stats();
  CHECK(st.bars == 50);
  CHECK(st.dropped == 0);
  CHECK(st.refused_rows == 0);
  CHECK(db.query("SELECT count(*) FROM ohlcv_1min") == "50");
  CHECK(logged.said("writing again after"));
}
