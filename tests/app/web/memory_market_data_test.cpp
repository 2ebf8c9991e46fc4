// MemoryMarketData (serve's API data without a database): a revision replaces its detection, a
// retraction removes it, the oldest go past the cap, and pages come newest first.
#include "web/store/memory_market_data.h"

#include <string>

#include <catch2/catch.hpp>

#include "tickstock/patterns.h"
#include "tickstock/types.h"

namespace tickstock::app {
namespace {

PatternEvent detection(SymbolTable& symbols, const char* sym, Timestamp start, PatternId id,
                       double confidence) {
  PatternEvent e;
  e.symbol = symbols.intern(sym);
  e.timeframe = Timeframe::M1;
  e.bar_start = start;
  e.pattern = id;
  e.output = 100;
  e.direction = PatternDirection::Bullish;
  e.confidence = confidence;
  return e;
}

}  // namespace

TEST_CASE("memory market data: revisions replace, retractions remove, the cap keeps the newest",
          "[app][web]") {
  SymbolTable symbols;
  MemoryMarketData data(100, 3);
  data.add_pattern(detection(symbols, "SPY", 60, PatternId::Doji, 0.5), 10, 100);
  data.add_pattern(detection(symbols, "QQQ", 60, PatternId::Doji, 0.6), 20, 200);
  // The same detection again (the bar was revised): one row, the newer values.
  auto revised = detection(symbols, "SPY", 60, PatternId::Doji, 0.9);
  revised.revision = 1;
  data.add_pattern(revised, 11, 150);
  PatternQuery all;
  auto page = data.patterns(all);
  REQUIRE(page);
  REQUIRE(page->items.size() == 2);
  const PatternRow& spy = page->items[0].symbol == "SPY" ? page->items[0] : page->items[1];
  CHECK(spy.confidence == 0.9);
  CHECK(spy.price == 11);
  CHECK(spy.revision == 1);
  // A retraction removes it.
  auto gone = detection(symbols, "SPY", 60, PatternId::Doji, 0);
  gone.retracted = true;
  data.add_pattern(gone, 0, 0);
  page = data.patterns(all);
  REQUIRE(page);
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].symbol == "QQQ");
  // Past the cap of 3 the oldest (QQQ at 60) goes.
  for (Timestamp t : {120, 180, 240})
    data.add_pattern(detection(symbols, "SPY", t, PatternId::Hammer, 0.7), 12, 100);
  page = data.patterns(all);
  REQUIRE(page);
  REQUIRE(page->items.size() == 3);
  CHECK(page->items[0].bar_start == 240);  // newest first
  CHECK(page->items[2].bar_start == 120);
  data.add_pattern(detection(symbols, "QQQ", 60, PatternId::Doji, 0.8), 20, 200);
  page = data.patterns(all);
  REQUIRE(page);
  REQUIRE(page->items.size() == 3);
  // The QQQ detection had gone past the cap already: it comes back as new, and the oldest
  // (SPY at 120) goes.
  CHECK(page->items[0].bar_start == 240);
  CHECK(page->items[1].bar_start == 180);
  CHECK(page->items[2].bar_start == 60);
  PatternQuery qqq;
  qqq.symbol = "QQQ";
  page = data.patterns(qqq);
  REQUIRE(page);
  REQUIRE(page->items.size() == 1);
  CHECK(page->items[0].confidence == 0.8);
}

}  // namespace tickstock::app
