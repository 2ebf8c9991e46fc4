// BarAggregator::resume() and flush(): a symbol carried over by a warm start that takes nothing
// in the run emits nothing at the end (its open bars are the next start's to resume); one that
// takes a trade closes them as a run that never stopped would.
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/bar_aggregator.h"
#include "tickstock/calendar.h"

#include "support/bar_collector.h"

using namespace tickstock;
using tickstock::test::BarCollector;

namespace {

Timestamp at(const char* iso) { return *parse_timestamp(iso); }

// Minutes 14:30..14:39Z of 2024-03-05 (09:30.. New York) as stored, and the stored 5-minute
// bar that holds the newest (the other timeframes' open bars were never stored).
struct Stored {
  explicit Stored(SymbolTable& symbols) {
    const Symbol s = symbols.intern("SPY");
    for (int i = 0; i < 10; ++i) {
      Bar b;
      b.symbol = s;
      b.start = at("2024-03-05T14:30:00Z") + i * kNanosPerMinute;
      b.open = b.low = 100 + i;
      b.high = b.close = 100.5 + i;
      b.volume = 10;
      b.vwap = b.close;
      b.trade_count = 1;
      minutes.push_back(b);
    }
    Bar five = minutes[5];
    five.timeframe = Timeframe::M5;
    five.high = five.close = 109.5;
    five.volume = 50;
    higher.push_back(five);
  }
  std::vector<Bar> minutes, higher;
};

}  // namespace

TEST_CASE("aggregator: a resumed symbol that takes nothing emits nothing at flush",
          "[aggregator][resume]") {
  SymbolTable symbols;
  const Stored stored(symbols);
  ManualClock clock(at("2024-03-05T14:39:40Z"));
  BarCollector out;
  BarAggregator agg({}, clock, out);
  agg.resume(stored.minutes, stored.higher);
  // Another symbol's run: its bars come and go, SPY's stay as they were carried over.
  const Symbol aig = symbols.intern("AIG");
  agg.on_tick(Tick{aig, at("2024-03-05T14:39:45Z"), 0, 50, 100, kTickNormal});
  agg.flush();
  for (const Bar& b : out.bars) CHECK(b.symbol.name() == "AIG");
  CHECK_FALSE(out.bars.empty());
  // The open minute 14:39 and the open 5m (stored), 15m, 30m, 1h, 4h and daily bars.
  CHECK(agg.stats().carried_kept == 7);
}

TEST_CASE("aggregator: a resumed symbol that takes a trade closes its bars at flush",
          "[aggregator][resume]") {
  SymbolTable symbols;
  const Stored stored(symbols);
  ManualClock clock(at("2024-03-05T14:39:40Z"));
  BarCollector out;
  BarAggregator agg({}, clock, out);
  agg.resume(stored.minutes, stored.higher);
  agg.on_tick(Tick{symbols.intern("SPY"), at("2024-03-05T14:39:50Z"), 0, 111, 5, kTickNormal});
  agg.flush();
  CHECK(agg.stats().carried_kept == 0);
  // The minute stored before, revised; the stored 5-minute bar, revised; the others new.
  REQUIRE(out.of(Timeframe::M1).size() == 1);
  CHECK(out.of(Timeframe::M1)[0].revision == 1);
  CHECK(out.of(Timeframe::M1)[0].close == 111);
  REQUIRE(out.of(Timeframe::M5).size() == 1);
  CHECK(out.of(Timeframe::M5)[0].revision == 1);
  CHECK(out.of(Timeframe::M5)[0].high == 111);
  for (const Timeframe tf :
       {Timeframe::M15, Timeframe::M30, Timeframe::H1, Timeframe::H4, Timeframe::D1}) {
    REQUIRE(out.of(tf).size() == 1);
    CHECK(out.of(tf)[0].revision == 0);
    CHECK(out.of(tf)[0].open == 100);
    CHECK(out.of(tf)[0].close == 111);
  }
}
