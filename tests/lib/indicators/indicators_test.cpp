// Indicators beyond the TA-Lib goldens: hand-computed VWAP (New York day resets across DST),
// relative volume and pivots; revise()/reset()/copy semantics for every type; no heap
// allocation per bar; parameter validation.
#include "tickstock/indicators.h"

#include <cmath>
#include <cstdlib>

#include <catch2/catch.hpp>

#include "tickstock/calendar.h"

#include "lib/indicators/indicator_harness.h"
#include "support/alloc_counter.h"

using namespace tickstock;

namespace {

Timestamp at(const char* iso) { return *parse_timestamp(iso); }

Bar make_bar(const char* iso, double high, double low, double close, double volume) {
  Bar b;
  b.start = at(iso);
  b.open = close;
  b.high = high;
  b.low = low;
  b.close = close;
  b.volume = volume;
  return b;
}

// A deterministic random-walk series of one-minute bars over several New York days.
std::vector<Bar> walk(std::size_t n) {
  std::vector<Bar> out;
  std::uint64_t s = 12345;
  const auto rnd = [&s] {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  double price = 100;
  Timestamp t = at("2024-03-08T14:30:00Z");
  for (std::size_t i = 0; i < n; ++i) {
    Bar b;
    b.start = t;
    b.open = price;
    price += std::round((rnd() - 0.5) * 100) / 100;
    b.close = price;
    b.high = std::max(b.open, b.close) + std::round(rnd() * 30) / 100;
    b.low = std::min(b.open, b.close) - std::round(rnd() * 30) / 100;
    b.volume = std::round(rnd() * 5000);
    out.push_back(b);
    t += (i % 97 == 96) ? 9 * kNanosPerHour : kNanosPerMinute;  // jumps across midnights
  }
  return out;
}

// Every output of an indicator as a flat list (NaN-free), or empty when not ready.
std::vector<double> outputs(const Sma& x) { return {x.value()}; }
std::vector<double> outputs(const Ema& x) { return {x.value()}; }
std::vector<double> outputs(const Rsi& x) { return {x.value()}; }
std::vector<double> outputs(const Atr& x) { return {x.value()}; }
std::vector<double> outputs(const Obv& x) { return {x.value()}; }
std::vector<double> outputs(const WilliamsR& x) { return {x.value()}; }
std::vector<double> outputs(const Cci& x) { return {x.value()}; }
std::vector<double> outputs(const Mfi& x) { return {x.value()}; }
std::vector<double> outputs(const RelativeVolume& x) { return {x.value()}; }
std::vector<double> outputs(const Macd& x) {
  const auto v = x.value();
  return {v.macd, v.signal, v.hist};
}
std::vector<double> outputs(const Bollinger& x) {
  const auto v = x.value();
  return {v.upper, v.middle, v.lower};
}
std::vector<double> outputs(const Stoch& x) {
  const auto v = x.value();
  return {v.slow_k, v.slow_d};
}
std::vector<double> outputs(const Adx& x) {
  const auto v = x.value();
  return {v.adx, v.plus_di, v.minus_di};
}
std::vector<double> outputs(const Vwap& x) {
  const auto v = x.value();
  return {v.vwap, v.upper1, v.lower1, v.upper2, v.lower2};
}
std::vector<double> outputs(const Pivots& x) {
  const auto v = x.value();
  return {v.p, v.r1, v.r2, v.r3, v.s1, v.s2, v.s3};
}

// Adx's DIs are available before ADX itself.
template <class Ind>
std::vector<double> snapshot(const Ind& x) {
  if constexpr (std::is_same_v<Ind, Adx>) {
    if (!x.di_ready()) return {};
    const auto v = x.value();
    return {x.ready() ? v.adx : -1.0, v.plus_di, v.minus_di};
  } else {
    if (!x.ready()) return {};
    return outputs(x);
  }
}

// update() vs update(perturbed)+revise(true), reset(), and copies give identical outputs.
template <class Ind>
void check_revise_reset_copy(Ind proto) {
  const auto bars = walk(1500);
  Ind plain = proto, revised = proto, reused = proto;
  // `reused` runs over a different series first, then is reset.
  for (std::size_t i = 0; i < 300; ++i) reused.update(test::perturbed(bars[i], 1));
  reused.reset();
  // Revising before any update behaves like update.
  Ind fresh_revise = proto, fresh_update = proto;
  fresh_revise.revise(bars[0]);
  fresh_update.update(bars[0]);
  CHECK(snapshot(fresh_revise) == snapshot(fresh_update));

  std::size_t mismatches = 0, ready_bars = 0;
  std::optional<Ind> copy;
  for (std::size_t i = 0; i < bars.size(); ++i) {
    plain.update(bars[i]);
    revised.update(test::perturbed(bars[i], 0));
    revised.revise(test::perturbed(bars[i], 1));
    revised.revise(bars[i]);
    reused.update(bars[i]);
    if (i == 700) copy = plain;  // a copy continues independently and identically
    if (copy && i > 700) copy->update(bars[i]);
    const auto want = snapshot(plain);
    if (!want.empty()) ++ready_bars;
    if (snapshot(revised) != want) ++mismatches;
    if (snapshot(reused) != want) ++mismatches;
    if (copy && i > 700 && snapshot(*copy) != want) ++mismatches;
  }
  CHECK(ready_bars > 1000);
  CHECK(mismatches == 0);
}

}  // namespace

TEST_CASE("revise, reset and copies reproduce plain updates exactly", "[indicators][revise]") {
  check_revise_reset_copy(Sma(7));
  check_revise_reset_copy(Ema(9));
  check_revise_reset_copy(Rsi(5));
  check_revise_reset_copy(Macd(6, 14, 5));
  check_revise_reset_copy(Bollinger(12, 1.5, 2.5));
  check_revise_reset_copy(Atr(6));
  check_revise_reset_copy(Stoch(9, 3, 4));
  check_revise_reset_copy(Adx(8));
  check_revise_reset_copy(Obv());
  check_revise_reset_copy(WilliamsR(11));
  check_revise_reset_copy(Cci(13));
  check_revise_reset_copy(Mfi(10));
  check_revise_reset_copy(Vwap());
  check_revise_reset_copy(RelativeVolume(20));
  check_revise_reset_copy(Pivots(PivotKind::Standard));
  check_revise_reset_copy(Pivots(PivotKind::Fibonacci));
}

TEST_CASE("indicators do not allocate per bar", "[indicators][alloc]") {
  if (!test::counting_allocations()) {
    WARN("skipped under a sanitizer: it replaces operator new itself");
    return;
  }
  const auto bars = walk(3000);
  Sma sma(30);
  Ema ema(30);
  Rsi rsi(14);
  Macd macd;
  Bollinger bb;
  Atr atr;
  Stoch stoch;
  Adx adx;
  Obv obv;
  WilliamsR willr;
  Cci cci;
  Mfi mfi;
  Vwap vwap;
  RelativeVolume rv;
  Pivots piv;
  double sink = 0;
  const std::size_t before = test::allocations();
  for (const Bar& b : bars) {
    const auto step = [&](auto& ind) {
      ind.update(test::perturbed(b, 0));
      ind.revise(b);
      if (ind.ready()) sink += outputs(ind)[0];
    };
    step(sma), step(ema), step(rsi), step(macd), step(bb), step(atr), step(stoch), step(adx);
    step(obv), step(willr), step(cci), step(mfi), step(vwap), step(rv), step(piv);
  }
  const std::size_t after = test::allocations();
  CHECK(std::isfinite(sink));
  // outputs() builds a std::vector per call: 15 indicators per bar at most, nothing else.
  CHECK(after - before <= 15 * bars.size());
  CHECK(after - before > 0);  // the counter does see allocations
  // The indicators themselves: zero.
  const std::size_t before2 = test::allocations();
  for (const Bar& b : bars) {
    sma.update(b), ema.update(b), rsi.update(b), macd.update(b), bb.update(b), atr.update(b);
    stoch.update(b), adx.update(b), obv.update(b), willr.update(b), cci.update(b);
    mfi.update(b), vwap.update(b), rv.update(b), piv.update(b);
    sma.revise(b), ema.revise(b), rsi.revise(b), macd.revise(b), bb.revise(b), atr.revise(b);
    stoch.revise(b), adx.revise(b), obv.revise(b), willr.revise(b), cci.revise(b);
    mfi.revise(b), vwap.revise(b), rv.revise(b), piv.revise(b);
    sink += sma.value() + macd.value().hist + stoch.value().slow_d + adx.value().plus_di;
    sink += vwap.value().upper2 + piv.value().r3 + cci.value() + mfi.value();
  }
  CHECK(test::allocations() == before2);
  CHECK(!std::isinf(sink));
}

TEST_CASE("VWAP with sigma bands, hand-computed", "[indicators][vwap]") {
  Vwap v;
  CHECK_FALSE(v.ready());
  CHECK(v.lookback() == 0);
  // tp = (12 + 9 + 9)/3 = 10, v = 100; tp = (21 + 19 + 20)/3 = 20, v = 300.
  v.update(make_bar("2024-03-05T14:30:00Z", 12, 9, 9, 100));
  REQUIRE(v.ready());
  CHECK(v.value().vwap == 10);
  CHECK(v.value().upper1 == 10);  // one price: σ = 0
  v.update(make_bar("2024-03-05T14:31:00Z", 21, 19, 20, 300));
  // vwap = (1000 + 6000)/400 = 17.5; Σv·tp²/Σv = (10000 + 120000)/400 = 325;
  // σ = sqrt(325 − 306.25) = sqrt(18.75).
  const auto x = v.value();
  const double sd = std::sqrt(18.75);
  CHECK(x.vwap == 17.5);
  CHECK(x.upper1 == Approx(17.5 + sd).epsilon(1e-14));
  CHECK(x.lower1 == Approx(17.5 - sd).epsilon(1e-14));
  CHECK(x.upper2 == Approx(17.5 + 2 * sd).epsilon(1e-14));
  CHECK(x.lower2 == Approx(17.5 - 2 * sd).epsilon(1e-14));
  // A zero-volume first bar of a day leaves the VWAP undefined until volume arrives.
  v.update(make_bar("2024-03-06T14:30:00Z", 12, 9, 9, 0));
  CHECK_FALSE(v.ready());
  v.update(make_bar("2024-03-06T14:31:00Z", 31, 29, 30, 5));
  REQUIRE(v.ready());
  CHECK(v.value().vwap == 30);
}

TEST_CASE("VWAP resets at New York midnight across DST changes", "[indicators][vwap][dst]") {
  Vwap v;
  const auto feed = [&v](const char* iso, double tp) { v.update(make_bar(iso, tp, tp, tp, 1)); };
  // 2024-03-10: DST starts. The day 2024-03-09 (EST) ends at 2024-03-10T05:00Z.
  feed("2024-03-10T04:00:00Z", 10);  // 23:00 EST on 03-09
  feed("2024-03-10T04:59:00Z", 20);  // 23:59 EST on 03-09: same day, vwap 15
  CHECK(v.value().vwap == 15);
  feed("2024-03-10T05:00:00Z", 40);  // 00:00 EST on 03-10: reset
  CHECK(v.value().vwap == 40);
  // The day 2024-03-10 is 23 hours long: it ends at 2024-03-11T04:00Z (EDT midnight).
  feed("2024-03-11T03:59:00Z", 60);  // 23:59 EDT on 03-10: same day, vwap 50
  CHECK(v.value().vwap == 50);
  feed("2024-03-11T04:00:00Z", 7);  // 00:00 EDT on 03-11: reset (a fixed −5h would not)
  CHECK(v.value().vwap == 7);
  // 2024-11-03: DST ends; that day is 25 hours, from 04:00Z to 2024-11-04T05:00Z.
  feed("2024-11-03T04:00:00Z", 1);  // 00:00 EDT on 11-03: new day
  CHECK(v.value().vwap == 1);
  feed("2024-11-04T04:30:00Z", 3);  // 23:30 EST on 11-03: same day (a fixed −4h would reset)
  CHECK(v.value().vwap == 2);
  feed("2024-11-04T05:00:00Z", 9);  // 00:00 EST on 11-04: reset
  CHECK(v.value().vwap == 9);
  // A revision of the bar that opened a day can move it back into the previous day.
  Vwap w;
  w.update(make_bar("2024-03-11T03:58:00Z", 10, 10, 10, 1));
  w.update(make_bar("2024-03-11T04:00:00Z", 30, 30, 30, 1));
  CHECK(w.value().vwap == 30);
  w.revise(make_bar("2024-03-11T03:59:00Z", 30, 30, 30, 1));
  CHECK(w.value().vwap == 20);
}

TEST_CASE("relative volume divides by the SMA that includes the current bar",
          "[indicators][relvol]") {
  RelativeVolume rv(3);
  CHECK(rv.lookback() == 2);
  rv.update(10.0);
  rv.update(20.0);
  CHECK_FALSE(rv.ready());
  rv.update(30.0);  // mean(10, 20, 30) = 20
  REQUIRE(rv.ready());
  CHECK(rv.value() == 1.5);
  rv.update(60.0);  // mean(20, 30, 60) = 110/3
  CHECK(rv.value() == Approx(60.0 / (110.0 / 3.0)).epsilon(1e-15));
  rv.revise(30.0);  // mean(20, 30, 30) = 80/3
  CHECK(rv.value() == Approx(30.0 / (80.0 / 3.0)).epsilon(1e-15));
  rv.update(0.0), rv.update(0.0), rv.update(0.0);
  CHECK(rv.value() == 0.0);  // no volume in the window: 0, not NaN
  RelativeVolume def;
  CHECK(def.lookback() == 19);
  for (int i = 0; i < 20; ++i) def.update(500.0);
  CHECK(def.value() == 1.0);
}

TEST_CASE("pivot points from the prior New York day", "[indicators][pivots]") {
  Pivots std_piv(PivotKind::Standard);
  Pivots fib(PivotKind::Fibonacci);
  const auto feed = [&](const Bar& b) {
    std_piv.update(b);
    fib.update(b);
  };
  // Day 1 (2024-07-01 New York): H = 110, L = 90, last C = 100 -> P = 100, range 20.
  feed(make_bar("2024-07-01T13:30:00Z", 104, 95, 101, 1000));
  feed(make_bar("2024-07-01T15:00:00Z", 110, 99, 105, 1000));
  feed(make_bar("2024-07-01T19:59:00Z", 103, 90, 100, 1000));
  CHECK_FALSE(std_piv.ready());
  CHECK_FALSE(fib.ready());
  // 2024-07-02T03:00Z is 23:00 EDT on 07-01: still day 1.
  feed(make_bar("2024-07-02T03:00:00Z", 100, 100, 100, 10));
  CHECK_FALSE(std_piv.ready());
  // Day 2 starts: levels from day 1.
  feed(make_bar("2024-07-02T13:30:00Z", 130, 60, 65, 1000));
  REQUIRE(std_piv.ready());
  auto s = std_piv.value();
  CHECK(s.p == 100);
  CHECK(s.r1 == 110);  // 2P − L
  CHECK(s.s1 == 90);   // 2P − H
  CHECK(s.r2 == 120);  // P + (H − L)
  CHECK(s.s2 == 80);   // P − (H − L)
  CHECK(s.r3 == 130);  // H + 2(P − L)
  CHECK(s.s3 == 70);   // L − 2(H − P)
  auto f = fib.value();
  CHECK(f.p == 100);
  CHECK(f.r1 == Approx(107.64).epsilon(1e-15));
  CHECK(f.s1 == Approx(92.36).epsilon(1e-15));
  CHECK(f.r2 == Approx(112.36).epsilon(1e-15));
  CHECK(f.s2 == Approx(87.64).epsilon(1e-15));
  CHECK(f.r3 == 120);
  CHECK(f.s3 == 80);
  // Constant through day 2, whatever day 2 does.
  feed(make_bar("2024-07-02T16:00:00Z", 131, 59, 90, 1000));
  CHECK(std_piv.value().r3 == 130);
  // Day 3: from day 2 (H 131, L 59, C 90): P = 280/3.
  feed(make_bar("2024-07-03T13:30:00Z", 95, 94, 94, 1000));
  s = std_piv.value();
  CHECK(s.p == Approx(280.0 / 3).epsilon(1e-15));
  CHECK(s.r1 == Approx(2 * 280.0 / 3 - 59).epsilon(1e-15));
  CHECK(s.s3 == Approx(59 - 2 * (131 - 280.0 / 3)).epsilon(1e-15));
  // Revising the first bar of day 3 into a day-2 bar takes the levels back.
  std_piv.revise(make_bar("2024-07-02T19:00:00Z", 95, 94, 94, 1000));
  CHECK(std_piv.value().p == 100);
  // Daily bars (start = New York midnight): each bar is its own day.
  Pivots daily;
  Bar d = make_bar("2024-07-01T04:00:00Z", 110, 90, 100, 1);
  d.timeframe = Timeframe::D1;
  daily.update(d);
  CHECK_FALSE(daily.ready());
  d.start = new_york_midnight({2024, 7, 2});
  daily.update(d);
  REQUIRE(daily.ready());
  CHECK(daily.value().r2 == 120);
}

TEST_CASE("indicator periods are validated and clamped to TA-Lib's ranges",
          "[indicators][params]") {
  CHECK(Sma::validate(2));
  CHECK_FALSE(Sma::validate(1));
  CHECK_FALSE(Ema::validate(100001));
  CHECK(Atr::validate(1));
  CHECK_FALSE(Atr::validate(0));
  CHECK(Stoch::validate(1, 1, 1));
  CHECK_FALSE(Stoch::validate(5, 0, 3));
  CHECK(Macd::validate(12, 26, 9));
  CHECK_FALSE(Macd::validate(12, 26, 1));  // TA-Lib 0.6 gives garbage for signal 1
  CHECK_FALSE(Macd::validate(1, 26, 9));
  CHECK(RelativeVolume::validate(1));
  const auto err = Cci::validate(1);
  REQUIRE_FALSE(err);
  CHECK(err.error().message == "CCI: period 1 is outside 2..100000");
  // Clamped: the lookbacks show the period in force.
  CHECK(Sma(0).lookback() == 1);
  CHECK(Ema(-5).lookback() == 1);
  CHECK(Rsi(1).lookback() == 2);
  CHECK(Atr(0).lookback() == 1);
  CHECK(Adx(1).lookback() == 3);
  CHECK(Adx(1).di_lookback() == 2);
  CHECK(WilliamsR(1).lookback() == 1);
  CHECK(Mfi(1).lookback() == 2);
  CHECK(Macd(12, 26, 1).lookback() == 26);  // signal clamped to 2
  CHECK(Macd(26, 12, 9).lookback() == 33);  // swapped
  CHECK(Stoch(5, 3, 3).lookback() == 8);
  CHECK(Bollinger(20).lookback() == 19);
  CHECK(Obv().lookback() == 0);
  // TA-Lib's default lookbacks.
  CHECK(Sma().lookback() == 29);
  CHECK(Ema().lookback() == 29);
  CHECK(Rsi().lookback() == 14);
  CHECK(Macd().lookback() == 33);
  CHECK(Atr().lookback() == 14);
  CHECK(Adx().lookback() == 27);
  CHECK(Adx().di_lookback() == 14);
  CHECK(WilliamsR().lookback() == 13);
  CHECK(Cci().lookback() == 13);
  CHECK(Mfi().lookback() == 14);
}

TEST_CASE("ready() turns true exactly at the lookback bar", "[indicators][lookback]") {
  const auto bars = walk(80);
  const auto first_ready = [&bars](auto ind) {
    for (std::size_t i = 0; i < bars.size(); ++i) {
      ind.update(bars[i]);
      if (ind.ready()) return static_cast<int>(i);
    }
    return -1;
  };
  CHECK(first_ready(Sma(7)) == Sma(7).lookback());
  CHECK(first_ready(Ema(7)) == Ema(7).lookback());
  CHECK(first_ready(Rsi(7)) == Rsi(7).lookback());
  CHECK(first_ready(Macd(4, 9, 3)) == Macd(4, 9, 3).lookback());
  CHECK(first_ready(Bollinger(7)) == Bollinger(7).lookback());
  CHECK(first_ready(Atr(7)) == Atr(7).lookback());
  CHECK(first_ready(Stoch(4, 2, 3)) == Stoch(4, 2, 3).lookback());
  CHECK(first_ready(Adx(7)) == Adx(7).lookback());
  CHECK(first_ready(Obv()) == 0);
  CHECK(first_ready(WilliamsR(7)) == WilliamsR(7).lookback());
  CHECK(first_ready(Cci(7)) == Cci(7).lookback());
  CHECK(first_ready(Mfi(7)) == Mfi(7).lookback());
  CHECK(first_ready(RelativeVolume(7)) == RelativeVolume(7).lookback());
  Adx adx(7);
  int di_first = -1;
  for (std::size_t i = 0; i < bars.size() && di_first < 0; ++i) {
    adx.update(bars[i]);
    if (adx.di_ready()) {
      di_first = static_cast<int>(i);
      CHECK(std::isnan(adx.value().adx));  // ADX itself not yet
    }
  }
  CHECK(di_first == adx.di_lookback());
}
