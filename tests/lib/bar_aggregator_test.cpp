#include "tickstock/bar_aggregator.h"

#include <cmath>
#include <limits>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "support/bar_collector.h"

using namespace tickstock;
using tickstock::test::BarCollector;

namespace {

Timestamp at(const char* iso) { return *parse_timestamp(iso); }

// Drives an aggregator the way the replay feed does: the clock follows event time.
struct Rig {
  explicit Rig(AggregatorOptions o = {}) : agg(o, clock, out, &out) {}
  void tick(const char* sym, const char* iso, double price, double size,
            std::uint32_t flags = kTickNormal) {
    const Timestamp t = at(iso);
    if (t > clock.now()) clock.set(t);
    agg.on_tick(Tick{symbols.intern(sym), t, t, price, size, flags});
  }
  // A tick whose event time is older than the clock (reported late).
  void late_tick(const char* sym, const char* iso, double price, double size) {
    const Timestamp t = at(iso);
    agg.on_tick(Tick{symbols.intern(sym), t, clock.now(), price, size, kTickNormal});
  }
  void advance_to(const char* iso) {
    clock.set(at(iso));
    agg.on_clock();
  }
  SymbolTable symbols;
  ManualClock clock{0};
  BarCollector out;
  BarAggregator agg;
};

}  // namespace

TEST_CASE("ticks in one minute make one bar keyed by its start", "[aggregator]") {
  Rig r;
  r.tick("SPY", "2013-10-07T13:30:00.100Z", 10.0, 100);
  r.tick("SPY", "2013-10-07T13:30:10Z", 12.0, 50);
  r.tick("SPY", "2013-10-07T13:30:20Z", 9.0, 50);
  r.tick("SPY", "2013-10-07T13:30:59.999Z", 11.0, 200);
  CHECK(r.out.of(Timeframe::M1).empty());  // not closed yet
  r.advance_to("2013-10-07T13:31:02Z");    // end + 2 s grace
  const auto bars = r.out.of(Timeframe::M1);
  REQUIRE(bars.size() == 1);
  const Bar& b = bars[0];
  CHECK(b.symbol.name() == "SPY");
  CHECK(b.start == at("2013-10-07T13:30:00Z"));
  CHECK(b.open == 10.0);
  CHECK(b.high == 12.0);
  CHECK(b.low == 9.0);
  CHECK(b.close == 11.0);
  CHECK(b.volume == 400);
  CHECK(b.trade_count == 4);
  CHECK(b.vwap == Approx((10.0 * 100 + 12 * 50 + 9 * 50 + 11 * 200) / 400.0));
  CHECK(b.revision == 0);
  CHECK(b.session == Session::Regular);
}

TEST_CASE("a bar closes when the clock passes end plus grace, not on its symbol's next tick",
          "[aggregator]") {
  Rig r;
  r.tick("AAA", "2013-10-07T13:30:05Z", 10.0, 1);
  r.advance_to("2013-10-07T13:31:01.999Z");
  CHECK(r.out.of(Timeframe::M1).empty());
  r.tick("BBB", "2013-10-07T13:31:02Z", 20.0, 1);  // another symbol moves the clock
  auto bars = r.out.of(Timeframe::M1);
  REQUIRE(bars.size() == 1);
  CHECK(bars[0].symbol.name() == "AAA");
}

TEST_CASE("minutes without trades produce no bar", "[aggregator]") {
  Rig r;
  r.tick("SPY", "2013-10-07T13:30:05Z", 10.0, 1);
  r.tick("SPY", "2013-10-07T13:33:05Z", 11.0, 1);
  r.agg.flush();
  const auto bars = r.out.of(Timeframe::M1);
  REQUIRE(bars.size() == 2);
  CHECK(bars[0].start == at("2013-10-07T13:30:00Z"));
  CHECK(bars[1].start == at("2013-10-07T13:33:00Z"));
  CHECK(r.out.flushes == 1);
}

TEST_CASE("a late tick within the allowed lateness revises the bar and its higher bars",
          "[aggregator][late]") {
  Rig r;
  r.tick("SPY", "2013-10-07T13:30:05Z", 10.0, 100);
  r.tick("SPY", "2013-10-07T13:34:30Z", 10.5, 100);
  r.advance_to("2013-10-07T13:35:02Z");  // 13:30 M1 and the 13:30 M5 bar are closed
  REQUIRE(r.out.of(Timeframe::M5).size() == 1);
  r.late_tick("SPY", "2013-10-07T13:30:30Z", 13.0, 10);  // 4.5 min late, within 5 min
  const auto m1 = r.out.of(Timeframe::M1);
  REQUIRE(m1.size() == 3);
  CHECK(m1[2].start == at("2013-10-07T13:30:00Z"));
  CHECK(m1[2].revision == 1);
  CHECK(m1[2].high == 13.0);
  CHECK(m1[2].close == 13.0);  // latest by event time in that minute
  CHECK(m1[2].volume == 110);
  const auto m5 = r.out.of(Timeframe::M5);
  REQUIRE(m5.size() == 2);
  CHECK(m5[1].revision == 1);
  CHECK(m5[1].high == 13.0);
  CHECK(m5[1].close == 10.5);  // the 13:34:30 trade is still the last of the 5 minutes
  CHECK(m5[1].volume == 210);
  CHECK(r.agg.stats().late_ticks_used == 1);
  CHECK(r.agg.stats().revisions == 2);
}

TEST_CASE("a tick older than the allowed lateness is refused, counted and reported",
          "[aggregator][late]") {
  Rig r;
  r.tick("SPY", "2013-10-07T13:30:05Z", 10.0, 100);
  r.advance_to("2013-10-07T13:40:00Z");
  r.late_tick("SPY", "2013-10-07T13:30:30Z", 13.0, 10);
  CHECK(r.agg.stats().rejected[static_cast<int>(TickReject::TooLate)] == 1);
  REQUIRE(r.out.rejected.size() == 1);
  CHECK(r.out.rejected[0].reason == TickReject::TooLate);
  CHECK(r.out.of(Timeframe::M1).size() == 1);
  CHECK(r.out.of(Timeframe::M1)[0].high == 10.0);
}

TEST_CASE("a late tick for a minute that had no trades makes a new bar", "[aggregator][late]") {
  Rig r;
  r.tick("SPY", "2013-10-07T13:30:05Z", 10.0, 100);
  r.tick("SPY", "2013-10-07T13:33:05Z", 10.0, 100);
  r.late_tick("SPY", "2013-10-07T13:31:30Z", 11.0, 5);
  r.agg.flush();
  const auto m1 = r.out.of(Timeframe::M1);
  REQUIRE(m1.size() == 3);
  CHECK(m1[1].start == at("2013-10-07T13:31:00Z"));
  CHECK(m1[1].revision == 0);
  const auto m5 = r.out.of(Timeframe::M5);
  REQUIRE(m5.size() == 1);
  CHECK(m5[0].volume == 205);
  CHECK(m5[0].high == 11.0);
}

TEST_CASE("higher timeframes are the roll-up of the 1-minute bars", "[aggregator][rollup]") {
  Rig r;
  double p = 100;
  for (int m = 0; m < 130; ++m) {  // 13:30 .. 15:39
    for (int s = 0; s < 60; s += 20) {
      const Timestamp t = at("2013-10-07T13:30:00Z") + m * kNanosPerMinute + s * kNanosPerSecond;
      p += ((m * 7 + s) % 11) - 5;
      r.clock.set(t);
      r.agg.on_tick(Tick{r.symbols.intern("X"), t, t, p, static_cast<double>(1 + m % 3), 0});
    }
  }
  r.agg.flush();
  const auto m1 = r.out.of(Timeframe::M1);
  REQUIRE(m1.size() == 130);
  for (Timeframe tf :
       {Timeframe::M5, Timeframe::M15, Timeframe::M30, Timeframe::H1, Timeframe::H4}) {
    const Timestamp len = timeframe_nanos(tf);
    for (const Bar& h : r.out.of(tf)) {
      double hi = -1, lo = 1e300, vol = 0, open = 0, close = 0;
      bool first = true;
      for (const Bar& b : m1) {
        if (b.start < h.start || b.start >= h.start + len) continue;
        if (first) open = b.open;
        first = false;
        hi = std::max(hi, b.high);
        lo = std::min(lo, b.low);
        vol += b.volume;
        close = b.close;
      }
      INFO(timeframe_name(tf) << " bar at " << format_iso8601(h.start));
      CHECK(h.open == open);
      CHECK(h.high == hi);
      CHECK(h.low == lo);
      CHECK(h.close == close);
      CHECK(h.volume == vol);
    }
  }
  CHECK(r.out.of(Timeframe::M5).size() == 26);
  CHECK(r.out.of(Timeframe::H1).size() == 3);  // 13:00, 14:00, 15:00 UTC
  CHECK(r.out.of(Timeframe::H4).size() == 1);  // 12:00-16:00 UTC holds all of it
}

TEST_CASE("daily bars count the regular session and close at 16:00 New York",
          "[aggregator][daily]") {
  Rig r;
  r.tick("IBM", "2013-10-07T12:00:00Z", 50.0, 10);   // 08:00 pre-market
  r.tick("IBM", "2013-10-07T13:30:00Z", 51.0, 100);  // open
  r.tick("IBM", "2013-10-07T19:59:59Z", 52.0, 100);  // last regular minute
  r.tick("IBM", "2013-10-07T21:00:00Z", 60.0, 10);   // 17:00 post-market
  const auto daily = r.out.of(Timeframe::D1);
  REQUIRE(daily.size() == 1);  // closed at 20:00:02Z, before the post-market tick
  CHECK(daily[0].start == at("2013-10-07T04:00:00Z"));
  CHECK(new_york_date(daily[0].start) == Date{2013, 10, 7});
  CHECK(daily[0].open == 51.0);
  CHECK(daily[0].high == 52.0);
  CHECK(daily[0].low == 51.0);
  CHECK(daily[0].close == 52.0);
  CHECK(daily[0].volume == 200);
  r.agg.flush();
  // Intraday bars keep the extended-hours trades, tagged with their session.
  const auto m1 = r.out.of(Timeframe::M1);
  REQUIRE(m1.size() == 4);
  CHECK(m1[0].session == Session::PreMarket);
  CHECK(m1[1].session == Session::Regular);
  CHECK(m1[3].session == Session::PostMarket);
}

TEST_CASE("daily session boundaries follow DST (winter: 14:30-21:00Z)",
          "[aggregator][daily][dst]") {
  Rig r;
  // Monday 2013-11-04, the day after the switch back to EST.
  r.tick("IBM", "2013-11-04T14:29:59Z", 40.0, 1);  // 09:29:59 EST: pre-market
  r.tick("IBM", "2013-11-04T14:30:00Z", 41.0, 1);
  r.tick("IBM", "2013-11-04T20:59:59Z", 42.0, 1);
  r.tick("IBM", "2013-11-04T21:00:00Z", 43.0, 1);  // 16:00 EST: post-market
  r.agg.flush();
  const auto daily = r.out.of(Timeframe::D1);
  REQUIRE(daily.size() == 1);
  CHECK(daily[0].start == at("2013-11-04T05:00:00Z"));
  CHECK(daily[0].open == 41.0);
  CHECK(daily[0].close == 42.0);
  CHECK(daily[0].volume == 2);
}

TEST_CASE("daily bars can cover the whole New York day", "[aggregator][daily]") {
  AggregatorOptions o;
  o.daily_extended_hours = true;
  Rig r(o);
  r.tick("IBM", "2013-10-07T12:00:00Z", 50.0, 10);
  r.tick("IBM", "2013-10-07T13:30:00Z", 51.0, 100);
  r.tick("IBM", "2013-10-08T03:59:00Z", 49.0, 5);  // 23:59 New York, same trading date
  r.agg.flush();
  const auto daily = r.out.of(Timeframe::D1);
  REQUIRE(daily.size() == 1);
  CHECK(daily[0].open == 50.0);
  CHECK(daily[0].close == 49.0);
  CHECK(daily[0].volume == 115);
}

TEST_CASE("intraday bars can exclude extended hours", "[aggregator][session]") {
  AggregatorOptions o;
  o.intraday_extended_hours = false;
  Rig r(o);
  r.tick("IBM", "2013-10-07T12:00:00Z", 50.0, 10);
  r.tick("IBM", "2013-10-07T13:30:00Z", 51.0, 100);
  r.agg.flush();
  CHECK(r.out.of(Timeframe::M1).size() == 1);
  CHECK(r.agg.stats().rejected[static_cast<int>(TickReject::OutsideSession)] == 1);
}

TEST_CASE("volume-only trades add volume but never set open, high, low or close",
          "[aggregator][conditions]") {
  Rig r;
  r.tick("SPY", "2013-10-07T13:30:01Z", 169.10, 100);
  r.tick("SPY", "2013-10-07T13:30:02Z", 165.59, 5000, kTickVolumeOnly);  // average-price print
  r.tick("SPY", "2013-10-07T13:30:03Z", 169.20, 100);
  r.tick("SPY", "2013-10-07T13:30:04Z", 170.00, 100, kTickNoOpenClose);  // H/L but not last
  r.agg.flush();
  const auto m1 = r.out.of(Timeframe::M1);
  REQUIRE(m1.size() == 1);
  CHECK(m1[0].low == 169.10);
  CHECK(m1[0].high == 170.00);
  CHECK(m1[0].close == 169.20);
  CHECK(m1[0].volume == 5300);
  CHECK(m1[0].vwap == Approx((169.10 * 100 + 169.20 * 100) / 200));
}

TEST_CASE("invalid ticks are refused and counted per reason", "[aggregator][validation]") {
  Rig r;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  r.tick("SPY", "2013-10-07T13:30:01Z", nan, 1);
  r.tick("SPY", "2013-10-07T13:30:01Z", 0.0, 1);
  r.tick("SPY", "2013-10-07T13:30:01Z", -3.0, 1);
  r.tick("SPY", "2013-10-07T13:30:01Z", 10.0, -1);
  r.tick("SPY", "2013-10-07T13:30:01Z", 10.0, nan);
  r.agg.on_tick(Tick{Symbol{}, at("2013-10-07T13:30:01Z"), 0, 10.0, 1, 0});
  r.agg.flush();
  const auto& s = r.agg.stats();
  CHECK(s.rejected[static_cast<int>(TickReject::BadPrice)] == 3);
  CHECK(s.rejected[static_cast<int>(TickReject::BadSize)] == 2);
  CHECK(s.rejected[static_cast<int>(TickReject::NoSymbol)] == 1);
  CHECK(s.ticks_used == 0);
  CHECK(r.out.bars.empty());
  CHECK(r.out.rejected.size() == 6);
}

TEST_CASE("trades with equal timestamps: the last one received is the close", "[aggregator]") {
  Rig r;
  r.tick("SPY", "2013-10-07T13:30:01Z", 10.0, 1);
  r.tick("SPY", "2013-10-07T13:30:01Z", 10.2, 1);
  r.tick("SPY", "2013-10-07T13:30:01Z", 10.1, 1);
  r.agg.flush();
  const auto m1 = r.out.of(Timeframe::M1);
  REQUIRE(m1.size() == 1);
  CHECK(m1[0].open == 10.0);
  CHECK(m1[0].close == 10.1);
}

TEST_CASE("aggregator options are validated with the field and value named", "[aggregator]") {
  AggregatorOptions o;
  o.allowed_lateness = 2 * kNanosPerHour;
  auto res = validate(o);
  REQUIRE_FALSE(res.has_value());
  CHECK(res.error().message.find("allowed_lateness") != std::string::npos);
  CHECK(validate(AggregatorOptions{}).has_value());
}
