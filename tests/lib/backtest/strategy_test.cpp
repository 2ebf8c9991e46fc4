// The strategy simulation of §5 on bars built by hand: each exit rule, sizing and fees to the
// cent, the order of exits and entries at one timestamp, skipped signals by reason, shorts, the
// benchmark, metrics recomputed here from the equity curve, and causality. Then through
// run_backtest: the files, and the same results.json on 1 and 2 threads.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>
#include <vector>

#include <catch2/catch.hpp>

#include "tickstock/backtest.h"
#include "tickstock/calendar.h"

#include "backtest/strategy_sim.h"

using namespace tickstock;
using tickstock::backtest::simulate_strategy;
using tickstock::backtest::StrategySeries;
using tickstock::backtest::StrategySignal;

namespace {

// The start of trading day i (New York midnight, from 2024-01-02 on).
Timestamp day(int i) {
  return new_york_midnight(civil_from_days(days_from_civil(Date{2024, 1, 2}) + i));
}

Bar bar(int i, double o, double h, double l, double c) {
  Bar b;
  b.timeframe = Timeframe::D1;
  b.start = day(i);
  b.open = o;
  b.high = h;
  b.low = l;
  b.close = c;
  b.volume = 1000;
  return b;
}

// n flat bars at `price` (range ±0.5), from day 0.
std::vector<Bar> flat(int n, double price) {
  std::vector<Bar> out;
  for (int i = 0; i < n; ++i) out.push_back(bar(i, price, price + 0.5, price - 0.5, price));
  return out;
}

StrategySignal buy(std::size_t at, double confidence = 0.8, PatternId p = PatternId::Engulfing) {
  return {at, p, SignalSide::Bullish, confidence};
}

StrategyReport run(const StrategyOptions& o, const std::vector<StrategySeries>& s,
                   const backtest::MinuteBars& minutes = {}) {
  auto r = simulate_strategy(o, Timeframe::D1, day(0),
                             day(static_cast<int>(s.front().bars.size() - 1)), s, minutes);
  REQUIRE(r);
  return *r;
}

std::uint64_t skipped(const StrategyReport& r, const std::string& reason) {
  for (const auto& [k, n] : r.skipped)
    if (k == reason) return n;
  return 0;
}

}  // namespace

TEST_CASE("strategy: a long fills at the next open with slippage and exits at the target",
          "[backtest][strategy]") {
  std::vector<Bar> b = flat(6, 100);
  b[2] = bar(2, 105, 111, 104, 110);  // the target (110.055) inside the bar
  const StrategyOptions o;
  const auto r = run(o, {{"AAA", b, {buy(0)}}});
  REQUIRE(r.trade_list.size() == 1);
  const StrategyTrade& t = r.trade_list[0];
  const double e = 100 * 1.0005;
  const double q = std::floor(0.10 * 100'000 / e);  // 99 shares: max_position binds
  const double level = e * 1.10;
  const double x = level * (1 - 0.0005);
  CHECK(t.entry_price == e);
  CHECK(t.shares == q);
  CHECK(t.exit_price == x);
  CHECK(t.reason == ExitReason::Target);
  CHECK(t.entry_bar == day(1));
  CHECK(t.exit_bar == day(2));
  CHECK(t.bars_held == 2);
  const double fees = 0.001 * q * e + 0.001 * q * x;
  CHECK(t.fees == Approx(fees).epsilon(1e-12));
  CHECK(t.pnl == Approx(q * (x - e) - fees).epsilon(1e-12));
  CHECK(t.slippage_paid == Approx(q * (e - 100) + q * (level - x)).epsilon(1e-12));
  // Equity: cash + shares × close while open; all cash after.
  const double cash_open = 100'000 - q * e - 0.001 * q * e;
  CHECK(r.equity[1].equity == Approx(cash_open + q * 100).epsilon(1e-12));
  CHECK(r.equity[1].positions == 1);
  CHECK(r.equity[2].positions == 0);
  CHECK(r.metrics.final_equity == Approx(100'000 + t.pnl).epsilon(1e-12));
  CHECK(r.trades == 1);
  CHECK(r.wins == 1);
  CHECK(std::isnan(r.profit_factor));  // no losing trade
}

TEST_CASE("strategy: a gap through the stop fills at the open, one level in a bar at the level",
          "[backtest][strategy]") {
  std::vector<Bar> b = flat(6, 100);
  b[3] = bar(3, 90, 91, 89, 90);  // opens below the stop (95.0475)
  auto r = run(StrategyOptions{}, {{"AAA", b, {buy(0)}}});
  REQUIRE(r.trade_list.size() == 1);
  CHECK(r.trade_list[0].reason == ExitReason::Gap);
  CHECK(r.trade_list[0].exit_price == 90 * (1 - 0.0005));
  CHECK(r.trade_list[0].pnl < 0);

  b = flat(6, 100);
  b[3] = bar(3, 99, 99.5, 94, 96);  // trades through the stop inside the bar
  r = run(StrategyOptions{}, {{"AAA", b, {buy(0)}}});
  REQUIRE(r.trade_list.size() == 1);
  CHECK(r.trade_list[0].reason == ExitReason::Stop);
  CHECK(r.trade_list[0].exit_price == 100 * 1.0005 * 0.95 * (1 - 0.0005));
  CHECK_FALSE(r.trade_list[0].ambiguous);
}

TEST_CASE("strategy: both levels in one bar: stop first, the OHLC path, or the 1-minute bars",
          "[backtest][strategy]") {
  std::vector<Bar> b = flat(6, 100);
  b[2] = bar(2, 109, 111, 94, 100);  // both levels; the open is nearer the high
  StrategyOptions o;
  auto r = run(o, {{"AAA", b, {buy(0)}}});
  REQUIRE(r.trade_list.size() == 1);
  CHECK(r.trade_list[0].reason == ExitReason::Stop);
  CHECK(r.trade_list[0].ambiguous);
  CHECK(r.ambiguous_bars == 1);

  o.intrabar = Intrabar::OhlcPath;  // O → H (nearer) → L → C: the target first
  r = run(o, {{"AAA", b, {buy(0)}}});
  CHECK(r.trade_list[0].reason == ExitReason::Target);

  o.intrabar = Intrabar::LowerTimeframe;
  std::vector<Bar> minutes;  // the day's minutes: down through the stop first, then up
  for (const auto& [o1, h, l, c] :
       {std::tuple{109.0, 109.0, 100.0, 100.0}, std::tuple{100.0, 100.0, 94.0, 95.0},
        std::tuple{96.0, 111.0, 96.0, 100.0}}) {
    Bar m = bar(2, o1, h, l, c);
    m.timeframe = Timeframe::M1;
    m.start = day(2) + static_cast<Timestamp>(minutes.size() + 570) * kNanosPerMinute;
    minutes.push_back(m);
  }
  std::string asked;
  auto reader = [&](const std::string& symbol, Timestamp from,
                    Timestamp to) -> Result<std::vector<Bar>> {
    asked = symbol;
    CHECK(from == day(2));
    CHECK(to == day(2) + timeframe_nanos(Timeframe::D1) - 1);
    return minutes;
  };
  r = run(o, {{"AAA", b, {buy(0)}}}, reader);
  CHECK(asked == "AAA");
  CHECK(r.trade_list[0].reason == ExitReason::Stop);
  minutes.erase(minutes.begin() + 1);  // now the up-move comes first
  r = run(o, {{"AAA", b, {buy(0)}}}, reader);
  CHECK(r.trade_list[0].reason == ExitReason::Target);
  CHECK(r.warnings.empty());
  minutes.clear();  // no minute bars: stop first, and said
  r = run(o, {{"AAA", b, {buy(0)}}}, reader);
  CHECK(r.trade_list[0].reason == ExitReason::Stop);
  REQUIRE(r.warnings.size() == 1);
  CHECK_THAT(r.warnings[0], Catch::StartsWith("lower_tf_missing: 1 bars"));
}

TEST_CASE("strategy: max hold exits at the close, and the last bar ends what is open",
          "[backtest][strategy]") {
  StrategyOptions o;
  o.max_hold_bars = 2;
  std::vector<Bar> b = flat(6, 100);
  b[2].close = 101;
  auto r = run(o, {{"AAA", b, {buy(0), buy(3)}}});
  REQUIRE(r.trade_list.size() == 2);
  CHECK(r.trade_list[0].reason == ExitReason::MaxHold);
  CHECK(r.trade_list[0].exit_bar == day(2));
  CHECK(r.trade_list[0].exit_price == 101 * (1 - 0.0005));
  CHECK(r.trade_list[0].bars_held == 2);
  CHECK(r.trade_list[1].reason == ExitReason::MaxHold);
  CHECK(r.trade_list[1].exit_bar == day(5));
  o.max_hold_bars = 20;
  r = run(o, {{"AAA", b, {buy(3)}}});
  REQUIRE(r.trade_list.size() == 1);
  CHECK(r.trade_list[0].reason == ExitReason::End);
  CHECK(r.trade_list[0].exit_bar == day(5));
  CHECK(r.equity.back().positions == 0);
}

TEST_CASE("strategy: skipped signals are counted by reason", "[backtest][strategy]") {
  std::vector<Bar> b = flat(8, 100);
  StrategySeries s{"AAA", b, {}};
  s.signals = {buy(0, 0.9),                                          // taken
               buy(0, 0.7),                                          // same bar: in a position
               buy(2),                                               // still open: in a position
               {3, PatternId::Doji, SignalSide::Neutral, 0.9},       // neutral
               {4, PatternId::Engulfing, SignalSide::Bearish, 0.9},  // long only
               buy(7)};                                              // the last bar
  const auto r = run(StrategyOptions{}, {s});
  CHECK(r.trade_list.size() == 1);
  CHECK(skipped(r, "in_position") == 2);
  CHECK(skipped(r, "neutral") == 1);
  CHECK(skipped(r, "short_disabled") == 1);
  CHECK(skipped(r, "no_next_bar") == 1);
  CHECK(skipped(r, "cash") == 0);

  StrategyOptions poor;  // a share costs more than max_position of the equity
  poor.initial_capital = 1000;
  const auto r2 = run(poor, {{"AAA", flat(4, 200), {buy(0)}}});
  CHECK(r2.trade_list.empty());
  CHECK(skipped(r2, "cash") == 1);
}

TEST_CASE("strategy: a short sells at the open less slippage and covers at the target",
          "[backtest][strategy]") {
  StrategyOptions o;
  o.allow_short = true;
  std::vector<Bar> b = flat(6, 100);
  b[2] = bar(2, 95, 96, 89, 90);  // the target (89.955) inside the bar
  const auto r = run(o, {{"AAA", b, {{0, PatternId::Engulfing, SignalSide::Bearish, 0.9}}}});
  REQUIRE(r.trade_list.size() == 1);
  const StrategyTrade& t = r.trade_list[0];
  const double e = 100 * (1 - 0.0005);
  const double q = std::floor(10'000 / e);
  const double x = e * 0.90 * (1 + 0.0005);
  CHECK(t.direction == -1);
  CHECK(t.entry_price == e);
  CHECK(t.exit_price == x);
  CHECK(t.reason == ExitReason::Target);
  CHECK(t.pnl == Approx(q * (e - x) - 0.001 * q * (e + x)).epsilon(1e-12));
  CHECK(r.metrics.final_equity == Approx(100'000 + t.pnl).epsilon(1e-12));
}

TEST_CASE("strategy: at one time exits come before entries, entries by confidence",
          "[backtest][strategy]") {
  StrategyOptions o;
  o.max_position = 1.0;  // one position takes (almost) all the cash
  std::vector<Bar> a = flat(6, 100), bb = flat(6, 50), c = flat(6, 20'000);
  a[3] = bar(3, 100, 111, 99.5, 105);  // A reaches its target on day 3
  // A enters on day 1; B's signal on day 2 enters on day 3, after A's exit freed the cash; C's
  // signal on the same bar, less confident, finds no cash.
  const auto r = run(o, {{"A", a, {buy(0)}}, {"B", bb, {buy(2, 0.9)}}, {"C", c, {buy(2, 0.5)}}});
  REQUIRE(r.trade_list.size() == 2);
  CHECK(r.trade_list[0].symbol == "A");
  CHECK(r.trade_list[0].exit_bar == day(3));
  CHECK(r.trade_list[1].symbol == "B");
  CHECK(r.trade_list[1].entry_bar == day(3));
  CHECK(skipped(r, "cash") == 1);
}

TEST_CASE("strategy: metrics and the benchmark equal a recomputation from the curve",
          "[backtest][strategy]") {
  std::vector<Bar> a, b;
  double pa = 100, pb = 40;
  for (int i = 0; i < 60; ++i) {  // two zig-zags
    const double da = (i % 7 < 4 ? 1.5 : -2.0), db = (i % 5 < 3 ? -0.4 : 0.7);
    a.push_back(bar(i, pa, std::max(pa, pa + da) + 0.3, std::min(pa, pa + da) - 0.3, pa + da));
    b.push_back(bar(i, pb, std::max(pb, pb + db) + 0.1, std::min(pb, pb + db) - 0.1, pb + db));
    pa += da;
    pb += db;
  }
  const auto r =
      run(StrategyOptions{}, {{"A", a, {buy(3), buy(20), buy(41)}}, {"B", b, {buy(5), buy(30)}}});
  REQUIRE(r.trades >= 3);
  REQUIRE(r.equity.size() == 60);
  // Max drawdown, daily returns (the first against the capital), Sharpe, Sortino, CAGR.
  double peak = 0, mdd = 0, prev = 100'000;
  std::vector<double> ret;
  for (const EquityPoint& p : r.equity) {
    peak = std::max(peak, p.equity);
    mdd = std::max(mdd, 1 - p.equity / peak);
    CHECK(p.drawdown == Approx(1 - p.equity / peak).margin(1e-15));
    ret.push_back(p.equity / prev - 1);
    prev = p.equity;
  }
  double mean = 0, var = 0, down = 0;
  for (const double x : ret) mean += x / static_cast<double>(ret.size());
  for (const double x : ret) var += (x - mean) * (x - mean) / static_cast<double>(ret.size() - 1);
  for (const double x : ret) down += std::min(x, 0.0) * std::min(x, 0.0);
  down = std::sqrt(down / static_cast<double>(ret.size()));
  CHECK(r.metrics.max_drawdown == Approx(mdd).epsilon(1e-12));
  CHECK(r.metrics.sharpe == Approx(mean / std::sqrt(var) * std::sqrt(252.0)).epsilon(1e-9));
  CHECK(r.metrics.sortino == Approx(mean / down * std::sqrt(252.0)).epsilon(1e-9));
  const double years = static_cast<double>(day(59) - day(0)) / (365.25 * 86400e9);
  CHECK(r.metrics.cagr ==
        Approx(std::pow(r.metrics.final_equity / 100'000, 1 / years) - 1).epsilon(1e-12));
  // Buy and hold: half the capital in each, bought at the first open, sold at the last close.
  double bench = 100'000;
  for (const auto& s : {a, b}) {
    const double e = s.front().open * 1.0005;
    const double q = std::floor(50'000 / (e * 1.001));
    bench += -q * e * 1.001 + q * s.back().close * (1 - 0.0005) * (1 - 0.001);
  }
  CHECK(r.benchmark.final_equity == Approx(bench).epsilon(1e-12));
  // Trade figures.
  double pnl = 0, won = 0, lost = 0;
  for (const StrategyTrade& t : r.trade_list) {
    pnl += t.pnl;
    (t.pnl > 0 ? won : lost) += t.pnl;
  }
  CHECK(r.metrics.final_equity == Approx(100'000 + pnl).epsilon(1e-12));
  CHECK(r.expectancy == Approx(pnl / static_cast<double>(r.trades)).epsilon(1e-12));
  if (lost < 0) CHECK(r.profit_factor == Approx(won / -lost).epsilon(1e-12));
}

TEST_CASE("strategy: bars after t change no fill and no equity before t", "[backtest][strategy]") {
  std::vector<Bar> a;
  double p = 100;
  for (int i = 0; i < 80; ++i) {
    const double d = std::sin(i * 0.7) * 3;
    a.push_back(bar(i, p, std::max(p, p + d) + 1, std::min(p, p + d) - 1, p + d));
    p += d;
  }
  std::vector<StrategySignal> sig;
  for (std::size_t i = 2; i < 80; i += 9) sig.push_back(buy(i));
  const auto full = run(StrategyOptions{}, {{"A", a, sig}});
  for (const int cut : {25, 50, 70}) {
    std::vector<Bar> part(a.begin(), a.begin() + cut);
    std::vector<StrategySignal> psig;
    for (const StrategySignal& s : sig)
      if (s.bar < static_cast<std::size_t>(cut)) psig.push_back(s);
    const auto r = run(StrategyOptions{}, {{"A", part, psig}});
    const Timestamp last = day(cut - 1);
    std::size_t same = 0;
    for (const StrategyTrade& t : r.trade_list) {
      if (t.exit_bar >= last) continue;  // the cut's own end closes what is open
      REQUIRE(same < full.trade_list.size());
      CHECK(t.exit_bar == full.trade_list[same].exit_bar);
      CHECK(t.pnl == full.trade_list[same].pnl);
      ++same;
    }
    CHECK(same > 0);
    for (std::size_t i = 0; i + 1 < r.equity.size(); ++i)
      CHECK(r.equity[i].equity == full.equity[i].equity);
  }
}

TEST_CASE("strategy: run_backtest writes its files, the same on 1 and 2 threads",
          "[backtest][strategy]") {
  std::vector<SymbolBars> data;
  for (const char* symbol : {"AAA", "BBB", "CCC"}) {
    std::vector<Bar> bars;
    double p = 50 + symbol[0];
    for (int i = 0; i < 400; ++i) {
      const double d = std::sin(i * 0.37 + symbol[0]) * 1.5 + std::cos(i * 1.3) * 0.8;
      bars.push_back(bar(i, p, std::max(p, p + d) + 0.4, std::min(p, p + d) - 0.4, p + d));
      p += d;
    }
    data.push_back({symbol, bars});
  }
  BacktestOptions o;
  o.symbols = {"AAA", "BBB", "CCC"};
  o.start = day(100);
  o.end = day(399);
  o.timeframes = {Timeframe::D1};
  o.strategy = StrategyOptions{};
  std::string json[2];
  for (const int threads : {1, 2}) {
    o.threads = threads;
    auto source = make_vector_bar_source(data);
    auto plan = plan_backtest(o, *source);
    REQUIRE(plan);
    auto r = run_backtest(*plan, o, *source);
    REQUIRE(r);
    REQUIRE(r->strategy);
    CHECK(r->strategy->trades > 0);
    CHECK(r->strategy->equity.size() == 300);
    json[threads - 1] = results_json(*r);
    const std::string dir = "/tmp/tickstock-strategy-" + std::to_string(::getpid());
    REQUIRE(write_backtest_csv(*r, dir, false));
    std::ifstream trades(dir + "/trades.csv"), equity(dir + "/equity.csv");
    std::string header;
    std::getline(trades, header);
    CHECK(header ==
          "symbol,pattern,direction,confidence,signal_bar,entry_bar,exit_bar,entry_price,"
          "exit_price,shares,fees,slippage,pnl,return_pct,bars_held,exit_reason,ambiguous");
    std::getline(equity, header);
    CHECK(header == "bar,equity,drawdown,benchmark,positions");
    std::size_t lines = 0;
    for (std::string l; std::getline(trades, l);) ++lines;
    CHECK(lines == r->strategy->trades);
    std::filesystem::remove_all(dir);
  }
  CHECK(json[0] == json[1]);
  CHECK(json[0].find("\"strategy\":{") != std::string::npos);

  o.strategy->timeframe = Timeframe::M1;  // not read by this job
  auto bad = validate(o);
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().message, Catch::StartsWith("strategy_timeframe: 1m"));
  o.strategy->timeframe.reset();
  o.strategy->stop_loss = 0;
  CHECK_THAT(validate(o).error().message, Catch::StartsWith("stop_loss:"));
}
